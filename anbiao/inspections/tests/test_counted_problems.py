"""``Inspection.counted_problems`` (ADR 0014): the stored count of an inspection's problems that
count stays equal to the live count after any sequence of writes, and 附件3 columns 8 and 10,
which sum it, equal the drill-down lists, which list the problems.

Random sequences of: recording an inspection (of an enterprise or of a town, a few findings),
completing one, withdrawing one of its problems (the system's 撤销), moving a problem along
the state machine without leaving 已撤销 or entering it (开始整改, 提交验收, 验收, 重新打开),
and bringing a withdrawn problem back (a move out of 已撤销 through the same ``_apply`` every
transition goes through). After each step every inspection's stored count is compared with
``Inspection.objects.counted().problems()`` (the drill-down's definition).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anbiao.inspections import services
from anbiao.inspections.models import Inspection, InspectionProblem
from anbiao.inspections.tests.helpers import inspection
from anbiao.rectification import services as rectification
from anbiao.rectification.models import Problem, ProblemStatus

pytestmark = pytest.mark.django_db

# the moves of a problem that keep it counting (the state machine's order), and back
MOVES = {
    ProblemStatus.PENDING: "start",
    ProblemStatus.IN_PROGRESS: "submit",
    ProblemStatus.AWAITING: "verify",
    ProblemStatus.CLOSED: "reopen",
}

step_st = st.one_of(
    # of a town (bit 1) or an enterprise, completed at once (bit 0) or left a draft; findings
    st.tuples(st.just("record"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("complete"), st.integers(0, 20), st.just(0)),
    st.tuples(st.just("withdraw"), st.integers(0, 40), st.just(0)),
    st.tuples(st.just("move"), st.integers(0, 40), st.just(0)),
    st.tuples(st.just("bring_back"), st.integers(0, 40), st.just(0)),
)


def live_counts() -> dict[Any, int]:
    """Each inspection's problems that count, as the drill-down lists them."""
    out: dict[Any, int] = {}
    for insp in Inspection.objects.all():
        out[insp.pk] = Inspection.objects.filter(pk=insp.pk).problems().count()
    return out


def stored_counts() -> dict[Any, int]:
    return dict(Inspection.objects.values_list("pk", "counted_problems"))


def columns_8_and_10(unit: Any) -> tuple[tuple[Any, Any], tuple[int, int]]:
    """Columns 8 and 10 of the unit's table, and the lengths of their drill-down lists."""
    from anbiao.stats import selectors as stats
    from anbiao.stats.columns import COLUMN_BY_NO, Period

    today = timezone.localdate()
    period = Period(today, today)
    values = stats.unit_table(unit=unit, period=period).values
    scope = stats.scope_for(unit)
    listed = tuple(len(list(COLUMN_BY_NO[no].records(scope, period))) for no in (8, 10))
    return (values[7], values[9]), (listed[0], listed[1])


def _pick(seq: list[Any], i: int) -> Any:
    return seq[i % len(seq)] if seq else None


def _run(w: dict, steps: list[tuple[str, Any, int]]) -> None:
    city, dept = w["u"]["city"], w["u"]["dept"]
    for action, arg, n in steps:
        if action == "record":
            by, target = (city, w["town"]) if arg & 2 else (dept, w["ent"].organization)
            findings = tuple(f"问题{k + 1}" for k in range(n))
            inspection(by, target, findings=findings, complete=bool(arg & 1))
        elif action == "complete":
            drafts = list(Inspection.objects.filter(status="draft").order_by("created_at", "pk"))
            insp = _pick(drafts, arg)
            if insp is not None:
                by = city if insp.inspector_id == w["city"].pk else dept
                services.inspection_complete(by=by, inspection=insp)
        else:
            linked = list(Problem.objects.filter(inspection__isnull=False).order_by("pk"))
            p = _pick(linked, arg)
            if p is None:
                continue
            if action == "withdraw" and p.status != ProblemStatus.WITHDRAWN:
                rectification.problem_withdraw(by=None, problem=p, reason="细则中的该条已删除")
            elif action == "move" and p.status in MOVES:
                with transaction.atomic():
                    rectification._apply(p, by=None, action=MOVES[p.status], reason="测试")
            elif action == "bring_back" and p.status == ProblemStatus.WITHDRAWN:
                with transaction.atomic():  # out of 已撤销 (no user move does it today)
                    rectification._apply(p, by=None, action="start", reason="恢复")
        assert stored_counts() == live_counts(), (action, arg)
    for unit in (w["city"], w["dept"], w["town"]):
        stats, listed = columns_8_and_10(unit)
        assert stats == listed, unit.name


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step_st, min_size=1, max_size=10))
def test_the_stored_count_follows_every_write_and_columns_8_10_equal_their_lists(
    w: dict, steps: list[tuple[str, Any, int]]
) -> None:
    with transaction.atomic():
        try:
            _run(w, steps)
        finally:
            transaction.set_rollback(True)


