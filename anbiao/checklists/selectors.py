"""Reads of checklists, always through the user's scope.

Scope of a user over look-back checklists (:func:`checklists_for_user`):
city office — all; department — its own units' checklists and those of the enterprises whose
PRIMARY department it is; town — its own units' and those of the enterprises located in it
(read only); enterprise — its own. Reviewing (accept/return): the city office for every unit,
a department for its primary enterprises (:func:`can_review`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.checklists.models import (
    SUBMITTED_STATUSES,
    Answer,
    AnswerEvidence,
    Checklist,
    ChecklistPurpose,
    ChecklistStatus,
    ProblemLine,
    Section,
)
from anbiao.core.access import get_in_scope_or_404, own_unit_ids
from anbiao.orgs.models import Enterprise, Organization, OrgKind

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
    if org.kind == OrgKind.CITY:
        return Q()
    if org.kind == OrgKind.ENTERPRISE:
        return Q(**{f"{p}organization_id": org.pk})
    units = own_unit_ids(user)
    own = Q(**{f"{p}organization_id__in": units})
    if org.kind == OrgKind.DEPARTMENT:
        return own | Q(**{f"{p}organization__enterprise__department_id__in": units})
    return own | Q(**{f"{p}organization__enterprise__town_id__in": units})


def checklists_for_user(user: User) -> QuerySet[Checklist]:
    return Checklist.objects.select_related(
        "organization", "campaign", "template_version__template"
    ).filter(checklist_filter(user))


def checklist_get(*, user: User, pk: Any) -> Checklist:
    """A checklist in the user's scope, or 404."""
    return get_in_scope_or_404(checklists_for_user(user), pk=pk)


def own_checklist_get(*, user: User, pk: Any) -> Checklist:
    """A look-back checklist of the user's own organization (for filling), or 404.

    Inspection checklists (purpose=inspection) are filled by the inspecting unit through the
    inspections app, never by the inspected organization.
    """
    org = user.organization
    return get_in_scope_or_404(
        checklists_for_user(user).filter(
            organization_id=org.pk if org else None, purpose=ChecklistPurpose.LOOKBACK
        ),
        pk=pk,
    )


def can_review(user: User, checklist: Checklist) -> bool:
    """Whether the user's unit accepts or returns this checklist."""
    org = user.organization
    if org is None or not user.has_role(*REVIEWER_ROLES):
        return False
    if org.kind == OrgKind.CITY:
        return True
    if org.kind == OrgKind.DEPARTMENT and checklist.organization.kind == OrgKind.ENTERPRISE:
        ent = Enterprise.objects.filter(organization_id=checklist.organization_id).first()
        return ent is not None and ent.department_id in own_unit_ids(user)
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


# --- the fill page ----------------------------------------------------------------------------


@dataclass
class SectionView:
    section: Section
    answers: list[Answer] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(1 for a in self.answers if not a.result)


@dataclass
class ChecklistPage:
    checklist: Checklist
    sections: list[SectionView]
    answered: int
    total: int

    @property
    def open_sections(self) -> list[SectionView]:
        return [s for s in self.sections if s.open_count]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def answers_with_content(checklist: Checklist) -> QuerySet[Answer]:
    """All answers with clause, item, section, problems and evidence in a fixed number of queries."""
    return (
        checklist.answers.select_related("clause__item__section", "updated_by")
        .prefetch_related(
            Prefetch("problems", queryset=ProblemLine.objects.order_by("position")),
            Prefetch(
                "evidence",
                queryset=AnswerEvidence.objects.select_related("stored_file").order_by(
                    "added_at", "id"
                ),
            ),
        )
        .order_by("clause__position")
    )


def checklist_prefix(checklist_id: Any) -> str:
    """The checklist's URL prefix; per-clause URLs are built from it (one reverse per page)."""
    return reverse("checklists:detail", args=[checklist_id])


def set_form_values(
    answer: Answer, typed: dict[str, Any] | None = None, prefix: str | None = None
) -> Answer:
    """Prepare an answer for the clause fragment.

    ``f_*``: what the form shows (the user's typed input when given, else the saved values);
    ``problem_list`` / ``evidence_list``: the prefetched rows, read once; ``save_url``,
    ``upload_url`` and per-evidence ``download_url`` / ``delete_url``: built from the page's
    URL prefix instead of one ``reverse()`` per link (the page has 51 clauses).
    """
    a: Any = answer
    a.problem_list = list(answer.problems.all())
    a.evidence_list = list(answer.evidence.all())
    if typed is not None:
        a.f_result = typed["result"]
        a.f_remarks = typed["remarks"]
        a.f_problems = list(typed["problems"])
    else:
        a.f_result = answer.result
        a.f_remarks = answer.remarks
        a.f_problems = [p.text for p in a.problem_list]
    base = prefix or checklist_prefix(answer.checklist_id)
    a.save_url = f"{base}clause/{answer.clause_id}/"
    a.upload_url = f"{base}clause/{answer.clause_id}/evidence/"
    for e in a.evidence_list:
        e.download_url = f"{base}evidence/{e.pk}/"
        e.delete_url = f"{base}evidence/{e.pk}/delete/"
    return answer


def checklist_page(checklist: Checklist) -> ChecklistPage:
    """Everything the fill page shows; the query count does not grow with the content."""
    sections: dict[int, SectionView] = {}
    answered = total = 0
    prefix = checklist_prefix(checklist.pk)
    for answer in answers_with_content(checklist):
        set_form_values(answer, prefix=prefix)
        section = answer.clause.item.section
        view = sections.setdefault(section.pk, SectionView(section))
        view.answers.append(answer)
        total += 1
        answered += bool(answer.result)
    return ChecklistPage(checklist, list(sections.values()), answered, total)


def answer_for_clause(checklist: Checklist, clause_id: Any) -> Answer:
    return get_in_scope_or_404(answers_with_content(checklist), clause_id=clause_id)


def progress(checklist: Checklist) -> tuple[int, int]:
    """(answered, total) clauses."""
    total = checklist.answers.count()
    return total - checklist.answers.filter(result="").count(), total


# --- supervisor lists -------------------------------------------------------------------------


@dataclass
class Row:
    organization: Organization
    enterprise: Enterprise | None
    checklist: Checklist | None
    deadline: date | None
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
            and timezone.localdate() > self.deadline
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
    if kind == "enterprise":
        ents = Enterprise.objects.select_related("organization", "town", "department").filter(
            is_closed=False, organization__is_active=True
        )
        if org.kind == OrgKind.DEPARTMENT:
            ents = ents.filter(department_id__in=own_unit_ids(user))
        elif org.kind == OrgKind.TOWN:
            ents = ents.filter(town_id__in=own_unit_ids(user))
        elif org.kind != OrgKind.CITY:
            ents = ents.filter(organization_id=org.pk)
        if town:
            ents = ents.filter(town_id=town)
        if department:
            ents = ents.filter(department_id=department)
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
    for o, e in units:
        c = checklists.get(o.pk)
        answered, total = counts.get(c.pk, (0, 0)) if c else (0, 0)
        rows.append(Row(o, e, c, deadline, answered, total))
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
        return qs.filter(organization__enterprise__department_id__in=own_unit_ids(user)).count()
    return 0
