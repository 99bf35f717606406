"""The tracked problems of an answer always equal its 存在问题 lines."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anbiao.accounts.models import Role
from anbiao.checklists import builtin
from anbiao.checklists import services as checklist_services
from anbiao.checklists.models import AnswerResult, ProblemLine
from anbiao.checklists.tests.helpers import campaign, start
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification import services
from anbiao.rectification.models import Problem, ProblemSource, ProblemStatus
from anbiao.rectification.sync import sync_answer_problems
from anbiao.rectification.tests.helpers import plan

pytestmark = pytest.mark.django_db

TEXTS = ["公示栏未张贴告知书", "承诺书未签订", "应急预案未演练", "标线缺失", "证书过期"]


@pytest.fixture
def camp():  # noqa: ANN201
    builtin.load()
    return campaign()


def save_lines(answer, by, lines: list[str]):  # noqa: ANN001, ANN201
    answer.refresh_from_db()
    data = checklist_services.AnswerInput(
        result=AnswerResult.NONCONFORM if lines else AnswerResult.CONFORM,
        remarks="",
        problems=lines,
    )
    return checklist_services.answer_save(
        by=by, answer=answer, expected_version=answer.version, data=data
    )


def assert_problems_equal_lines(answer) -> None:  # noqa: ANN001
    lines = list(ProblemLine.objects.filter(answer=answer).order_by("position"))
    active = list(Problem.objects.filter(answer=answer).active())
    assert sorted((p.problem_line_id, p.description) for p in active) == sorted(
        (line.pk, line.text) for line in lines
    )
    assert len(active) == len(lines)
    withdrawn = Problem.objects.filter(answer=answer, status=ProblemStatus.WITHDRAWN)
    assert not withdrawn.filter(problem_line__isnull=False).exists()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(st.lists(st.sampled_from(TEXTS), max_size=5), min_size=1, max_size=6),
    advance=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_for_any_sequence_of_edits_the_active_problems_equal_the_lines(
    camp: Any, edits: list[list[str]], advance: list[bool]
) -> None:
    ent = EnterpriseFactory.create()
    filler = make_user(ent.organization, Role.FILLER)
    checklist = start(ent.organization, filler, camp)
    answer = checklist.answers.order_by("clause__position").first()
    previous: dict[str, Problem] = {}
    previous_lines: list[str] = []
    for lines, move_on in zip(edits, advance, strict=False):
        save_lines(answer, filler, lines)
        assert_problems_equal_lines(answer)
        active = {p.description: p for p in Problem.objects.filter(answer=answer).active()}
        # A text present exactly once before and after keeps its problem (and its state).
        before_once = {t for t, n in Counter(previous_lines).items() if n == 1}
        counts = Counter(lines)
        for text in before_once:
            if counts[text] == 1 and text in previous:
                assert active[text].pk == previous[text].pk
                assert active[text].status == previous[text].status
        if move_on and active:
            p = next(iter(active.values()))
            if p.status == ProblemStatus.PENDING:
                services.problem_plan_save(by=filler, problem=p, data=plan())
                services.problem_transition(by=filler, problem=p, action="start")
        previous = {p.description: p for p in Problem.objects.filter(answer=answer).active()}
        previous_lines = lines


def test_deleting_the_middle_line_withdraws_only_its_problem(camp):  # noqa: ANN001
    ent = EnterpriseFactory()
    filler = make_user(ent.organization, Role.FILLER)
    checklist = start(ent.organization, filler, camp)
    answer = checklist.answers.order_by("clause__position").first()
    save_lines(answer, filler, ["甲", "乙", "丙"])
    a, b, c = (Problem.objects.get(answer=answer, description=t) for t in "甲乙丙")
    assert {p.source for p in (a, b, c)} == {ProblemSource.ENTERPRISE_SELF}
    assert a.clause_id == answer.clause_id and a.campaign == camp and a.checklist == checklist
    save_lines(answer, filler, ["甲", "丙"])
    b.refresh_from_db()
    c.refresh_from_db()
    assert b.status == ProblemStatus.WITHDRAWN and b.problem_line is None
    assert c.status == ProblemStatus.PENDING and c.problem_line.position == 2
    assert b.transitions.last().action == "withdraw"
    # Editing a line's text keeps the problem and records the change.
    save_lines(answer, filler, ["甲（已补充位置：一车间）", "丙"])
    a.refresh_from_db()
    assert a.description == "甲（已补充位置：一车间）"
    assert a.transitions.last().action == "describe"
    assert "原描述：甲" in a.transitions.last().reason


def test_look_back_problems_show_in_self_check_until_the_checklist_is_submitted(camp):  # noqa: ANN001
    ent = EnterpriseFactory()
    filler = make_user(ent.organization, Role.FILLER)
    checklist = start(ent.organization, filler, camp)
    answer = checklist.answers.order_by("clause__position").first()
    save_lines(answer, filler, ["甲"])
    p = Problem.objects.get(answer=answer)
    assert p.in_self_check and p.status == ProblemStatus.PENDING
    checklist.status = "submitted"
    checklist.save()
    p.refresh_from_db()
    assert not p.in_self_check


def test_a_government_look_back_records_government_self_check_problems(camp):  # noqa: ANN001
    dept = OrganizationFactory(kind=OrgKind.DEPARTMENT)
    user = make_user(dept, Role.FILLER)
    checklist = start(dept, user, camp)
    answer = checklist.answers.order_by("clause__position").first()
    ProblemLine.objects.create(answer=answer, position=1, text="未制定监管计划")
    sync_answer_problems(answer, by=user)
    p = Problem.objects.get(answer=answer)
    assert p.source == ProblemSource.GOVERNMENT_SELF and p.organization == dept
    # Idempotent: a second sync changes nothing.
    sync_answer_problems(answer, by=user)
    assert Problem.objects.filter(answer=answer).count() == 1
    assert p.transitions.count() == 1