def test_a_sequence_of_completes_withdrawals_and_reopens(w: dict) -> None:
    """The same steps, spelled out: 2 + 3 findings, a withdrawal, a verify and reopen."""
    dept, city = w["u"]["dept"], w["u"]["city"]
    a = inspection(dept, w["ent"].organization, findings=("一", "二"))
    b = inspection(city, w["town"], findings=("甲", "乙", "丙"), complete=True)
    assert (a.counted_problems, b.counted_problems) == (0, 3)
    services.inspection_complete(by=dept, inspection=a)
    a.refresh_from_db()
    assert a.counted_problems == 2
    p = Problem.objects.filter(inspection=b).order_by("pk").first()
    assert p is not None
    rectification.problem_withdraw(by=None, problem=p, reason="误报")
    b.refresh_from_db()
    assert b.counted_problems == 2
    q = Problem.objects.filter(inspection=a).order_by("pk").first()
    assert q is not None
    for action in ("start", "submit", "verify", "reopen"):
        with transaction.atomic():
            rectification._apply(q, by=None, action=action, reason="测试")
    a.refresh_from_db()
    assert a.counted_problems == 2
    assert columns_8_and_10(w["city"]) == ((2, 2), (2, 2))


def test_a_link_saved_or_deleted_recounts_its_inspection(w: dict) -> None:
    dept = w["u"]["dept"]
    a = inspection(dept, w["ent"].organization, findings=("一", "二"), complete=True)
    b = inspection(dept, w["ent2"].organization, findings=("三",), complete=True)
    link = InspectionProblem.objects.filter(inspection=a).order_by("pk").first()
    assert link is not None
    link.inspection = b  # moved: both inspections recounted
    link.save()
    assert stored_counts() == live_counts() == {a.pk: 1, b.pk: 2}
    link.delete()
    assert stored_counts() == live_counts() == {a.pk: 1, b.pk: 1}


def test_a_checklist_problem_withdrawn_by_editing_the_answer_is_no_longer_counted(
    w: dict,
) -> None:
    """The sync withdraws a problem whose 存在问题 line is deleted: the count follows."""
    from anbiao.checklists.services import AnswerInput, LineInput, answer_save
    from anbiao.inspections.tests.test_problem_counts import checklist_inspection

    dept = w["u"]["dept"]
    insp = checklist_inspection(dept, w["ent"].organization, "甲", "乙", "丙", complete=True)
    assert insp.counted_problems == 3
    assert insp.checklist is not None
    answer = insp.checklist.answers.order_by("clause__position").first()
    assert answer is not None
    keep = Problem.objects.filter(answer=answer).order_by("recorded_at", "id")[:1]
    answer_save(
        by=dept,
        answer=answer,
        expected_version=answer.version,
        data=AnswerInput("nonconform", "", [LineInput(keep[0].description, str(keep[0].pk))]),
    )
    insp.refresh_from_db()
    assert insp.counted_problems == Inspection.objects.filter(pk=insp.pk).problems().count() == 1


def test_the_list_reads_the_stored_count_for_completed_inspections(w: dict) -> None:
    """``with_problem_count``: one definition, the stored count once completed."""
    dept = w["u"]["dept"]
    insp = inspection(dept, w["ent"].organization, findings=("一", "二"), complete=True)
    Inspection.objects.filter(pk=insp.pk).update(counted_problems=7)  # only to see who reads it
    assert _counts(insp) == (7, 7, 0)
    Inspection.objects.filter(pk=insp.pk).recount_problems()
    assert _counts(insp) == (2, 2, 0)


def _counts(insp: Inspection) -> tuple[int, int, int]:
    """(problem_count, finding_problems, checklist_problems) as the lists read them."""
    row = Inspection.objects.filter(pk=insp.pk).with_problem_count()
    return row.values_list("problem_count", "finding_problems", "checklist_problems").get()  # type: ignore[misc]
