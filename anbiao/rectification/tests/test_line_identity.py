"""A 存在问题 line carries the identity of its problem through the clause form.

The rule (docs/guide/checklists.md, and the help text beside 存在问题): each line of the form is
bound to its problem's id; editing a line's text corrects that problem (问题描述变更, old and new
text on its timeline); deleting a line withdraws its problem (已撤销, kept, not counted); a line
added with “＋ 添加一条问题” is a new problem at 待整改, whatever the lines it replaces. A 已销号
problem's line is read-only: its text changes only after 重新打开 (audited, with a reason).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists import services as checklist_services
from anbiao.checklists.models import AnswerResult, ChecklistStatus, ProblemLine
from anbiao.checklists.tests import helpers as h
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory
from anbiao.rectification import services
from anbiao.rectification.models import Problem, ProblemStatus, ProblemTransition
from anbiao.rectification.tests.helpers import plan, png_upload

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
OLD = "未制定年度监管执法计划"
NEW = "执法检查台账未按月归档"


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


@pytest.fixture
def world() -> dict[str, Any]:
    """A department's 附件1 with one problem on its first clause, submitted."""
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="市住建局")
    filler = h.person(dept, Role.FILLER, "王五")
    city_filler = h.person(city, Role.FILLER, "赵六")
    checklist = h.start(dept, filler)
    answer = checklist.answers.order_by("clause__position").first()
    assert answer is not None
    checklist_services.answer_save(
        by=filler,
        answer=answer,
        expected_version=0,
        data=checklist_services.AnswerInput(AnswerResult.NONCONFORM, "", [OLD]),
    )
    checklist.answers.exclude(pk=answer.pk).update(result=AnswerResult.CONFORM, version=1)
    checklist_services.checklist_submit(
        by=filler, checklist=checklist, scan=h.png_upload("签字表.png")
    )
    return {
        "city": city,
        "dept": dept,
        "filler": filler,
        "city_filler": city_filler,
        "checklist": checklist,
        "answer": answer,
        "problem": Problem.objects.get(answer=answer),
    }


def last_step(p: Problem) -> ProblemTransition:
    step = p.transitions.order_by("-at", "-id").first()
    assert step is not None
    return step


def bring_to(w: dict[str, Any], status: str) -> Problem:
    """The clause's problem driven to ``status`` by the department and the city office."""
    p, owner = w["problem"], w["filler"]
    services.problem_plan_save(by=owner, problem=p, data=plan())
    services.problem_transition(by=owner, problem=p, action="start")
    if status == ProblemStatus.CLOSED:
        services.problem_evidence_add(by=owner, problem=p, stage="after", upload=png_upload())
        services.problem_transition(by=owner, problem=p, action="submit")
        services.problem_transition(by=w["city_filler"], problem=p, action="verify")
    p.refresh_from_db()
    assert p.status == status
    return p


def city_returns(w: dict[str, Any]) -> None:
    checklist_services.checklist_return(
        by=w["city_filler"], checklist=w["checklist"], reason="请核实第1条存在问题"
    )
    w["checklist"].refresh_from_db()
    assert w["checklist"].status == ChecklistStatus.RETURNED


def post_clause(w: dict[str, Any], lines: list[tuple[str, str]], **extra: Any) -> Any:
    """Post the clause form as the page sends it: each line's problem id, then its text."""
    answer = w["answer"]
    answer.refresh_from_db()
    url = reverse("checklists:answer_save", args=[w["checklist"].pk, answer.clause_id])
    body = {
        "version": str(answer.version),
        "result": AnswerResult.NONCONFORM,
        "problem_id": [pid for pid, _ in lines],
        "problem": [text for _, text in lines],
        "remarks": "",
        **extra,
    }
    return login(w["filler"]).post(url, body, **HTMX)


@pytest.mark.parametrize("status", [ProblemStatus.CLOSED, ProblemStatus.IN_PROGRESS])
def test_a_line_added_in_place_of_a_deleted_one_starts_a_new_problem_at_pending(
    world: dict[str, Any], status: str
) -> None:
    old = bring_to(world, status)
    city_returns(world)
    # The user deletes the old line (its id goes with it) and adds a new one (no id).
    response = post_clause(world, [("", NEW)])
    assert response.status_code == 200
    assert "已保存" in response.content.decode()

    old.refresh_from_db()
    assert (old.status, old.description, old.problem_line) == (ProblemStatus.WITHDRAWN, OLD, None)
    assert last_step(old).action == "withdraw"
    new = Problem.objects.get(answer=world["answer"], status=ProblemStatus.PENDING)
    assert new.pk != old.pk and new.description == NEW
    assert (new.verified_by, new.verified_at, new.closed_at) == (None, None, None)
    assert [t.action for t in new.transitions.all()] == ["record"]
    body = response.content.decode()
    assert "整改：待整改" in body and "整改：已销号" not in body and "验收人" not in body
    # Counted once: the withdrawn problem is history, the new line is the one problem.
    assert Problem.objects.filter(answer=world["answer"]).active().count() == 1
    assert ProblemLine.objects.filter(answer=world["answer"]).count() == 1


def test_editing_an_open_problems_text_keeps_the_problem_and_records_old_and_new_text(
    world: dict[str, Any],
) -> None:
    p = bring_to(world, ProblemStatus.IN_PROGRESS)
    city_returns(world)
    fixed = OLD + "（已补充：2026年度）"
    response = post_clause(world, [(str(p.pk), fixed)])
    assert "已保存" in response.content.decode()
    p.refresh_from_db()
    assert (p.status, p.description) == (ProblemStatus.IN_PROGRESS, fixed)
    last = last_step(p)
    assert last.action == "describe"
    assert f"原描述：{OLD}" in last.reason and f"新描述：{fixed}" in last.reason
    entry = AuditEntry.objects.filter(action="anbiao.problem.described").latest("id")
    assert entry.data["from"] == OLD and entry.data["to"] == fixed


