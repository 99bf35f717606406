"""Campaign over campaign (上期对照): each clause's answer and problems in the previous campaign.

Clauses are matched by ``position`` (the order over the whole template version), so a new
template version with the same clause order still compares. The previous campaign of a
checklist is the latest earlier campaign (by ``period_start``) in which the same organization
filled a look-back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from anbiao.campaigns.models import Campaign
from anbiao.checklists.models import (
    Answer,
    AnswerEvidence,
    AnswerResult,
    Checklist,
    ChecklistPurpose,
)
from anbiao.rectification.models import Problem, ProblemStatus

if TYPE_CHECKING:
    from anbiao.accounts.models import User


@dataclass
class PreviousProblem:
    description: str
    status: str
    status_label: str

    @property
    def closed(self) -> bool:
        return self.status == ProblemStatus.CLOSED


@dataclass
class PreviousAnswer:
    position: int
    result: str
    result_label: str
    remarks: str
    problems: list[PreviousProblem] = field(default_factory=list)

    @property
    def all_closed(self) -> bool:
        """Every previous problem of the clause was 已销号 (True when there were none)."""
        return all(p.closed for p in self.problems)

    @property
    def open_count(self) -> int:
        return sum(not p.closed for p in self.problems)


def previous_checklist(checklist: Checklist) -> Checklist | None:
    """The same organization's look-back in the latest earlier campaign, or None."""
    campaign = checklist.campaign  # no query when the checklist has no campaign
    if campaign is None:
        return None
    return (
        Checklist.objects.filter(
            organization_id=checklist.organization_id,
            purpose=ChecklistPurpose.LOOKBACK,
            campaign__period_start__lt=campaign.period_start,
        )
        .select_related("campaign")
        .order_by("-campaign__period_start")
        .first()
    )


def previous_answers(checklist: Checklist) -> dict[int, PreviousAnswer]:
    """{clause position: the previous campaign's answer and problems}; two queries (three with
    the look-up of the previous checklist). Empty when there is no previous campaign."""
    prev = previous_checklist(checklist)
    if prev is None:
        return {}
    result: dict[int, PreviousAnswer] = {}
    for pos, res, remarks in prev.answers.values_list("clause__position", "result", "remarks"):
        label = AnswerResult(res).label if res else "未答复"
        result[pos] = PreviousAnswer(pos, res, label, remarks)
    problems = (
        Problem.objects.active()
        .filter(checklist=prev, clause__isnull=False)
        .order_by("clause__position", "recorded_at")
        .values_list("clause__position", "description", "status")
    )
    for pos, desc, status in problems:
        if pos in result:
            result[pos].problems.append(PreviousProblem(desc, status, ProblemStatus(status).label))
    return result


@dataclass
class CompareRow:
    answer: Answer
    previous: PreviousAnswer | None

    @property
    def changed(self) -> bool:
        return self.previous is not None and self.previous.result != self.answer.result


def compare_rows(checklist: Checklist) -> tuple[Checklist | None, list[CompareRow]]:
    prev = previous_checklist(checklist)
    before = previous_answers(checklist) if prev else {}
    answers = checklist.answers.select_related("clause__item").order_by("clause__position")
    return prev, [CompareRow(a, before.get(a.clause.position)) for a in answers]


def previous_campaign(campaign: Campaign) -> Campaign | None:
    return (
        Campaign.objects.filter(period_start__lt=campaign.period_start)
        .order_by("-period_start")
        .first()
    )


def paper_signs(*, enterprise_ids: QuerySet[Any], campaign: Campaign) -> QuerySet[Answer]:
    """纸上标准化 signs: clauses 不符合 in the previous campaign, 符合 now, with no closed
    problem of the previous answer and no evidence on the current answer.

    ``enterprise_ids``: a values("organization_id") queryset of the enterprises in scope.
    """
    prev = previous_campaign(campaign)
    if prev is None:
        return Answer.objects.none()
    same_clause_before = Answer.objects.filter(
        checklist__organization_id=OuterRef("checklist__organization_id"),
        checklist__campaign=prev,
        checklist__purpose=ChecklistPurpose.LOOKBACK,
        clause__position=OuterRef("clause__position"),
    )
    closed_before = Problem.objects.filter(
        organization_id=OuterRef("checklist__organization_id"),
        checklist__campaign=prev,
        checklist__purpose=ChecklistPurpose.LOOKBACK,
        clause__position=OuterRef("clause__position"),
        status=ProblemStatus.CLOSED,
    )
    return (
        Answer.objects.filter(
            checklist__campaign=campaign,
            checklist__purpose=ChecklistPurpose.LOOKBACK,
            checklist__organization_id__in=enterprise_ids,
            result=AnswerResult.CONFORM,
        )
        .annotate(prev_result=Subquery(same_clause_before.values("result")[:1]))
        .filter(prev_result=AnswerResult.NONCONFORM)
        .exclude(Exists(closed_before))
        .exclude(Exists(AnswerEvidence.objects.filter(answer=OuterRef("pk"))))
        .select_related("checklist__organization", "clause__item")
        .order_by("checklist__organization__name", "clause__position")
    )


def paper_scope(user: User) -> QuerySet[Any]:
    from anbiao.orgs.visibility import enterprises_for_user

    return enterprises_for_user(user).values("organization_id")
