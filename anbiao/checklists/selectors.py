"""Reads of checklists, always through the user's scope.

Scope of a user over look-back checklists (:func:`checklists_for_user`):
city office — all; department — its own units' checklists and those of the enterprises whose
PRIMARY department it is; town — its own units' and those of the enterprises located in it
(read only); enterprise — its own. Reviewing (accept/return): the city office for every unit,
a department for its primary enterprises (:func:`can_review`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from anbiao.accounts.models import Role
from anbiao.checklists.models import (
    SUBMITTED_STATUSES,
    Answer,
    AnswerEvidence,
    Checklist,
    ChecklistPurpose,
    ProblemLine,
)
from anbiao.core.access import get_in_scope_or_404
from anbiao.orgs import scope
from anbiao.orgs.models import OrgKind
from anbiao.orgs.visibility import own_unit_ids

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign


REVIEWER_ROLES = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)


def checklist_filter(user: User, prefix: str = "") -> Q:
    """A Q over Checklist (or a model reaching it through ``prefix``) for the user's scope."""
    org = user.organization
    p = prefix
    if org is None or not org.is_active or not user.is_active:
        return Q(pk__in=[])
    ids = {org.pk} if org.kind == OrgKind.ENTERPRISE else own_unit_ids(user)
    return scope.counted_orgs_q(org.kind, ids, f"{p}organization")


RELATED = ("organization", "campaign", "template_version", "template_version__template")


def checklists_for_user(user: User) -> QuerySet[Checklist]:
    return Checklist.objects.select_related(*RELATED).filter(checklist_filter(user))


def checklist_get(*, user: User, pk: Any) -> Checklist:
    """A checklist in the user's scope with its organization, campaign and template version
    (one query), or 404."""
    return get_in_scope_or_404(checklists_for_user(user), pk=pk)


def own_checklist_get(*, user: User, pk: Any) -> Checklist:
    """A look-back checklist of the user's own organization (for filling), or 404.

    Inspection checklists (purpose=inspection) are filled by the inspecting unit through the
    inspections app, never by the inspected organization.
    """
    org = user.organization
    # Without a unit, IS NULL matches no checklist; the stubs do not take None here.
    qs = checklists_for_user(user).filter(
        organization_id=org.pk if org else None,  # type: ignore[misc]
        purpose=ChecklistPurpose.LOOKBACK,
    )
    return get_in_scope_or_404(qs, pk=pk)


def can_review(user: User, checklist: Checklist) -> bool:
    """Whether the user's unit accepts or returns this checklist."""
    org = user.organization
    if org is None or not user.has_role(*REVIEWER_ROLES):
        return False
    if org.kind == OrgKind.CITY:
        return True
    if org.kind == OrgKind.DEPARTMENT and checklist.organization.kind == OrgKind.ENTERPRISE:
        unit = scope.Scope.of(org, own_unit_ids(user))
        return scope.counts_enterprise(unit, checklist.organization_id)
    return False


def can_fill(user: User, checklist: Checklist) -> bool:
    from anbiao.core.access import can_write

    return (
        checklist.purpose == ChecklistPurpose.LOOKBACK
        and checklist.organization_id == getattr(user.organization, "pk", None)
        and can_write(user)
        and checklist.is_editable
    )


def submitted_lookbacks(campaign: Campaign | None = None) -> QuerySet[Checklist]:
    """Look-back checklists that count as submitted (submitted or accepted; not returned)."""
    qs = Checklist.objects.filter(purpose=ChecklistPurpose.LOOKBACK, status__in=SUBMITTED_STATUSES)
    return qs.filter(campaign=campaign) if campaign is not None else qs


def answers_with_content(checklist: Checklist) -> QuerySet[Answer]:
    """All answers with clause, item, section, problems (and the rectification problem each
    one is tracked as) and evidence, in a fixed number of queries."""
    return (
        checklist.answers.select_related("clause__item__section", "updated_by")
        .prefetch_related(
            Prefetch(
                "problems",
                queryset=ProblemLine.objects.select_related("tracked_problem").order_by("position"),
            ),
            Prefetch(
                "evidence",
                queryset=AnswerEvidence.objects.select_related("stored_file").order_by(
                    "added_at", "id"
                ),
            ),
        )
        .order_by("clause__position")
    )


def answer_for_clause(checklist: Checklist, clause_id: Any) -> Answer:
    return get_in_scope_or_404(answers_with_content(checklist), clause_id=clause_id)


def answer_problem(answer: Answer, problem_id: Any) -> Any:
    """The active rectification problem tracked from one of ``answer``'s lines, or 404."""
    import uuid

    from anbiao.rectification.models import Problem

    try:
        pk = uuid.UUID(str(problem_id))
    except ValueError as exc:
        raise Http404("对象不存在或无权访问") from exc
    return get_in_scope_or_404(
        Problem.objects.active().filter(answer=answer, problem_line__isnull=False), pk=pk
    )


def progress(checklist: Checklist) -> tuple[int, int]:
    """(answered, total) clauses."""
    total = checklist.answers.count()
    return total - checklist.answers.filter(result="").count(), total


def my_rows(user: Any) -> list[dict[str, Any]]:
    """我的细则: every campaign not in draft with the unit's look-back checklist (or none),
    its progress and the unit's effective deadline (one lookup for the extensions)."""
    from anbiao.campaigns.selectors import campaign_list
    from anbiao.obligations.effective import lookback_deadlines

    org = user.organization
    mine = {
        c.campaign_id: c
        for c in checklists_for_user(user).filter(
            organization=org, purpose=ChecklistPurpose.LOOKBACK
        )
    }
    campaigns = list(campaign_list().exclude(status="draft"))
    dues = lookback_deadlines(campaigns, org)
    rows = []
    for campaign in campaigns:
        checklist = mine.get(campaign.pk)
        answered, total = progress(checklist) if checklist else (0, 0)
        rows.append(
            {
                "campaign": campaign,
                "checklist": checklist,
                "answered": answered,
                "total": total,
                "deadline": dues[campaign.pk],
                "template": campaign.template_version_for(org),
            }
        )
    return rows


def checklist_deadline(checklist: Checklist) -> Any:
    """The checklist's unit's effective look-back deadline (a ``Due``), or None."""
    from anbiao.obligations.effective import lookback_deadline

    if checklist.campaign is None:
        return None
    return lookback_deadline(checklist.campaign, checklist.organization)
