"""Reads of enforcement cases, exposure batches, monthly reports and priorities, scoped.

For 附件3 columns 14 (批数) and 15 (家数) use :func:`exposure_summary` over
:func:`published_batches` — the published batches whose ``date`` lies in [start, end].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from anbiao.core.access import get_in_scope_or_404
from anbiao.enforcement import deadlines
from anbiao.enforcement.models import (
    BatchStatus,
    EnforcementCase,
    EnforcementPriority,
    ExposureBatch,
    MonthlyReport,
)
from anbiao.obligations import deadlines as rule
from anbiao.obligations.effective import Due, deadline_for
from anbiao.orgs.models import Organization, OrgKind
from anbiao.orgs.visibility import enterprise_filter, own_unit_ids

if TYPE_CHECKING:
    from anbiao.accounts.models import User


def _department_q(user: User, field: str = "department_id") -> Q:
    org = user.organization
    if org is None:
        return Q(pk__in=[])
    if org.kind == OrgKind.CITY:
        return Q()
    if org.kind == OrgKind.DEPARTMENT:
        return Q(**{f"{field}__in": own_unit_ids(user)})
    return Q(pk__in=[])


def cases_for_user(user: User) -> QuerySet[EnforcementCase]:
    """Cases the user may see: a department its own; the city office all."""
    return EnforcementCase.objects.filter(_department_q(user)).select_related(
        "department", "enterprise__organization"
    )


def case_get(*, user: User, pk: Any) -> EnforcementCase:
    return get_in_scope_or_404(cases_for_user(user), pk=pk)


def batches_for_user(user: User) -> QuerySet[ExposureBatch]:
    return (
        ExposureBatch.objects.filter(_department_q(user))
        .select_related("department")
        .annotate(
            n_cases=Count("cases", distinct=True),
            n_enterprises=Count("cases__enterprise", distinct=True),
        )
        .order_by("-date", "-created_at")
    )


def batch_get(*, user: User, pk: Any) -> ExposureBatch:
    return get_in_scope_or_404(batches_for_user(user), pk=pk)


def published_batches(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    department_ids: Iterable[Any] | QuerySet[Any] | None = None,
) -> QuerySet[ExposureBatch]:
    """Published batches with ``date`` in [start, end] (inclusive), optionally of some units."""
    qs = ExposureBatch.objects.filter(status=BatchStatus.PUBLISHED)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    return qs


@dataclass(frozen=True)
class ExposureSummary:
    batches: int  # 批数
    enterprises: int  # 家数: distinct enterprises over all the batches
    enterprise_ids: frozenset[Any]


def exposure_summary(batches: QuerySet[ExposureBatch]) -> ExposureSummary:
    """附件3 columns 14/15: the number of batches and of distinct enterprises exposed in them.

    An enterprise exposed in two batches (or twice in one) counts once.
    """
    ids = frozenset(
        EnforcementCase.objects.filter(batches__in=batches).values_list("enterprise_id", flat=True)
    )
    return ExposureSummary(batches=batches.count(), enterprises=len(ids), enterprise_ids=ids)


def exposed_enterprise_ids(user: User) -> set[Any]:
    """Enterprises in the user's scope that appear in any published batch."""
    return set(
        EnforcementCase.objects.filter(
            enterprise_filter(user, "enterprise__"), batches__status=BatchStatus.PUBLISHED
        ).values_list("enterprise_id", flat=True)
    )


# --- monthly reporting -------------------------------------------------------------------------


def reports_for_user(user: User) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(_department_q(user)).select_related("department")


def campaign_period() -> tuple[dt.date, dt.date] | None:
    """The look-back period of the open campaign (``anbiao.campaigns``), or None."""
    try:
        from anbiao.campaigns.selectors import current_campaign
    except ImportError:  # the campaigns app is optional here
        return None
    campaign = current_campaign()
    if campaign is None:
        return None
    return campaign.period_start, campaign.period_end


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def reporting_departments() -> QuerySet[Organization]:
    """The member departments that owe a monthly report (top-level, active)."""
    return Organization.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True, parent=None)


def month_cases(user: User, month: dt.date) -> QuerySet[EnforcementCase]:
    """The cases a month's report may offer: the user's, decided in that month."""
    first = deadlines.month_start(month)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return cases_for_user(user).filter(decided_on__gte=first, decided_on__lte=last)


def granted_deadline(*, month: dt.date, org_id: Any) -> dt.date:
    """A department's deadline for a month: the 25th, or the date of its granted extension."""
    return month_due(month=month, org_id=org_id).date