def test_a_closed_problems_text_cannot_change_and_the_typed_text_is_kept(
    world: dict[str, Any],
) -> None:
    p = bring_to(world, ProblemStatus.CLOSED)
    city_returns(world)
    response = post_clause(world, [(str(p.pk), OLD + "（改）"), ("", NEW)])
    body = response.content.decode()
    assert "第 1 条存在问题已销号，不能修改内容" in body
    assert "重新打开" in body
    assert NEW in body  # the user's other line is kept
    p.refresh_from_db()
    assert (p.status, p.description) == (ProblemStatus.CLOSED, OLD)
    assert ProblemLine.objects.filter(answer=world["answer"]).count() == 1


def test_a_closed_line_is_shown_read_only_with_a_reopen_action(world: dict[str, Any]) -> None:
    p = bring_to(world, ProblemStatus.CLOSED)
    city_returns(world)
    answer = world["answer"]
    url = reverse("checklists:clause_edit", args=[world["checklist"].pk, answer.clause_id])
    body = login(world["filler"]).get(url, **HTMX).content.decode()
    assert f'name="problem_id" value="{p.pk}"' in body
    assert f'<input type="text" name="problem" value="{OLD}"' not in body  # not editable
    assert "重新打开" in body and "重新打开原因" in body
    # Saving the form unchanged keeps the closed problem as it is.
    response = post_clause(world, [(str(p.pk), OLD)])
    assert "已保存" in response.content.decode()
    p.refresh_from_db()
    assert p.status == ProblemStatus.CLOSED
    assert p.transitions.filter(action="describe").count() == 0


def test_reopening_a_closed_problem_needs_a_reason_is_audited_and_lets_its_text_change(
    world: dict[str, Any],
) -> None:
    p = bring_to(world, ProblemStatus.CLOSED)
    city_returns(world)
    answer = world["answer"]
    url = reverse("checklists:problem_reopen", args=[world["checklist"].pk, answer.clause_id])
    client = login(world["filler"])
    form = {
        "version": str(answer.version),
        "result": AnswerResult.NONCONFORM,
        "problem_id": [str(p.pk), ""],
        "problem": [OLD, NEW],
        "remarks": "我的备注",
        "reopen": str(p.pk),
    }
    refused = client.post(url, {**form, f"reopen_reason_{p.pk}": "  "}, **HTMX).content.decode()
    assert "请填写重新打开的原因" in refused and NEW in refused and "我的备注" in refused
    p.refresh_from_db()
    assert p.status == ProblemStatus.CLOSED

    reason = "市安委办退回：问题描述不准确"
    body = client.post(url, {**form, f"reopen_reason_{p.pk}": reason}, **HTMX).content.decode()
    assert "已重新打开" in body and NEW in body and "我的备注" in body
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS
    assert (p.verified_by, p.verified_at, p.closed_at) == (None, None, None)
    last = last_step(p)
    assert (last.action, last.from_status, last.to_status, last.reason) == (
        "reopen",
        ProblemStatus.CLOSED,
        ProblemStatus.IN_PROGRESS,
        reason,
    )
    assert AuditEntry.objects.filter(action="anbiao.problem.reopen").exists()
    # Now open: its text may be corrected like any open problem's.
    post_clause(world, [(str(p.pk), OLD + "（更正）")])
    p.refresh_from_db()
    assert p.description == OLD + "（更正）" and p.status == ProblemStatus.IN_PROGRESS


def test_deleting_a_closed_problems_line_withdraws_it_and_keeps_its_history(
    world: dict[str, Any],
) -> None:
    p = bring_to(world, ProblemStatus.CLOSED)
    city_returns(world)
    post_clause(world, [("", NEW)])
    p.refresh_from_db()
    assert p.status == ProblemStatus.WITHDRAWN
    assert [t.action for t in p.transitions.all()][-2:] == ["verify", "withdraw"]
    assert p.transitions.filter(action="verify").exists()  # the closed history stays


def test_an_id_of_another_clause_or_a_withdrawn_problem_is_refused(world: dict[str, Any]) -> None:
    p = world["problem"]
    city_returns(world)
    post_clause(world, [("", NEW)])  # withdraws p
    response = post_clause(world, [(str(p.pk), OLD)])
    body = response.content.decode()
    assert "第 1 条存在问题对应的问题已不存在或已撤销" in body
    assert Problem.objects.filter(answer=world["answer"]).active().get().description == NEW
    # The form shown again keeps the text as an added line: saved again, it is a new problem.
    assert f'name="problem_id" value="{p.pk}"' not in body and f'value="{OLD}"' in body
    post_clause(world, [("", OLD)])
    again = Problem.objects.filter(answer=world["answer"]).active().get()
    assert again.description == OLD and again.pk != p.pk


def test_the_problem_page_offers_reopen_with_a_reason_to_the_responsible_unit(
    world: dict[str, Any],
) -> None:
    p = bring_to(world, ProblemStatus.CLOSED)
    url = reverse("rectification:problem_detail", args=[p.pk])
    body = login(world["filler"]).get(url).content.decode()
    assert 'value="reopen"' in body and "重新打开原因（必填）" in body
    assert 'value="reopen"' not in login(world["city_filler"]).get(url).content.decode()
    post = reverse("rectification:problem_transition", args=[p.pk])
    login(world["filler"]).post(
        post, {"action": "reopen", "reason": "复查发现反弹", "lock_version": p.lock_version}
    )
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS
