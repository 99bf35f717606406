"""Completeness and timeliness of one obligation: 应报 / 已报 / 按时报, and who is behind.

* 应报 (expected) — the units that must report, in the user's scope (:mod:`kinds`);
* 已报 (reported) — those with a report that counts (submitted and not returned, …);
* 按时报 (on time) — those whose report counts from before their effective deadline: the
  obligation's, or the date of the unit's granted extension (:mod:`effective`);
* 报送率 = 已报 / 应报, 及时率 = 按时报 / 应报.

Counting is plain ORM: the expected enterprises grouped by their (主管部门, town) pair and the
expected government units, each with a conditional count of the reported and the on-time
ones — a fixed handful of queries whatever the number of units. The city office's rows per
reporting unit place each pair in its department's and its town's row (a sub-unit in its
top-level unit's), from the same grouped rows; the city total counts every unit once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from anbiao.obligations import effective
from anbiao.obligations.kinds import Expected, Obligation, Source
from anbiao.obligations.models import Extension, ExtensionStatus
from anbiao.orgs.models import Organization, OrgKind

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.orgs.scope import Roots


@dataclass
class Rates:
    expected: int = 0
    reported: int = 0
    on_time: int = 0

    def add(self, expected: int, reported: int, on_time: int) -> None:
        self.expected += expected
        self.reported += reported
        self.on_time += on_time

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def late(self) -> int:
        return self.reported - self.on_time

    @property
    def report_rate(self) -> float | None:
        """报送率 (%), one decimal; None when nobody is expected."""
        return round(100 * self.reported / self.expected, 1) if self.expected else None

    @property
    def timely_rate(self) -> float | None:
        """及时率 (%), one decimal; None when nobody is expected."""
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


@dataclass
class UnitRow:
    """A reporting unit's row on the city office's page."""

    unit: Organization
    rates: Rates
    url: str = ""


@dataclass
class Breakdown:
    obligation: Obligation
    total: Rates
    departments: list[UnitRow] = field(default_factory=list)
    towns: list[UnitRow] = field(default_factory=list)
    others: list[UnitRow] = field(default_factory=list)  # the city office and its sub-units

    @property
    def groups(self) -> list[tuple[str, list[UnitRow]]]:
        return [
            (label, rows)
            for label, rows in (
                ("成员单位", self.departments),
                ("乡镇/街道", self.towns),
                ("市安委办", self.others),
            )
            if rows
        ]


# --- the counts ------------------------------------------------------------------------------


def _reported_ids(src: Source) -> QuerySet[Any]:
    return src.reports.order_by().values(src.org_field)


def _on_time_ids(src: Source, deadline: dt.date, extended: dict[Any, dt.date]) -> QuerySet[Any]:
    late_from = effective.overdue_expr(src.org_field, deadline, extended)
    return (
        src.reports.order_by()
        .filter(**{f"{src.time_field}__isnull": False, f"{src.time_field}__lt": late_from})
        .values(src.org_field)
    )


def _extended(ob: Obligation) -> dict[Any, dt.date]:
    return effective.granted(ob.kind, ob.ref)


def _counts(
    ob: Obligation, expected: Expected, *, grouped: bool
) -> tuple[list[tuple[Any, Any, int, int, int]], list[tuple[Any, int, int]]]:
    """Enterprises as (department, town, n, reported, on time) rows — one per pair if
    ``grouped``, else one row of totals — and government units as (id, reported, on time)."""
    src = ob.source()
    extended = _extended(ob)
    reported, on_time = _reported_ids(src), _on_time_ids(src, ob.deadline, extended)
    ent_rows: list[tuple[Any, Any, int, int, int]] = []
    gov_rows: list[tuple[Any, int, int]] = []
    if expected.enterprises is not None:
        aggregates = {
            "_n": Count("pk"),
            "_r": Count("pk", filter=Q(organization_id__in=reported)),
            "_t": Count("pk", filter=Q(organization_id__in=on_time)),
        }
        ents = expected.enterprises.order_by()
        if grouped:
            grouped_rows: Any = ents.values("department_id", "town_id").annotate(**aggregates)
            ent_rows = [
                (r["department_id"], r["town_id"], r["_n"], r["_r"], r["_t"]) for r in grouped_rows
            ]
        else:
            agg = ents.aggregate(**aggregates)
            ent_rows = [(None, None, agg["_n"], agg["_r"], agg["_t"])]
    if expected.governments is not None:
        gov_rows = [
            (pk, int(r), int(t))
            for pk, r, t in expected.governments.order_by()
            .annotate(_r=Q(pk__in=reported), _t=Q(pk__in=on_time))
            .values_list("pk", "_r", "_t")
        ]
    return ent_rows, gov_rows


def totals(ob: Obligation, user: User) -> Rates:
    """应报 / 已报 / 按时报 of the obligation over the user's scope (three queries)."""
    ent_rows, gov_rows = _counts(ob, ob.expected(user), grouped=False)
    rates = Rates()
    for _, _, n, r, t in ent_rows:
        rates.add(n, r, t)
    for _, r, t in gov_rows:
        rates.add(1, r, t)
    return rates