def month_due(*, month: dt.date, org_id: Any) -> Due:
    """A department's deadline for a month with the 25th it replaces (one query)."""
    from anbiao.obligations.effective import effective_deadline
    from anbiao.obligations.models import ObligationKind

    ref = f"{deadlines.month_start(month):%Y-%m}"
    return effective_deadline(ObligationKind.CASE_MONTHLY, ref, org_id, deadlines.deadline(month))


def granted_deadlines(
    *, months: Iterable[dt.date], org_ids: Iterable[Any] | None = None
) -> dict[tuple[dt.date, Any], dt.date]:
    """{(month, department id): granted date} — the extensions granted (one query)."""
    from anbiao.obligations.effective import granted_many
    from anbiao.obligations.models import ObligationKind

    by_ref = {f"{m:%Y-%m}": deadlines.month_start(m) for m in months}
    found = granted_many(ObligationKind.CASE_MONTHLY, list(by_ref), org_ids)
    return {(by_ref[ref], org): d for (ref, org), d in found.items()}


@dataclass
class MonthCell:
    month: dt.date
    report: MonthlyReport | None
    overdue: bool  # no report and past the deadline
    late: bool  # first reported after the deadline
    future: bool  # the month has not begun yet
    deadline: dt.date | None = None  # the department's: the 25th, or its extended date

    @property
    def extended(self) -> bool:
        return self.deadline is not None and self.deadline != deadlines.deadline(self.month)

    @property
    def label(self) -> str:
        if self.report is not None:
            n = self.report.n_cases  # type: ignore[attr-defined]
            base = "已报送（本月无典型案例）" if self.report.no_cases else f"已报送 {n} 件"
            return base + ("（逾期）" if self.late else "")
        if self.future:
            return "—"
        return "逾期未报" if self.overdue else "未报送"

    @property
    def short(self) -> str:
        """A compact label for the city's month-by-department grid."""
        if self.report is not None:
            n = self.report.n_cases  # type: ignore[attr-defined]
            base = "无案例" if self.report.no_cases else f"{n} 件"
            return base + ("（逾期）" if self.late else "")
        if self.future:
            return "—"
        return "逾期未报" if self.overdue else "未报"


def report_grid(
    *,
    departments: Iterable[Organization],
    months: list[dt.date],
    now: dt.datetime,
) -> list[tuple[Organization, list[MonthCell]]]:
    """Per department and month: the report, or whether its absence is overdue at ``now`` —
    judged against the department's deadline (extended when an extension was granted)."""
    departments = list(departments)
    reports = {
        (r.department_id, r.month): r
        for r in MonthlyReport.objects.filter(
            department__in=departments, month__in=months
        ).annotate(n_cases=Count("cases"))
    }
    extended = granted_deadlines(months=months, org_ids=[d.pk for d in departments])
    today = deadlines.local_today(now)
    rows = []
    for dept in departments:
        cells = []
        for m in months:
            report = reports.get((dept.pk, m))
            due = deadline_for(deadlines.deadline(m), extended, (m, dept.pk))
            cells.append(
                MonthCell(
                    month=m,
                    report=report,
                    overdue=report is None and rule.is_overdue(due, now),
                    late=report is not None and not rule.on_time(due, report.first_submitted_at),
                    future=m > today,
                    deadline=due,
                )
            )
        rows.append((dept, cells))
    return rows


def missing_report_this_month(user: User, now: dt.datetime | None = None) -> bool:
    """Whether the user's department has not yet reported for the current month."""
    now = now or timezone.now()
    month = deadlines.month_start(deadlines.local_today(now))
    return not MonthlyReport.objects.filter(
        department_id=user.organization_id, month=month
    ).exists()


# --- priorities --------------------------------------------------------------------------------


def priorities_for_user(user: User) -> QuerySet[EnforcementPriority]:
    """Priorities on enterprises in the user's scope (government units only)."""
    org = user.organization
    if org is None or org.kind == OrgKind.ENTERPRISE:
        return EnforcementPriority.objects.none()
    return (
        EnforcementPriority.objects.filter(enterprise_filter(user, "enterprise__"))
        .select_related("enterprise__organization", "enterprise__town", "marked_org", "marked_by")
        .distinct()
    )


def priority_get(*, user: User, pk: Any) -> EnforcementPriority:
    return get_in_scope_or_404(priorities_for_user(user), pk=pk)
