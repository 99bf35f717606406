"""Columns 3–4 sum the problem count the checklist froze when it was submitted.

Through the real checklist services: submitting freezes the number of 存在问题 lines, returning
clears it (and the look-back stops counting), resubmitting after an edit recounts it. A
look-back marked submitted without the service (no frozen count) still counts its lines.
"""

from __future__ import annotations

from datetime import date

import pytest

from anbiao.checklists import services
from anbiao.checklists.models import AnswerResult, ProblemLine
from anbiao.checklists.tests import helpers as h
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.stats import selectors
from anbiao.stats.columns import Period

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2024, 9, 1), date(2099, 12, 31))


def _col3(dept: object) -> tuple[int | None, int | None, int | None]:
    """Column 3 for the department (its own table and its city row) and the city total."""
    city = selectors.city_table(period=PERIOD)
    row = next(r for r in city.departments if r.unit == dept)
    unit = selectors.unit_table(unit=dept, period=PERIOD)  # type: ignore[arg-type]
    return unit.values[2], row.values[2], city.total.values[2]


def _problems(checklist: object, by: object, lines: list[str]) -> None:
    answer = checklist.answers.order_by("clause__position").first()  # type: ignore[attr-defined]
    services.answer_save(
        by=by,  # type: ignore[arg-type]
        answer=answer,
        expected_version=answer.version,
        data=services.AnswerInput(AnswerResult.NONCONFORM, "", lines),
    )


def test_submit_freezes_the_problem_count_return_clears_it_and_resubmit_recounts() -> None:
    OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory.create(department=dept, town=town).organization
    filler = make_user(ent, "filler")
    reviewer = make_user(dept, "org_admin")

    checklist = h.start(ent, filler)
    h.fill_all(checklist)
    _problems(checklist, filler, ["消防通道堵塞", "台账缺失"])
    services.checklist_submit(by=filler, checklist=checklist, scan=h.png_upload("签字表.png"))
    checklist.refresh_from_db()
    assert checklist.problem_count == 2
    assert _col3(dept) == (2, 2, 2)

    services.checklist_return(by=reviewer, checklist=checklist, reason="请补充问题")
    checklist.refresh_from_db()
    assert checklist.problem_count is None
    assert _col3(dept) == (0, 0, 0)

    _problems(checklist, filler, ["消防通道堵塞", "台账缺失", "应急预案未演练"])
    services.checklist_submit(by=filler, checklist=checklist, scan=h.png_upload("签字表.png"))
    checklist.refresh_from_db()
    assert checklist.problem_count == 3
    assert _col3(dept) == (3, 3, 3)
    scope = selectors.scope_for(dept)
    lines = selectors.column_records(scope=scope, period=PERIOD, no=3)
    assert sorted(lines.values_list("text", flat=True)) == sorted(
        ["消防通道堵塞", "台账缺失", "应急预案未演练"]
    )


def test_a_lookback_submitted_without_a_frozen_count_still_counts_its_lines() -> None:
    OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory.create(department=dept, town=town).organization
    filler = make_user(ent, "filler")
    checklist = h.start(ent, filler)
    h.fill_all(checklist)
    _problems(checklist, filler, ["问题一", "问题二", "问题三", "问题四"])
    services.checklist_submit(by=filler, checklist=checklist, scan=h.png_upload("签字表.png"))
    type(checklist).objects.filter(pk=checklist.pk).update(problem_count=None)  # older data
    assert ProblemLine.objects.filter(answer__checklist=checklist).count() == 4
    assert _col3(dept) == (4, 4, 4)


def test_replacing_a_closed_problems_line_counts_the_new_line_once_and_not_the_withdrawn() -> None:
    """Columns 3–4 count lines; the active problems always equal them (a deleted line's problem
    is withdrawn, an added line is a new problem), so the count and the problems agree."""
    from anbiao.rectification import services as rectification
    from anbiao.rectification.models import Problem, ProblemStatus
    from anbiao.rectification.tests.helpers import plan, png_upload

    OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory.create(department=dept, town=town).organization
    filler = make_user(ent, "filler")
    reviewer = make_user(dept, "org_admin")
    checklist = h.start(ent, filler)
    h.fill_all(checklist)
    _problems(checklist, filler, ["消防通道堵塞", "台账缺失"])
    services.checklist_submit(by=filler, checklist=checklist, scan=h.png_upload("签字表.png"))
    closed = Problem.objects.get(description="消防通道堵塞")
    rectification.problem_plan_save(by=filler, problem=closed, data=plan())
    rectification.problem_transition(by=filler, problem=closed, action="start")
    rectification.problem_evidence_add(
        by=filler, problem=closed, stage="after", upload=png_upload()
    )
    rectification.problem_transition(by=filler, problem=closed, action="submit")
    rectification.problem_transition(by=reviewer, problem=closed, action="verify")
    services.checklist_return(by=reviewer, checklist=checklist, reason="请核实")

    kept = Problem.objects.get(description="台账缺失")
    answer = checklist.answers.order_by("clause__position").first()
    assert answer is not None
    services.answer_save(
        by=filler,
        answer=answer,
        expected_version=answer.version,
        data=services.AnswerInput(
            AnswerResult.NONCONFORM,
            "",
            [services.LineInput("台账缺失", str(kept.pk)), services.LineInput("安全出口上锁")],
        ),
    )
    services.checklist_submit(by=filler, checklist=checklist, scan=h.png_upload("签字表.png"))
    checklist.refresh_from_db()
    assert checklist.problem_count == 2
    assert _col3(dept) == (2, 2, 2)
    lines = selectors.column_records(scope=selectors.scope_for(dept), period=PERIOD, no=3)
    active = Problem.objects.filter(checklist=checklist).active()
    assert sorted(lines.values_list("text", flat=True)) == sorted(
        active.values_list("description", flat=True)
    )
    assert sorted(active.values_list("description", flat=True)) == sorted(
        ["安全出口上锁", "台账缺失"]
    )
    closed.refresh_from_db()
    assert closed.status == ProblemStatus.WITHDRAWN
