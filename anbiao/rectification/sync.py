"""Keep tracked problems in step with the 存在问题 lines of a checklist answer.

Owned by the rectification app; the checklists app calls :func:`resolve_lines` before it writes
an answer's problem lines and :func:`sync_answer_problems` after (inside the same transaction).

Identity travels with the line, never by position or text: the clause form (and the API) sends
each line with the id of the problem it is, and a line added by the user with none. So:

- a line sent with its problem's id keeps that problem — its 五定, evidence and state; if its
  text changed, that is a correction of the same problem (问题描述变更, old and new text on
  the timeline). A 已销号 problem's text cannot change: it must be reopened first (audited);
- a line sent without an id is a new problem at 待整改 (自查中 until the checklist is
  submitted), even when it takes the place — or the text — of a deleted one;
- a problem whose line is gone is withdrawn (已撤销): kept with its history, never counted.

Afterwards the answer's ACTIVE problems (every status but 已撤销) correspond one to one with its
ProblemLines, each problem's description equal to its line's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

CLOSED_TEXT = "第 {n} 条存在问题已销号，不能修改内容；如需修改，请先点该行的“重新打开”并说明原因。"
UNKNOWN = (
    "第 {n} 条存在问题对应的问题已不存在或已撤销（可能已被他人删除）；"
    "如该问题仍然存在，请把这一行作为新增的问题（不带原编号）核对后再次保存。"
)


def _source_for(checklist: Any) -> str:
    from anbiao.rectification.models import ProblemSource

    if checklist.purpose == "inspection":
        return ProblemSource.INSPECTION
    if checklist.organization.kind == "enterprise":
        return ProblemSource.ENTERPRISE_SELF
    return ProblemSource.GOVERNMENT_SELF


def resolve_lines(answer: Any, lines: Sequence[tuple[str, str]]) -> list[int | None]:
    """The ProblemLine each typed line keeps: ``lines`` are (problem id or "", text) in form
    order; the answer is the ProblemLine pk, or None for a new line.

    Raises ValidationError ``{"problems": [...]}`` naming the line when an id is not an active
    problem of this answer, or when a 已销号 problem's text was changed. Writes nothing.
    """
    from anbiao.rectification.models import Problem, ProblemStatus

    wanted = {pid for pid, _ in lines if pid}
    found: dict[str, Problem] = {}
    if wanted:
        for tracked in (
            Problem.objects.filter(answer=answer, problem_line__isnull=False)
            .exclude(status=ProblemStatus.WITHDRAWN)
            .select_related("problem_line")
        ):
            found[str(tracked.pk)] = tracked
    keep: list[int | None] = []
    errors: list[str] = []
    for n, (pid, text) in enumerate(lines, start=1):
        if not pid:
            keep.append(None)
            continue
        p = found.get(_canonical(pid))
        if p is None or p.problem_line is None:
            errors.append(UNKNOWN.format(n=n))
            keep.append(None)
            continue
        if p.status == ProblemStatus.CLOSED and text != p.problem_line.text:
            errors.append(CLOSED_TEXT.format(n=n))
        keep.append(p.problem_line.pk)
    if errors:
        raise ValidationError({"problems": errors})
    return keep


def _canonical(pid: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(str(pid)))
    except ValueError:
        return ""


def sync_answer_problems(answer: Any, *, by: Any) -> None:
    """Create, update or withdraw the tracked problems of ``answer`` so they equal its lines.

    A line linked to an active problem keeps it (a changed text is recorded as 问题描述变更);
    a line without one gets a new problem; an active problem without a line is withdrawn.
    """
    from anbiao.core.audit import log_action
    from anbiao.rectification.models import Problem, ProblemStatus
    from anbiao.rectification.services import _event, problem_withdraw

    checklist = answer.checklist
    lines = list(answer.problems.order_by("position"))
    line_pks = {line.pk for line in lines}
    problems = list(
        Problem.objects.select_for_update()
        .filter(answer=answer)
        .exclude(status=ProblemStatus.WITHDRAWN)
        .order_by("recorded_at", "id")
    )
    by_line: dict[int, Problem] = {}
    for p in problems:
        line_pk = p.problem_line_id
        if line_pk is not None and line_pk in line_pks and line_pk not in by_line:
            by_line[line_pk] = p
            continue
        p.problem_line = None
        problem_withdraw(by=by, problem=p, reason="细则中的该条存在问题已删除")

    source = _source_for(checklist)
    now = timezone.now()
    for line in lines:
        kept = by_line.get(line.pk)
        if kept is not None:
            if kept.description != line.text:
                _describe(kept, line.text, by=by, answer=answer)
            continue
        p = Problem.objects.create(
            organization=checklist.organization,
            source=source,
            campaign=checklist.campaign,
            checklist=checklist,
            answer=answer,
            clause_id=answer.clause_id,
            problem_line=line,
            description=line.text,
            recorded_by=by if by is not None and getattr(by, "pk", None) else None,
            recorded_org=getattr(by, "organization", None),
            recorded_at=now,
        )
        _event(p, action="record", by=by, from_status="", to_status=p.status, at=now)
        log_action(
            p,
            "anbiao.problem.recorded",
            user=by,
            organization=checklist.organization,
            data={"source": source, "answer": answer.pk, "clause": answer.clause_id},
        )


def _describe(p: Any, text: str, *, by: Any, answer: Any) -> None:
    """The line's text was corrected: the same problem, its description follows."""
    from anbiao.core.audit import log_action
    from anbiao.rectification.models import ProblemStatus
    from anbiao.rectification.services import _event

    if p.status == ProblemStatus.CLOSED:  # resolve_lines refuses it first; never rewrite one
        raise ValidationError({"problems": ["已销号的问题不能修改内容，请先重新打开。"]})
    old = p.description
    p.description = text
    p.save(update_fields=["description", "updated_at"])
    _event(
        p,
        action="describe",
        by=by,
        from_status=p.status,
        to_status=p.status,
        reason=f"原描述：{old[:480]}；新描述：{text[:480]}",
    )
    log_action(
        p,
        "anbiao.problem.described",
        user=by,
        organization=answer.checklist.organization,
        data={"answer": answer.pk, "from": old, "to": text},
    )