def breakdown(ob: Obligation, user: User) -> Breakdown:
    """The totals and, for the city office, one row per reporting unit (department, town, the
    city office itself) with the units behind each row a click away. Four queries."""
    from anbiao.orgs.scope import roots_load

    org = user.organization
    if org is None or org.kind != OrgKind.CITY:
        return Breakdown(ob, totals(ob, user))
    ent_rows, gov_rows = _counts(ob, ob.expected(user), grouped=True)
    roots = roots_load()
    root_of = roots.root_of
    total = Rates()
    by_unit: dict[Any, Rates] = {}
    for dept, town, n, r, t in ent_rows:
        for unit in (dept, town):
            by_unit.setdefault(root_of.get(unit, unit), Rates()).add(n, r, t)
        total.add(n, r, t)
    for pk, r, t in gov_rows:
        by_unit.setdefault(root_of.get(pk, pk), Rates()).add(1, r, t)
        total.add(1, r, t)

    def rows(units: Iterable[Organization]) -> list[UnitRow]:
        return [
            UnitRow(u, by_unit[u.pk], f"{ob.url}?unit={u.pk}")
            for u in units
            if u.pk in by_unit and by_unit[u.pk].expected
        ]

    return Breakdown(
        ob,
        total,
        departments=rows(roots.departments),
        towns=rows(roots.towns),
        others=rows([roots.city] if roots.city is not None else []),
    )


# --- who is behind ---------------------------------------------------------------------------

STATES = {
    "": "全部",
    "missing": "未报",
    "late": "逾期报送",
    "on_time": "按时报送",
    "reported": "已报",
}


def unit_statuses(
    ob: Obligation, user: User, *, state: str = "", unit: Organization | None = None
) -> QuerySet[Organization]:
    """The expected units in the user's scope (optionally only those of one reporting unit's
    row, and in one state), each annotated with ``reported_at``, ``extended_to`` (the granted
    date, or None) and ``late_from`` (the first late instant of its effective deadline)."""
    src = ob.source()
    extended = _extended(ob)
    orgs = ob.expected(user).organizations()
    if unit is not None:
        orgs = orgs.filter(row_filter(unit))
    mine = src.reports.filter(**{src.org_field: OuterRef("pk")}).order_by()
    grants = Extension.objects.filter(
        kind=ob.kind, ref=ob.ref, status=ExtensionStatus.GRANTED, organization=OuterRef("pk")
    ).order_by("-requested_deadline")
    orgs = orgs.annotate(
        reported_at=Subquery(mine.values(src.time_field)[:1]),
        extended_to=Subquery(grants.values("requested_deadline")[:1]),
        late_from=effective.overdue_expr("pk", ob.deadline, extended),
    )
    if state == "missing":
        orgs = orgs.filter(reported_at__isnull=True)
    elif state == "reported":
        orgs = orgs.filter(reported_at__isnull=False)
    elif state == "late":
        orgs = orgs.filter(reported_at__gte=F("late_from"))
    elif state == "on_time":
        orgs = orgs.filter(reported_at__lt=F("late_from"))
    return orgs.select_related("enterprise__town", "enterprise__department").order_by(
        "kind", "sort_order", "name", "pk"
    )


def row_filter(unit: Organization, roots: Roots | None = None) -> Q:
    """The organizations behind a reporting unit's row: the statistics owner rule
    (``orgs.scope.counted_q``): enterprises whose 主管部门 (or town) is the unit or a sub-unit,
    and the unit with its sub-units."""
    from anbiao.orgs.scope import counted_q, scope_for

    scope = scope_for(unit, roots)
    if scope.is_city:
        # the city office's own row: itself and its sub-units (its scope is everything)
        return Q(pk__in=list(scope.unit_ids))
    return counted_q(scope)


