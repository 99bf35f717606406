"""Reads of good experiences and work mechanisms, always through the user's scope.

For the statistics table (附件3 columns 11–13) use :func:`records_counted` or, on any queryset,
``Record.objects.counted()`` — "submitted and carrying evidence" — with ``.in_period(start, end)``
(inclusive, on ``Record.date``), ``.experiences()`` / ``.mechanisms()`` and
``.by_enterprises()`` / ``.by_government()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from anbiao.core.access import (
    WRITER_ROLES,
    get_in_scope_or_404,
    organizations_for_user,
    own_unit_ids,
)
from anbiao.orgs.models import Organization, OrgKind
from anbiao.orgs.scope import Scope, counts_enterprise
from anbiao.records.models import Record, RecordKind, RecordQuerySet, RecordStatus

if TYPE_CHECKING:
    from anbiao.accounts.models import User


def records_for_user(user: User) -> RecordQuerySet:
    """Records of the user's organization and, for government units, of organizations in scope."""
    org_ids = organizations_for_user(user).values("pk")
    return (
        Record.objects.filter(organization_id__in=org_ids)
        .select_related("organization", "document")
        .annotate(evidence_count=Count("evidence", distinct=True))
    )


def record_get(*, user: User, pk: Any) -> Record:
    """One record in the user's scope, or 404."""
    return get_in_scope_or_404(records_for_user(user), pk=pk)


def records_counted(
    *,
    scope_org_ids: Iterable[Any] | QuerySet[Any] | None,
    start: dt.date | None,
    end: dt.date | None,
    kind: str,
    author_kind: str | None = None,
) -> RecordQuerySet:
    """Records that count in 附件3 for a scope and period.

    ``scope_org_ids``: the organizations whose records count (None = the whole city);
    ``kind``: ``RecordKind.EXPERIENCE`` (columns 11/12) or ``RecordKind.MECHANISM`` (column 13);
    ``author_kind``: ``"enterprise"`` (column 11), ``"government"`` (column 12) or None.
    """
    qs = Record.objects.filter(kind=kind).counted().in_period(start, end)
    if scope_org_ids is not None:
        qs = qs.filter(organization_id__in=scope_org_ids)
    if author_kind == "enterprise":
        qs = qs.by_enterprises()
    elif author_kind == "government":
        qs = qs.by_government()
    return qs


def can_select(user: User, record: Record) -> bool:
    """The supervising unit may mark 优秀案例: for an enterprise its primary department and the
    city office; for a department or town (or any government unit) the city office."""
    org = user.organization
    if org is None or not user.has_role(*WRITER_ROLES) or record.organization_id == org.pk:
        return False
    if org.kind == OrgKind.CITY:
        return True
    if org.kind == OrgKind.DEPARTMENT and record.organization.kind == OrgKind.ENTERPRISE:
        return counts_enterprise(Scope.of(org, own_unit_ids(user)), record.organization_id)
    return False


def can_edit(user: User, record: Record) -> bool:
    return record.organization_id == user.organization_id and user.has_role(*WRITER_ROLES)


@dataclass(frozen=True)
class RecordFilter:
    scope: str = "own"  # "own" or "all" (in scope)
    kind: str = ""
    category: str = ""
    status: str = ""
    selected: str = ""  # "", "1", "0"
    org: str = ""
    q: str = ""


def record_list(*, user: User, filters: RecordFilter) -> RecordQuerySet:
    qs = records_for_user(user)
    org = user.organization
    assert org is not None  # callers pass a member of a unit (@require, or the API's rule)
    if filters.scope != "all" or org.kind == OrgKind.ENTERPRISE:
        qs = qs.filter(organization_id=org.pk)
    else:
        # Drafts of other units are theirs until submitted.
        qs = qs.filter(Q(organization_id=org.pk) | Q(status=RecordStatus.SUBMITTED))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.selected in ("0", "1"):
        qs = qs.filter(is_selected=filters.selected == "1")
    if filters.org:
        qs = qs.filter(organization_id=filters.org)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(organization__name__icontains=filters.q))
    return qs.order_by("-date", "-created_at")


def record_organizations(*, user: User) -> list[tuple[str, str]]:
    """(pk, name) of the units whose records the user may list (its own, and in-scope units
    with submitted records), for the filter's choices."""
    qs = records_for_user(user).filter(
        Q(organization_id=user.organization_id) | Q(status=RecordStatus.SUBMITTED)
    )
    # From the units, not from the records: DISTINCT over records kept one row per record date
    # (the model's ordering and the evidence count join in the SELECT), listing a unit twice.
    units = Organization.objects.filter(pk__in=qs.values("organization_id")).order_by("name", "pk")
    return [(str(pk), name) for pk, name in units.values_list("pk", "name")]


def record_export_rows(qs: QuerySet[Record]) -> Iterator[list[Any]]:
    """Rows of the .xlsx export (headers in :data:`EXPORT_HEADERS`)."""
    for r in qs.prefetch_related("evidence"):
        yield [
            r.get_kind_display(),
            r.organization.name,
            r.organization.get_kind_display(),
            r.title,
            r.get_category_display() if r.category else "",
            r.date.isoformat(),
            r.get_status_display(),
            len(r.evidence.all()),
            "是" if r.is_selected else "否",
            "是" if r.status == RecordStatus.SUBMITTED and r.evidence.all() else "否",
            r.summary,
        ]


EXPORT_HEADERS = [
    "类别",
    "填报单位",
    "单位类型",
    "标题",
    "类型",
    "日期",
    "状态",
    "佐证材料（份）",
    "优秀案例",
    "计入统计",
    "内容摘要",
]

KIND_LABELS = dict(RecordKind.choices)
