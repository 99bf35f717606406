"""The supervisors' lists: one row per unit in the user's scope with its look-back checklist
(or none yet), and how many submitted look-backs wait for the user's unit to review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from anbiao.checklists.models import Answer, Checklist, ChecklistPurpose, ChecklistStatus
from anbiao.checklists.selectors import REVIEWER_ROLES
from anbiao.obligations.effective import Due, due_for, granted, lookback_kind
from anbiao.orgs import scope
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.visibility import own_unit_ids

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign


@dataclass
class Row:
    organization: Organization
    enterprise: Enterprise | None
    checklist: Checklist | None
    deadline: Due | None  # the unit's effective look-back deadline
    answered: int = 0
    total: int = 0

    @property
    def state(self) -> str:
        if self.checklist is None or self.checklist.status == ChecklistStatus.DRAFT:
            return "not_submitted"
        return self.checklist.status

    @property
    def state_label(self) -> str:
        if self.checklist is None:
            return "未开始"
        return self.checklist.get_status_display()

    @property
    def overdue(self) -> bool:
        return (
            self.deadline is not None
            and timezone.localdate() > self.deadline.date
            and self.state in ("not_submitted", ChecklistStatus.RETURNED)
        )


STATES = {
    "submitted": "已提交待审核",
    "not_submitted": "未提交",
    "returned": "已退回",
    "accepted": "已通过",
    "all": "全部",
}


def supervision_rows(
    *,
    user: User,
    campaign: Campaign,
    kind: str = "enterprise",
    town: str = "",
    department: str = "",
    size_class: str = "",
) -> list[Row]:
    """One row per unit in the user's scope with its look-back checklist (or none yet).

    ``kind`` "enterprise": enterprises (department: primary ones; town: located in it);
    "government": government units (city office only; others see their own units).
    """
    org = user.organization
    if org is None:
        return []
    rows: list[Row] = []
    units: list[tuple[Organization, Enterprise | None]]
    if kind == "enterprise":
        ents = Enterprise.objects.select_related("organization", "town", "department").filter(
            is_closed=False, organization__is_active=True
        )
        ids = {org.pk} if org.kind == OrgKind.ENTERPRISE else own_unit_ids(user)
        ents = ents.filter(scope.counted_enterprises_q(org.kind, ids))
        # The stubs want a UUID here; Django takes its text form as well.
        if town:
            ents = ents.filter(town_id=town)  # type: ignore[misc]
        if department:
            ents = ents.filter(department_id=department)  # type: ignore[misc]
        if size_class:
            ents = ents.filter(size_class=size_class)
        units = [(e.organization, e) for e in ents.order_by("organization__name")]
        deadline = campaign.enterprise_deadline
    else:
        orgs = Organization.objects.filter(
            kind__in=(OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN), is_active=True
        )
        if org.kind != OrgKind.CITY:
            orgs = orgs.filter(pk__in=own_unit_ids(user))
        units = [(o, None) for o in orgs.order_by("kind", "sort_order", "name")]
        deadline = campaign.government_deadline
    org_ids = [o.pk for o, _ in units]
    checklists = {
        c.organization_id: c
        for c in Checklist.objects.filter(
            campaign=campaign, purpose=ChecklistPurpose.LOOKBACK, organization_id__in=org_ids
        )
    }
    counts = _answer_counts(list(checklists.values()))
    # One lookup of the extensions granted to the listed units (not one per row).
    extended = granted(lookback_kind(kind), campaign.pk, org_ids)
    for o, e in units:
        c = checklists.get(o.pk)
        answered, total = counts.get(c.pk, (0, 0)) if c else (0, 0)
        rows.append(Row(o, e, c, due_for(deadline, extended, o.pk), answered, total))
    return rows


def _answer_counts(checklists: list[Checklist]) -> dict[Any, tuple[int, int]]:
    from django.db.models import Count

    if not checklists:
        return {}
    data = (
        Answer.objects.filter(checklist__in=checklists)
        .values("checklist_id")
        .annotate(total=Count("id"), answered=Count("id", filter=~Q(result="")))
    )
    return {d["checklist_id"]: (d["answered"], d["total"]) for d in data}


def pending_review_count(user: User, campaign: Campaign | None = None) -> int:
    """Submitted look-backs waiting for this user's unit to accept or return."""
    org = user.organization
    if org is None or not user.has_role(*REVIEWER_ROLES):
        return 0
    qs = Checklist.objects.filter(
        purpose=ChecklistPurpose.LOOKBACK, status=ChecklistStatus.SUBMITTED
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if org.kind == OrgKind.CITY:
        return qs.count()
    if org.kind == OrgKind.DEPARTMENT:
        enterprises = Q(organization__kind=OrgKind.ENTERPRISE)
        counted = scope.counted_orgs_q(org.kind, own_unit_ids(user), "organization")
        return qs.filter(enterprises & counted).count()
    return 0