def state_of(
    deadline: dt.date, reported_at: dt.datetime | None, now: dt.datetime
) -> tuple[str, str]:
    """(state, label) of one unit: 按时报送 / 逾期报送 / 逾期未报 / 未报 (not yet due)."""
    from anbiao.obligations import deadlines

    if reported_at is not None:
        if deadlines.on_time(deadline, reported_at):
            return "on_time", "按时报送"
        return "late", "逾期报送"
    if deadlines.is_overdue(deadline, now):
        return "overdue", "逾期未报"
    return "missing", "未报"


# --- many obligations of one kind at once (the list page, the dashboard) ---------------------


def _late_from_by_group(
    group_field: str, org_field: str, groups: dict[Any, tuple[dt.date, dict[Any, dt.date]]]
) -> Any:
    """SQL for the first late instant of each row: by its group's (month's, period's)
    deadline, or its unit's granted date in that group. ``groups``: {group value: (deadline,
    {organization id: granted date})}."""
    from django.db.models import Case, DateTimeField, Value, When

    from anbiao.obligations.deadlines import overdue_from

    out = DateTimeField()
    whens = []
    for value, (_, extended) in groups.items():
        for org, date in extended.items():
            whens.append(
                When(**{group_field: value, org_field: org}, then=Value(overdue_from(date), out))
            )
    for value, (deadline, _) in groups.items():
        whens.append(When(**{group_field: value}, then=Value(overdue_from(deadline), out)))
    return Case(*whens, default=None, output_field=out)


def month_totals(obs: list[Obligation], user: User) -> dict[str, Rates]:
    """{key: Rates} of several months' case reports over the user's scope (three queries)."""
    from anbiao.enforcement.models import MonthlyReport
    from anbiao.obligations.kinds import ObligationKind

    if not obs:
        return {}
    departments = list(obs[0].expected(user).organizations().values_list("pk", flat=True))
    extended = effective.granted_many(ObligationKind.CASE_MONTHLY, [o.ref for o in obs])
    groups = {
        o.month: (o.deadline, {org: d for (ref, org), d in extended.items() if ref == o.ref})
        for o in obs
        if o.month is not None
    }
    late_from = _late_from_by_group("month", "department_id", groups)
    found = {
        r["month"]: r
        for r in MonthlyReport.objects.filter(month__in=list(groups), department_id__in=departments)
        .order_by()
        .values("month")
        .annotate(_r=Count("pk"), _t=Count("pk", filter=Q(first_submitted_at__lt=late_from)))
    }
    out = {}
    for o in obs:
        row = found.get(o.month, {"_r": 0, "_t": 0}) if o.month else {"_r": 0, "_t": 0}
        out[o.key] = Rates(len(departments), row["_r"], row["_t"])
    return out


def task_totals(obs: list[Obligation]) -> dict[str, Rates]:
    """{key: Rates} of several task periods, every recipient counted (three queries): what the
    issuer and the city office see."""
    from anbiao.obligations.kinds import ObligationKind
    from anbiao.tasks_reporting.models import ReportSubmission, ReportTask, SubmissionStatus

    periods = [o.task_period for o in obs if o.task_period is not None]
    if not periods:
        return {}
    task_ids = {p.task_id for p in periods}
    through: Any = ReportTask.recipients.through
    expected = dict(
        through.objects.filter(reporttask_id__in=task_ids)
        .order_by()
        .values("reporttask_id")
        .annotate(_n=Count("pk"))
        .values_list("reporttask_id", "_n")
    )
    extended = effective.granted_many(ObligationKind.TASK, [p.pk for p in periods])
    groups = {
        p.pk: (p.deadline, {org: d for (ref, org), d in extended.items() if ref == str(p.pk)})
        for p in periods
    }
    late_from = _late_from_by_group("period_id", "organization_id", groups)
    found = {
        r["period_id"]: r
        for r in ReportSubmission.objects.filter(
            period__in=periods,
            status=SubmissionStatus.SUBMITTED,
            organization__report_tasks=F("period__task"),
        )
        .order_by()
        .values("period_id")
        .annotate(_r=Count("pk"), _t=Count("pk", filter=Q(submitted_at__lt=late_from)))
    }
    out = {}
    for o in obs:
        assert o.task_period is not None
        row = found.get(o.task_period.pk, {"_r": 0, "_t": 0})
        out[o.key] = Rates(expected.get(o.task_period.task_id, 0), row["_r"], row["_t"])
    return out
