"""Reads of the statistics table (附件3): one unit's live table, the consolidated city table,
submissions and their frozen values. The columns themselves are in :mod:`anbiao.stats.columns`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from anbiao.core.access import get_in_scope_or_404
from anbiao.orgs.models import Organization, OrgKind
from anbiao.orgs.scope import descendant_ids
from anbiao.orgs.scope import scope_for as org_scope_for
from anbiao.stats.columns import COLUMN_BY_NO, COLUMNS, Column, Period, Roots, Scope, roots_load
from anbiao.stats.models import StatsSubmission
from anbiao.stats.table import compute

if TYPE_CHECKING:
    from anbiao.accounts.models import User

REPORTING_KINDS = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)


# --- period and unit -------------------------------------------------------------------------


def default_period(today: dt.date | None = None) -> Period:
    """The open campaign's period; without one, the current calendar year."""
    from anbiao.campaigns.selectors import current_campaign

    campaign = current_campaign()
    if campaign is not None:
        return Period(campaign.period_start, campaign.period_end)
    today = today or timezone.localdate()
    return Period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))


def reporting_units() -> QuerySet[Organization]:
    """Units that fill 附件3: the city office, the top-level departments and towns."""
    return Organization.objects.filter(
        kind__in=REPORTING_KINDS, parent__isnull=True, is_active=True
    ).order_by("kind", "sort_order", "name")


def unit_for_user(user: User, unit_id: Any = None) -> Organization:
    """The unit whose table the user asks for: its own; the city office may pick any unit.

    Users of a sub-unit see their top-level unit's table (the unit that reports). Another unit's
    table answers 404.
    """
    org = user.organization
    if org is None or org.kind not in REPORTING_KINDS:
        raise Http404("页面不存在")
    own = org
    while own.parent is not None and own.parent.kind != OrgKind.ENTERPRISE:
        own = own.parent
    if not unit_id or str(unit_id) == str(own.pk):
        return own
    if org.kind != OrgKind.CITY:
        raise Http404("对象不存在或无权访问")
    return get_in_scope_or_404(reporting_units(), pk=unit_id)


def scope_for(unit: Organization, roots: Roots | None = None) -> Scope:
    """The unit and its sub-units (:func:`anbiao.orgs.scope.scope_for`)."""
    return org_scope_for(unit, roots)


def drill_scope(user: User, unit: Organization) -> tuple[Scope, Organization | None]:
    """Whose records a user may list behind a number of ``unit``'s table.

    A user of a sub-unit fills in the table of the unit that reports, but lists (and exports)
    only its own sub-unit's records: the scope it has everywhere else in the product. Returns
    the scope and, for such a user, the sub-unit (the page says so); otherwise ``None``.
    """
    org = user.organization
    if org is not None and org.pk != unit.pk and org.kind != OrgKind.CITY:
        return scope_for(org), org
    return scope_for(unit), None


# --- one unit's table ------------------------------------------------------------------------


@dataclass
class Cell:
    column: Column
    value: int | None  # None: the source is not available yet
    note: str = ""


@dataclass
class UnitTable:
    unit: Organization
    period: Period
    cells: list[Cell]

    @property
    def values(self) -> list[int | None]:
        return [c.value for c in self.cells]


def column_records(*, scope: Scope, period: Period, no: int) -> QuerySet[Any]:
    """The records column ``no`` counts for ``scope`` (the drill-down list). 404 for no column."""
    col = COLUMN_BY_NO.get(no)
    if col is None:
        raise Http404("该列暂不可用")
    return col.records(scope, period)


def unit_table(*, unit: Organization, period: Period, roots: Roots | None = None) -> UnitTable:
    """The 15 live numbers for one reporting unit: the table's computation restricted to the
    unit's records (:mod:`anbiao.stats.table`; a few queries, each filtered first by the unit).
    The drill-down lists (``column_records``) are the independent reading of the same numbers.
    """
    roots = roots or roots_load()
    result = compute(period, roots, scope_for(unit, roots))
    cells = [Cell(col, result[col.no][1]) for col in COLUMNS]
    return UnitTable(unit=unit, period=period, cells=cells)


# --- the consolidated city table -------------------------------------------------------------


@dataclass
class Row:
    unit: Organization | None
    label: str
    values: list[int | None]
    kind: str = "unit"  # unit, subtotal, sum, total, diff


