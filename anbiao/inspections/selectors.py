"""Reads of supervision inspections; every query goes through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from anbiao.accounts.models import Role
from anbiao.core.access import GOV_KINDS, WRITER_ROLES, get_in_scope_or_404
from anbiao.inspections.models import Finding, Inspection, InspectionQuerySet, InspectionStatus
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.visibility import enterprises_for_user, own_unit_ids

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign

    class ProblemCount(TypedDict):
        problem_count: int
        finding_problems: int
        checklist_problems: int

    class ListCounts(ProblemCount):
        finding_count: int


RECORDER_ROLES = frozenset({*WRITER_ROLES, Role.GRID})


def can_record(user: User) -> bool:
    """Department, town and city writers, and a town's 网格员, record inspections."""
    org = user.organization
    if org is None or org.kind not in GOV_KINDS:
        return False
    if user.has_role(*WRITER_ROLES):
        return True
    return org.kind == OrgKind.TOWN and user.has_role(Role.GRID)


def visible_q(units: set[Any]) -> Q:
    """The one visibility rule for the members of ``units`` (a unit and its sub-units): the
    inspections they made, drafts included, and the completed inspections of which they were
    the target. The inspected unit — an enterprise or a government unit alike — never sees
    a draft of its inspection."""
    return Q(inspector_id__in=units) | Q(target_id__in=units, status=InspectionStatus.COMPLETED)


def inspections_for_user(user: User) -> InspectionQuerySet:
    """Inspections the user may see, the same for the page, the list, the export and the API.

    The city office: all. Any other unit: :func:`visible_q` of its own units.
    """
    qs = Inspection.objects.select_related("inspector", "target", "recorded_by", "campaign")
    org = user.organization
    if org is None or not org.is_active or not user.is_active:
        return qs.none()
    if org.kind == OrgKind.CITY:
        return qs
    return qs.filter(visible_q(own_unit_ids(user)))


def inspection_get(*, user: User, pk: Any) -> WithAnnotations[Inspection, ProblemCount]:
    """One inspection the user may see (with its problem count), or 404."""
    found = get_in_scope_or_404(inspections_for_user(user).with_problem_count(), pk=pk)
    return cast("WithAnnotations[Inspection, ProblemCount]", found)


def can_see_original_photos(user: User, inspection: Inspection) -> bool:
    """The photos as the phone sent them (EXIF, GPS): for the inspecting unit (and the units
    above it) and the city office only; everyone else who sees the inspection sees the
    watermarked copies."""
    org = user.organization
    if org is None or org.kind not in GOV_KINDS:
        return False
    return org.kind == OrgKind.CITY or inspection.inspector_id in own_unit_ids(user)


def can_edit(user: User, inspection: Inspection) -> bool:
    """A recorder of the inspecting unit, while the inspection is a draft."""
    return (
        inspection.is_draft and can_record(user) and inspection.inspector_id in own_unit_ids(user)
    )


def editable_inspection_get(*, user: User, pk: Any) -> Inspection:
    """A draft inspection the user may edit, or 404 (another unit's or a completed one)."""
    inspection = inspection_get(user=user, pk=pk)
    if not can_record(user) or inspection.inspector_id not in own_unit_ids(user):
        from django.http import Http404

        raise Http404("对象不存在或无权访问")
    return inspection


def targets_for_user(user: User) -> QuerySet[Organization]:
    """Organizations the user's unit may inspect: enterprises in scope; the city office also
    departments and towns."""
    org = user.organization
    if org is None or org.kind not in GOV_KINDS:
        return Organization.objects.none()
    ent_ids = enterprises_for_user(user).values("organization_id")
    q = Q(pk__in=ent_ids)
    if org.kind == OrgKind.CITY:
        q |= Q(kind__in=(OrgKind.DEPARTMENT, OrgKind.TOWN))
    return Organization.objects.filter(q, is_active=True).order_by("kind", "name")


@dataclass
class InspectionFilter:
    inspector: str = ""  # unit pk
    q: str = ""  # target name
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""
    target_kind: str = ""  # enterprise | government


def inspection_list(
    *, user: User, filters: InspectionFilter
) -> QuerySet[WithAnnotations[Inspection, ListCounts]]:
    """The user's inspections, filtered, with their problems (``problem_count``, the one
    definition: see :meth:`InspectionQuerySet.with_problem_count`) and the number of free-form
    findings (``finding_count``)."""
    qs = inspections_for_user(user)
    f = filters
    if f.inspector:
        # The stubs want a UUID here; Django takes its text form as well.
        qs = qs.filter(inspector_id=f.inspector)  # type: ignore[misc]
    if f.q:
        qs = qs.filter(target__name__icontains=f.q)
    if f.date_from:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(date__lte=f.date_to)
    if f.status in InspectionStatus.values:
        qs = qs.filter(status=f.status)
    if f.target_kind == "enterprise":
        qs = qs.filter(target__kind=OrgKind.ENTERPRISE)
    elif f.target_kind == "government":
        qs = qs.exclude(target__kind=OrgKind.ENTERPRISE)
    findings = Finding.objects.filter(inspection=OuterRef("pk")).order_by().values("inspection")
    finding_count = Coalesce(Subquery(findings.annotate(n=Count("pk")).values("n")), 0)
    listed = (
        qs.with_problem_count()
        .annotate(finding_count=finding_count)
        .order_by("-date", "-created_at", "pk")
    )
    return cast("QuerySet[WithAnnotations[Inspection, ListCounts]]", listed)


def inspector_units(user: User) -> QuerySet[Organization]:
    """Units that appear as inspectors in the user's inspections (for the filter)."""
    ids = inspections_for_user(user).values("inspector_id")
    return Organization.objects.filter(pk__in=ids).order_by("kind", "name")


@dataclass
class NeverFilter:
    town: str = ""
    department: str = ""
    size_class: str = ""
    q: str = ""


def never_inspected(
    *, user: User, campaign: Campaign | None, filters: NeverFilter
) -> QuerySet[Enterprise]:
    """Enterprises in the user's scope with no completed inspection in the campaign.

    Any unit's inspection counts (an enterprise inspected by its town is not "never
    inspected" for its department). Without a campaign: no completed inspection at all.
    """
    done = Inspection.objects.counted().filter(target__kind=OrgKind.ENTERPRISE)
    if campaign is not None:
        done = done.filter(campaign=campaign)
    qs = enterprises_for_user(user).exclude(organization_id__in=done.values("target_id"))
    f = filters
    # The stubs want a UUID here; Django takes its text form as well.
    if f.town:
        qs = qs.filter(town_id=f.town)  # type: ignore[misc]
    if f.department:
        qs = qs.filter(department_id=f.department)  # type: ignore[misc]
    if f.size_class:
        qs = qs.filter(size_class=f.size_class)
    if f.q:
        qs = qs.filter(organization__name__icontains=f.q)
    return qs.order_by("town__name", "organization__name")
