"""Keep tracked problems in step with the 存在问题 lines of a checklist answer.

Owned by the rectification app; the checklists app calls :func:`sync_answer_problems` after
every save of an answer's problem lines (inside the same transaction).

Rule: afterwards the answer's ACTIVE problems (every status but 已撤销) correspond one to one
with its ProblemLines, each problem's description equal to its line's text.

Identity is kept by text where possible, so that deleting line 1 of 3 (which the checklist
stores by shifting lines 2 and 3 up) withdraws the problem of the deleted text and keeps the
other two problems — with their 五定, evidence and state — instead of rewriting all three:

1. a problem whose own line still has its text keeps it;
2. a line not matched yet takes a still-unmatched active problem of the same text;
3. a line still unmatched takes back the problem linked to it (its text was edited: the
   description follows, recorded on the timeline as 问题描述变更);
4. a line still unmatched gets a new problem (待整改; 自查中 until the checklist is submitted);
5. an active problem left unmatched is withdrawn (已撤销), whatever its state.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def _source_for(checklist: Any) -> str:
    from anbiao.rectification.models import ProblemSource

    if checklist.purpose == "inspection":
        return ProblemSource.INSPECTION
    if checklist.organization.kind == "enterprise":
        return ProblemSource.ENTERPRISE_SELF
    return ProblemSource.GOVERNMENT_SELF


def sync_answer_problems(answer: Any, *, by: Any) -> None:
    """Create, update or withdraw the tracked problems of ``answer`` so they equal its lines."""
    from anbiao.core.audit import log_action
    from anbiao.rectification.models import Problem, ProblemStatus
    from anbiao.rectification.services import _event, problem_withdraw

    checklist = answer.checklist
    lines = list(answer.problems.order_by("position"))
    problems = list(
        Problem.objects.select_for_update()
        .filter(answer=answer)
        .exclude(status=ProblemStatus.WITHDRAWN)
        .order_by("recorded_at", "id")
    )
    by_line = {p.problem_line_id: p for p in problems if p.problem_line_id is not None}
    assigned: dict[int, Problem] = {}  # line pk → problem
    used: set[Any] = set()

    # 1. unchanged lines keep their problem
    for line in lines:
        p = by_line.get(line.pk)
        if p is not None and p.description == line.text:
            assigned[line.pk] = p
            used.add(p.pk)
    # 2. moved lines: same text, another (or no) line
    for line in lines:
        if line.pk in assigned:
            continue
        for p in problems:
            if p.pk not in used and p.description == line.text:
                assigned[line.pk] = p
                used.add(p.pk)
                break
    # 3. edited lines take back their own problem
    for line in lines:
        if line.pk in assigned:
            continue
        p = by_line.get(line.pk)
        if p is not None and p.pk not in used:
            assigned[line.pk] = p
            used.add(p.pk)

    # 5 first: withdraw what is left, so its line link is free for re-assignment
    for p in problems:
        if p.pk not in used:
            p.problem_line = None
            problem_withdraw(by=by, problem=p, reason="细则中的该条存在问题已删除")
    # unlink moved problems before relinking (the link is one-to-one)
    moving = [p for lp, p in assigned.items() if p.problem_line_id != lp]
    if moving:
        Problem.objects.filter(pk__in=[p.pk for p in moving]).update(problem_line=None)
    lines_by_pk = {line.pk: line for line in lines}
    for line_pk, p in assigned.items():
        line = lines_by_pk[line_pk]
        fields = []
        if p.problem_line_id != line_pk or any(m.pk == p.pk for m in moving):
            p.problem_line_id = line_pk
            fields.append("problem_line")
        if p.description != line.text:
            old = p.description
            p.description = line.text
            fields.append("description")
            _event(
                p,
                action="describe",
                by=by,
                from_status=p.status,
                to_status=p.status,
                reason=f"原描述：{old[:200]}",
            )
            log_action(
                p,
                "anbiao.problem.described",
                user=by,
                organization=checklist.organization,
                data={"answer": answer.pk},
            )
        if fields:
            p.save(update_fields=[*fields, "updated_at"])

    # 4. new lines
    source = _source_for(checklist)
    now = timezone.now()
    for line in lines:
        if line.pk in assigned:
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