@dataclass
class CityTable:
    period: Period
    departments: list[Row]
    towns: list[Row]
    dept_subtotal: Row
    town_subtotal: Row
    plain_sum: Row
    total: Row
    difference: Row
    notes: dict[int, str] = field(default_factory=dict)
    # 市安委办本级: the city office's own records and its sub-units' (in the total only)
    own: Row | None = None

    @property
    def all_rows(self) -> list[Row]:
        return [
            *self.departments,
            self.dept_subtotal,
            *self.towns,
            self.town_subtotal,
            self.plain_sum,
            self.total,
            self.difference,
        ]


def _sum(rows: list[Row]) -> list[int | None]:
    return [sum(r.values[i] or 0 for r in rows) for i in range(len(COLUMNS))]


def city_table(*, period: Period, roots: Roots | None = None) -> CityTable:
    """Every reporting unit's numbers from GROUP BY queries (a fixed number of queries), the
    subtotals, the plain sum of rows and the city-wide total computed once over the whole city.
    """
    roots = roots or roots_load()
    result = compute(period, roots)

    def row(unit: Organization) -> Row:
        vals: list[int | None] = [result[c.no][0].get(unit.pk, 0) for c in COLUMNS]
        return Row(unit, unit.name, vals)

    depts = [row(u) for u in roots.departments]
    towns = [row(u) for u in roots.towns]
    d_sub = Row(None, "成员单位小计", _sum(depts), "subtotal")
    t_sub = Row(None, "乡镇（街道、开发区）小计", _sum(towns), "subtotal")
    plain = Row(None, "各行直接相加", _sum([d_sub, t_sub]), "sum")
    total_vals: list[int | None] = [result[c.no][1] for c in COLUMNS]
    total = Row(roots.city, "全市合计（每家企业只计一次）", total_vals, "total")
    diff = Row(
        None,
        "差额（直接相加 − 全市合计）",
        [
            None if t is None else (p or 0) - t
            for p, t in zip(plain.values, total_vals, strict=True)
        ],
        "diff",
    )
    own = None
    if roots.city is not None:
        own = Row(roots.city, f"{roots.city.name}本级", row(roots.city).values, "own")
    return CityTable(period, depts, towns, d_sub, t_sub, plain, total, diff, own=own)


DIFFERENCE_EXPLAINED = (
    "各行直接相加与全市合计不同：企业同时计入主管部门和所在乡镇，直接相加会重复计算；"
    "同一企业（单位）被多个单位检查、在多个单位的曝光批次中出现，也会在各行重复出现；"
    "市安委办本级及其下属单位的记录只计入全市合计。全市合计按全市范围一次计算，每家企业只计一次。"
)


# --- submissions -----------------------------------------------------------------------------


def submission_for(*, unit: Organization, period: Period) -> StatsSubmission | None:
    return (
        StatsSubmission.objects.filter(unit=unit, period_start=period.start, period_end=period.end)
        .select_related("unit", "submitted_by", "stamp")
        .first()
    )


def submissions_for_user(user: User) -> QuerySet[StatsSubmission]:
    """The city office sees every submission; a unit its own."""
    qs = StatsSubmission.objects.select_related("unit", "submitted_by", "returned_by", "stamp")
    org = user.organization
    if org is None or org.kind not in REPORTING_KINDS:
        return qs.none()
    if org.kind == OrgKind.CITY:
        return qs
    return qs.filter(unit_id__in=descendant_ids(org) | {unit_for_user(user).pk})


def submission_get(*, user: User, pk: Any) -> StatsSubmission:
    return get_in_scope_or_404(submissions_for_user(user), pk=pk)


@dataclass
class SubmissionRow:
    unit: Organization
    submission: StatsSubmission | None
    live: list[int | None]
    differs: list[bool]

    @property
    def any_difference(self) -> bool:
        return any(self.differs)


def submission_overview(*, period: Period) -> list[SubmissionRow]:
    """For the city office: every reporting unit, its submission for the period (if any), the
    frozen values against today's live values. Live values come from one consolidated pass."""
    roots = roots_load()
    table = city_table(period=period, roots=roots)
    subs = {
        s.unit_id: s
        for s in StatsSubmission.objects.filter(
            period_start=period.start, period_end=period.end
        ).select_related("unit", "submitted_by")
    }
    out = []
    unit_rows = [*table.departments, *table.towns]
    if roots.city is not None:
        unit_rows.insert(0, Row(roots.city, roots.city.name, table.total.values))
    for r in unit_rows:
        sub = subs.get(r.unit.pk)  # type: ignore[union-attr]
        differs = [False] * len(COLUMNS)
        if sub is not None and sub.is_submitted:
            differs = [
                (f is not None or lv is not None) and f != lv
                for f, lv in zip(sub.computed_values, r.values, strict=True)
            ]
        out.append(SubmissionRow(r.unit, sub, r.values, differs))  # type: ignore[arg-type]
    return out
