"""In Chromium: a returned 附件1 whose clauses carry 已销号 problems. Deleting a closed line and
adding one gives a new problem at 待整改; a closed line is read-only until 重新打开 (htmx keeps
the rest of the form as typed), after which its text is corrected on the same problem."""

from __future__ import annotations

from typing import Any

import pytest

from anbiao.accounts.models import Role
from anbiao.checklists import services
from anbiao.checklists.models import AnswerResult
from anbiao.checklists.tests import helpers
from anbiao.checklists.tests.test_browser import open_clause
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory
from anbiao.rectification import services as rectification
from anbiao.rectification.models import Problem, ProblemStatus
from anbiao.rectification.tests.helpers import plan, png_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def closed_problems(texts: list[str]) -> tuple[Any, list[Problem]]:
    """A department's 附件1 with one 已销号 problem on each of its first clauses, returned."""
    helpers.campaign()
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="市住建局")
    filler = helpers.person(dept, Role.FILLER, "王五")
    filler.username = "dept_filler"
    filler.save(update_fields=["username"])
    city_filler = helpers.person(city, Role.FILLER, "赵六")
    checklist = helpers.start(dept, filler)
    answers = list(checklist.answers.order_by("clause__position")[: len(texts)])
    for answer, text in zip(answers, texts, strict=True):
        services.answer_save(
            by=filler,
            answer=answer,
            expected_version=0,
            data=services.AnswerInput(AnswerResult.NONCONFORM, "", [text]),
        )
    checklist.answers.filter(result="").update(result=AnswerResult.CONFORM, version=1)
    services.checklist_submit(by=filler, checklist=checklist, scan=helpers.png_upload("签字.png"))
    problems = []
    for answer in answers:
        p = Problem.objects.get(answer=answer)
        rectification.problem_plan_save(by=filler, problem=p, data=plan())
        rectification.problem_transition(by=filler, problem=p, action="start")
        rectification.problem_evidence_add(by=filler, problem=p, stage="after", upload=png_upload())
        rectification.problem_transition(by=filler, problem=p, action="submit")
        rectification.problem_transition(by=city_filler, problem=p, action="verify")
        problems.append(p)
    services.checklist_return(by=city_filler, checklist=checklist, reason="请核实存在问题")
    return checklist, problems


def test_a_closed_line_is_replaced_or_reopened_never_rewritten(log_in) -> None:  # noqa: ANN001
    checklist, (first, second) = closed_problems(["未制定年度监管计划", "执法台账不全"])
    page = log_in("dept_filler")
    page.goto(f"/checklists/{checklist.pk}/")

    # Clause 1: the closed line is read-only; delete it (confirmed), add a new one, save.
    box = open_clause(page, 0)
    line = box.locator(".problem-line.is-closed")
    assert line.locator("input[name=problem][type=text]").count() == 0
    assert "整改：已销号" in line.inner_text()
    page.once("dialog", lambda d: d.accept())
    line.get_by_role("button", name="删除").click()
    box.get_by_role("button", name="＋ 添加一条问题").click()
    box.locator("input[name=problem]").last.fill("执法检查记录未归档")
    box.get_by_role("button", name="保存本条").click()
    page.locator(f"#c{first.clause_id} .tag-ok").wait_for()
    box = page.locator(f"#c{first.clause_id}")
    assert "整改：待整改" in box.inner_text() and "整改：已销号" not in box.inner_text()
    first.refresh_from_db()
    assert first.status == ProblemStatus.WITHDRAWN
    new = Problem.objects.get(answer=first.answer, status=ProblemStatus.PENDING)
    assert new.description == "执法检查记录未归档"

    # Clause 2: reopen with a reason (the remarks typed meanwhile stay), then correct the text.
    box = open_clause(page, 1)
    box.locator("textarea[name=remarks]").fill("已按退回意见核实")
    box.locator("details.reopen summary").click()
    box.get_by_label("重新打开原因").fill("描述不准确")
    box.get_by_role("button", name="确认重新打开").click()
    page.get_by_text("第 1 条存在问题已重新打开").wait_for()
    box = page.locator(f"#c{second.clause_id}")
    assert box.locator("textarea[name=remarks]").input_value() == "已按退回意见核实"
    field = box.locator("input[name=problem][type=text]")
    field.fill("执法台账不全（2026年第三季度）")
    box.get_by_role("button", name="保存本条").click()
    page.locator(f"#c{second.clause_id} .tag-ok").wait_for()
    second.refresh_from_db()
    assert (second.status, second.description) == (
        ProblemStatus.IN_PROGRESS,
        "执法台账不全（2026年第三季度）",
    )
    assert [t.action for t in second.transitions.all()][-2:] == ["reopen", "describe"]
    assert not page.console_errors
