"""The tracked problems of an answer always equal its 存在问题 lines, each problem known by the
id its line carries (anbiao.rectification.sync)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from anbiao.accounts.models import Role
from anbiao.checklists import builtin
from anbiao.checklists import services as checklist_services
from anbiao.checklists.models import Answer, AnswerResult, ProblemLine
from anbiao.checklists.tests.helpers import campaign, start
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification import services
from anbiao.rectification.models import (
    Problem,
    ProblemSource,
    ProblemStatus,
    ProblemTransition,
)
from anbiao.rectification.sync import sync_answer_problems
from anbiao.rectification.tests.helpers import plan, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp():  # noqa: ANN201
    builtin.load()
    return campaign()


@pytest.fixture
def verifier(db):  # noqa: ANN001, ANN201
    """A writer of the city office (verifies every unit's problems)."""
    return make_user(OrganizationFactory(kind=OrgKind.CITY, name="市安委办"), Role.FILLER)


def save_lines(answer, by, lines: list[tuple[str, str]]):  # noqa: ANN001, ANN201
    """Save the clause as the form sends it: (problem id or "" for an added line, text)."""
    answer.refresh_from_db()
    data = checklist_services.AnswerInput(
        result=AnswerResult.NONCONFORM if lines else AnswerResult.CONFORM,
        remarks="",
        problems=[checklist_services.LineInput(text, pid) for pid, text in lines],
    )
    return checklist_services.answer_save(
        by=by, answer=answer, expected_version=answer.version, data=data
    )


def shown(answer) -> list[tuple[str, str]]:  # noqa: ANN001
    """The lines as the form shows them next time: each with its problem's id."""
    return [
        (str(line.tracked_problem.pk), line.text)
        for line in ProblemLine.objects.filter(answer=answer)
        .select_related("tracked_problem")
        .order_by("position")
    ]


def assert_problems_equal_lines(answer) -> None:  # noqa: ANN001
    lines = list(ProblemLine.objects.filter(answer=answer).order_by("position"))
    active = list(Problem.objects.filter(answer=answer).active())
    assert sorted((p.problem_line_id, p.description) for p in active) == sorted(
        (line.pk, line.text) for line in lines
    )
    assert len(active) == len(lines)
    withdrawn = Problem.objects.filter(answer=answer, status=ProblemStatus.WITHDRAWN)
    assert not withdrawn.filter(problem_line__isnull=False).exists()


def last_step(p: Problem) -> ProblemTransition:
    step = p.transitions.order_by("-at", "-id").first()
    assert step is not None
    return step


def advance(p: Problem, *, owner: Any, verifier: Any) -> None:
    """One step along the closed loop, and back: 已销号 is reopened."""
    if p.status == ProblemStatus.PENDING:
        services.problem_plan_save(by=owner, problem=p, data=plan())
        services.problem_transition(by=owner, problem=p, action="start")
    elif p.status == ProblemStatus.IN_PROGRESS:
        if not p.evidence.exists():
            services.problem_evidence_add(by=owner, problem=p, stage="after", upload=png_upload())
        services.problem_transition(by=owner, problem=p, action="submit")
    elif p.status == ProblemStatus.AWAITING:
        services.problem_transition(by=verifier, problem=p, action="verify")
    elif p.status == ProblemStatus.CLOSED:
        event("a 已销号 problem reopened")
        services.problem_transition(by=owner, problem=p, action="reopen", reason="复查发现反弹")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_for_any_sequence_of_edits_each_line_keeps_its_problem_by_id_never_by_text(
    camp: Any, verifier: Any, data: st.DataObject
) -> None:
    """Keep / correct / delete each line, add lines (sometimes with a text used before),
    reorder, push problems along the loop; after every save the active problems equal the
    lines, and each problem's identity followed its id: corrected lines keep their problem and
    state, deleted ones are withdrawn, added ones are new at 待整改 — even with an old text."""
    ent = EnterpriseFactory.create()
    filler = make_user(ent.organization, Role.FILLER)
    checklist = start(ent.organization, filler, camp)
    answer = checklist.answers.order_by("clause__position").first()
    assert answer is not None
    fresh = itertools.count()
    used: list[str] = []
    current: list[tuple[str, str]] = []
    for _ in range(data.draw(st.integers(1, 6), label="saves")):
        status = {pid: Problem.objects.get(pk=pid).status for pid, _ in current}
        lines: list[tuple[str, str]] = []
        edited: dict[str, tuple[str, str]] = {}
        refused = False
        for pid, text in current:
            op = data.draw(st.sampled_from(["keep", "edit", "delete"]), label="op")
            if op == "keep":
                lines.append((pid, text))
            elif op == "edit":
                new_text = f"{text}（更正{next(fresh)}）"
                lines.append((pid, new_text))
                edited[pid] = (text, new_text)
                if status[pid] == ProblemStatus.CLOSED:
                    event("a 已销号 line corrected: refused")
                    refused = True
        for _ in range(data.draw(st.integers(0, 2), label="added")):
            taken = {t for _, t in lines}
            old = [t for t in used if t not in taken]
            reuse = data.draw(st.booleans(), label="reuse an old text")
            if old and reuse:
                text = data.draw(st.sampled_from(old), label="old text")
                event("an old text added as a new line")
            else:
                text = f"问题{next(fresh)}"
            lines.insert(data.draw(st.integers(0, len(lines)), label="at"), ("", text))
        if lines and data.draw(st.integers(0, 9), label="duplicate") == 0:
            lines.append(("", lines[0][1]))
            event("a duplicate line: refused")
            refused = True
        if data.draw(st.booleans(), label="reorder"):
            lines = data.draw(st.permutations(lines), label="order")
        before = {p.pk: (p.status, p.description) for p in Problem.objects.filter(answer=answer)}
        version = Answer.objects.get(pk=answer.pk).version

        if refused:
            with pytest.raises(ValidationError):
                save_lines(answer, filler, lines)
            after = {p.pk: (p.status, p.description) for p in Problem.objects.filter(answer=answer)}
            assert after == before and Answer.objects.get(pk=answer.pk).version == version
            assert shown(answer) == current
        else:
            save_lines(answer, filler, lines)
            assert_problems_equal_lines(answer)
            now = shown(answer)
            assert [t for _, t in now] == [t for _, t in lines]
            for (pid, text), (now_pid, _) in zip(lines, now, strict=True):
                p = Problem.objects.get(pk=now_pid)
                if pid:  # kept or corrected: the same problem, in the same state
                    assert now_pid == pid and p.status == status[pid]
                    if pid in edited:
                        last = last_step(p)
                        assert last.action == "describe"
                        assert last.reason == f"原描述：{edited[pid][0]}；新描述：{text}"
                else:  # added: a new problem at 待整改, whatever its text
                    assert p.pk not in before and p.status == ProblemStatus.PENDING
                    assert [t.action for t in p.transitions.all()] == ["record"]
            for pid in {pid for pid, _ in current} - {pid for pid, _ in lines}:
                p = Problem.objects.get(pk=pid)
                assert p.status == ProblemStatus.WITHDRAWN and p.problem_line is None
                assert last_step(p).action == "withdraw"
            current = now
            used.extend(t for _, t in lines if t not in used)
        if current:
            pid = data.draw(st.sampled_from([pid for pid, _ in current]), label="problem")
            for _ in range(data.draw(st.integers(0, 3), label="steps along the loop")):
                advance(Problem.objects.get(pk=pid), owner=filler, verifier=verifier)


def test_deleting_the_middle_line_withdraws_only_its_problem(camp):  # noqa: ANN001
    ent = EnterpriseFactory()
    filler = make_user(ent.organization, Role.FILLER)
    checklist = start(ent.organization, filler, camp)
    answer = checklist.answers.order_by("clause__position").first()
    save_lines(answer, filler, [("", "甲"), ("", "乙"), ("", "丙")])
    a, b, c = (Problem.objects.get(answer=answer, description=t) for t in "甲乙丙")
    assert {p.source for p in (a, b, c)} == {ProblemSource.ENTERPRISE_SELF}
    assert a.clause_id == answer.clause_id and a.campaign == camp and a.checklist == checklist
    save_lines(answer, filler, [(str(a.pk), "甲"), (str(c.pk), "丙")])
    b.refresh_from_db()
    c.refresh_from_db()
    assert b.status == ProblemStatus.WITHDRAWN and b.problem_line is None
    assert c.status == ProblemStatus.PENDING and c.problem_line.position == 2
    assert b.transitions.last().action == "withdraw"
    # Editing a line's text keeps the problem and records the change.
    save_lines(answer, filler, [(str(a.pk), "甲（已补充位置：一车间）"), (str(c.pk), "丙")])
    a.refresh_from_db()
    assert a.description == "甲（已补充位置：一车间）"
    assert a.transitions.last().action == "describe"
    assert "原描述：甲" in a.transitions.last().reason


def test_retyping_a_deleted_lines_text_as_a_new_line_is_a_new_problem(camp):  # noqa: ANN001
    ent = EnterpriseFactory()
    filler = make_user(ent.organization, Role.FILLER)
    answer = start(ent.organization, filler, camp).answers.order_by("clause__position").first()
    save_lines(answer, filler, [("", "标线缺失")])
    old = Problem.objects.get(answer=answer)
    save_lines(answer, filler, [("", "标线缺失")])  # deleted, then the same text added again
    old.refresh_from_db()
    new = Problem.objects.get(answer=answer, status=ProblemStatus.PENDING)
    assert old.status == ProblemStatus.WITHDRAWN and new.pk != old.pk


def test_look_back_problems_show_in_self_check_until_the_checklist_is_submitted(camp):  # noqa: ANN001
    ent = EnterpriseFactory()
    filler = make_user(ent.organization, Role.FILLER)
    checklist = start(ent.organization, filler, camp)
    answer = checklist.answers.order_by("clause__position").first()
    save_lines(answer, filler, [("", "甲")])
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
