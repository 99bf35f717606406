"""The consolidated city table — and one unit's table — in a fixed number of queries.

"Owner" columns (1–6, 11–13): the counted look-backs (with the problem count each froze on
submission) and the finalized reports are grouped on their own table by the (primary
department, town) stamped on them (:mod:`anbiao.stats.scope`), the counted records joined to
the enterprise registry — one query per source — for enterprises, and by organization for
government units. Every enterprise has exactly one (department, town) pair, so in Python:

* a department's row is the sum over the pairs of its department (and its sub-units), plus the
  records of itself and its sub-units;
* a town's row likewise over the pairs of its town;
* the city-wide total is the sum over ALL pairs and government units — every enterprise once.

"Actor" columns (7–10, 14–15) are grouped by the acting unit (sub-units mapped to their
top-level unit); the city-wide "distinct enterprises inspected / exposed" is counted once over
the whole city, since an enterprise may be inspected or exposed by several units.

One unit's table runs the same queries filtered first by the unit (look-backs and reports by
their stamped scope, records by its enterprises through the registry's department/town index,
itself and its sub-units): its number is the total.

The number of queries depends on neither the number of units nor of enterprises.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Max,
    Min,
    Q,
    Sum,
    UUIDField,
    Value,
    When,
)

from anbiao.orgs.models import Organization, OrgKind
from anbiao.stats import columns as c
from anbiao.stats.columns import Availability, Period, Roots, Scope

Result = dict[int, tuple[dict[Any, int], int]]  # column → ({top-level unit: n}, city total)


class _Acc:
    """Adds counts to the rows of top-level units and to the city total."""

    def __init__(self, roots: Roots) -> None:
        self.roots = roots
        self.by_unit: dict[Any, int] = {}
        self.total = 0

    def _add(self, unit: Any, n: int) -> None:
        if unit is not None:
            root = self.roots.root_of.get(unit, unit)
            self.by_unit[root] = self.by_unit.get(root, 0) + n

    def enterprise(self, dept: Any, town: Any, n: int) -> None:
        self._add(dept, n)
        self._add(town, n)
        self.total += n

    def government(self, unit: Any, n: int) -> None:
        self._add(unit, n)
        self.total += n

    def result(self) -> tuple[dict[Any, int], int]:
        return self.by_unit, self.total


def _owner_columns(
    period: Period, roots: Roots, avail: Availability, out: Result, scope: Scope | None
) -> None:
    """The owner columns (1–6, 11–13): each source grouped by (primary department, town) for
    enterprises and by organization for government units, one query per source.

    Look-backs and reports carry the pair themselves (``scope_department``/``scope_town``,
    stamped by their services and kept in step with the registry, :mod:`anbiao.stats.scope`):
    they are grouped on their own table, without a join. Records are joined to the registry.

    Each source's rules stay in its own queryset (``_lookbacks``, ``finalized_reports``,
    ``Record.objects.counted()``). An organization is a government unit when it is one of
    ``roots`` (every government unit); any other organization without a registry entry counts,
    like an enterprise, in the city total only. Irregular data costs one more query each, never
    a wrong number: rows of an enterprise written without the stamp are placed through the
    registry; look-backs not all of one campaign are made distinct per organization.
    """
    acc = {n: _Acc(roots) for n in (1, 2, 3, 4, 5, 6, 11, 12, 13)}
    gov_col = {1: 2, 5: 6, 11: 12, 13: 13}
    as_pk = Organization._meta.pk.to_python  # type: ignore[union-attr]  # SQLite: hex text
    unstamped: list[tuple[int, Any, int]] = []  # (column, enterprise, n): placed by the registry

    def add(col: int, dept: Any, town: Any, org: Any, n: int, *, stamped: bool = True) -> None:
        dept, town, org = (None if v is None else as_pk(v) for v in (dept, town, org))
        if org is not None and org in roots.root_of:  # a government unit
            acc[gov_col.get(col, col + 1)].government(org, n)
        elif org is not None and stamped:  # an enterprise's row without the stamp
            unstamped.append((col, org, n))
        else:  # an enterprise (without a registry entry: dept and town are None)
            acc[col].enterprise(dept, town, n)

    if avail.ok[1]:
        looks = c._lookbacks(period).filter(_own_stamped(scope)).order_by()
        grouped = list(
            looks.values(_d=F("scope_department"), _t=F("scope_town"), _g=_unstamped_org())
            .annotate(
                _c=Count("*"),
                _n=Sum("problem_count"),
                _u=Count("*") - Count("problem_count"),
                _lo=Min("campaign"),
                _hi=Max("campaign"),
                _k=Count("campaign"),
            )
            .values_list("_d", "_t", "_g", "_c", "_n", "_u", "_lo", "_hi", "_k")
        )
        # one look-back per organization and campaign (a unique constraint): when every counted
        # look-back is of the same campaign, the rows are the organizations; otherwise make them
        # distinct per organization first
        campaigns = {lo for *_, lo, _, _ in grouped} | {hi for *_, hi, _ in grouped}
        if len(campaigns) > 1 or any(k != n for *_, n, _, _, _, _, k in grouped):
            per_org = (
                looks.values("organization", "scope_department", "scope_town")
                .annotate(_n=Sum("problem_count"), _u=Count("*") - Count("problem_count"))
                .values_list("scope_department", "scope_town", "organization", "_n", "_u")
            )
            grouped = []
            for dept, town, org, lines, u in per_org:
                g = org if dept is None and town is None else None
                grouped.append((dept, town, g, 1, lines, u, None, None, 1))
        unfrozen = 0
        for dept, town, org, n, lines, u, *_ in grouped:
            add(1, dept, town, org, n)
            add(3, dept, town, org, int(lines or 0))
            unfrozen += int(u or 0)
        if unfrozen:  # look-backs marked submitted without the submit service: count their lines
            lines = (
                c.unfrozen_lines(looks)
                .order_by()
                .values_list(
                    "answer__checklist__organization__enterprise__department",
                    "answer__checklist__organization__enterprise__town",
                    "answer__checklist__organization",
                )
                .annotate(n=Count("pk"))
            )
            for dept, town, org, n in lines:
                add(3, dept, town, org, n, stamped=False)
    if avail.ok[5]:
        fn = c._report_source()
        reports = fn(start=period.start, end=period.end)  # type: ignore[misc]
        grouped_reports = (
            reports.filter(_own_stamped(scope))
            .order_by()
            .values(_d=F("scope_department"), _t=F("scope_town"), _g=_unstamped_org())
            .annotate(_c=Count("*"))
            .values_list("_d", "_t", "_g", "_c")
        )
        for dept, town, org, n in grouped_reports:
            add(5, dept, town, org, n)
    if avail.ok[11]:
        from anbiao.orgs.models import Enterprise
        from anbiao.records.models import Record

        recs = (
            Record.objects.counted()
            .in_period(period.start, period.end)
            .filter(_own(scope, "organization"))
            .order_by()
            .values(_o=F("organization"), _k=F("kind"))
        )
        rec_sql, rec_params = recs.query.sql_with_params()
        registry = Enterprise.objects.all()
        if scope is not None and not scope.is_city:  # one unit: only its enterprises (its index)
            link = "department" if scope.kind == OrgKind.DEPARTMENT else "town"
            registry = registry.filter(**{f"{link}__in": list(scope.unit_ids)})
        ent_sql, ent_params = (
            registry.order_by()
            .values("organization_id", "department_id", "town_id")
            .query.sql_with_params()
        )
        # only ORM-compiled SQL and constants are pasted; every value is a parameter
        sql = (
            'SELECT e."department_id", e."town_id", '  # noqa: S608
            'CASE WHEN e."organization_id" IS NULL THEN r."_o" END, r."_k", COUNT(*) '
            f'FROM ({rec_sql}) r LEFT JOIN ({ent_sql}) e ON e."organization_id" = r."_o" '
            "GROUP BY 1, 2, 3, 4"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*rec_params, *ent_params])
            for dept, town, org, kind, n in cursor.fetchall():
                add(11 if kind == "experience" else 13, dept, town, org, n, stamped=False)
    if unstamped:  # rows of enterprises written without the stamp: placed by the registry
        from anbiao.orgs.models import Enterprise

        pairs = dict(
            (org, (dept, town))
            for org, dept, town in Enterprise.objects.filter(
                organization_id__in={org for _, org, _ in unstamped}
            ).values_list("organization_id", "department_id", "town_id")
        )
        for col, org, n in unstamped:
            dept, town = pairs.get(org, (None, None))
            acc[col].enterprise(dept, town, n)
    for src, cols in ((1, (1, 2, 3, 4)), (5, (5, 6)), (11, (11, 12, 13))):
        if avail.ok[src]:
            out.update({n: acc[n].result() for n in cols})


def _unstamped_org() -> Case:
    """The organization of a row without a stamped scope (a government unit, or an enterprise's
    row written without the services), else NULL: stamped rows group by their pair only."""
    return Case(
        When(scope_department__isnull=True, scope_town__isnull=True, then=F("organization")),
        default=Value(None),
        output_field=UUIDField(),
    )


class _Distinct:
    """Distinct targets per top-level acting unit, and over the whole city."""

    def __init__(self, roots: Roots) -> None:
        self.roots = roots
        self.by_unit: dict[Any, set[Any]] = {}
        self.all: set[Any] = set()

    def add(self, actor: Any, target: Any) -> None:
        if target is None:  # as COUNT(DISTINCT …) does
            return
        root = self.roots.root_of.get(actor, actor)
        self.by_unit.setdefault(root, set()).add(target)
        self.all.add(target)

    def result(self) -> tuple[dict[Any, int], int]:
        return {u: len(ts) for u, ts in self.by_unit.items()}, len(self.all)


def _inspections(period: Period, roots: Roots, out: Result, scope: Scope | None) -> None:
    """Columns 7–10: the distinct targets of the counted inspections by top-level inspector
    (sub-units mapped to their unit inside SQL, so "distinct" holds across a unit's sub-units)
    and over the whole city (an enterprise inspected by several units counts once), and their
    counted problems by inspector (a problem belongs to one inspection, so the total of problems
    is the sum). Three queries for the city, two for one unit (its total only)."""
    insp = c._inspections(period).filter(_act(scope, c.INSPECTION_ACTOR)).order_by()
    # the target is a government unit when it is one of roots (every government unit): no join
    # to the organizations table for its kind
    gov_ids = list(roots.root_of)
    is_gov = _is_gov(c.INSPECTION_TARGET, gov_ids)
    by_unit: dict[bool, dict[Any, int]] = {False: {}, True: {}}
    if scope is None:
        grouped = (
            insp.values(_u=roots.expr(c.INSPECTION_ACTOR), _g=is_gov)
            .annotate(n=Count(c.INSPECTION_TARGET, distinct=True))
            .values_list("_u", "_g", "n")
        )
        for unit, gov, n in grouped:
            side = by_unit[bool(gov)]
            side[unit] = side.get(unit, 0) + n
    totals = {False: 0, True: 0}
    overall = (
        insp.values(_g=is_gov)
        .annotate(n=Count(c.INSPECTION_TARGET, distinct=True))
        .values_list("_g", "n")
    )
    for gov, n in overall:
        totals[bool(gov)] += n
    out[7], out[9] = (by_unit[False], totals[False]), (by_unit[True], totals[True])
    actor = f"{c.PROBLEM_INSPECTION}__{c.INSPECTION_ACTOR}"
    problems = (
        c._insp_problems_all(period)
        .filter(_act(scope, actor))
        .order_by()
        .values(_a=F(actor), _g=_is_gov(f"{c.PROBLEM_INSPECTION}__{c.INSPECTION_TARGET}", gov_ids))
        .annotate(n=Count("pk"))
        .values_list("_a", "_g", "n")
    )
    a8, a10 = _Acc(roots), _Acc(roots)
    for unit, gov, n in problems:
        (a10 if gov else a8).government(unit, n)
    out[8], out[10] = a8.result(), a10.result()


def _is_gov(path: str, gov_ids: list[Any]) -> Case:
    return Case(
        When(**{f"{path}__in": gov_ids}, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _enforcement(period: Period, roots: Roots, out: Result, scope: Scope | None) -> None:
    """Columns 14–15 in two queries: published batches by publisher (a batch has one publisher,
    so the city total is the sum), and the distinct (publisher, enterprise) pairs exposed."""
    from anbiao.enforcement.models import ExposureBatch

    batches = c._batches(period).filter(_act(scope, "department"))
    a14 = _Acc(roots)
    for unit, n in batches.order_by().values_list("department").annotate(n=Count("pk")):
        a14.government(unit, n)
    d15 = _Distinct(roots)
    through = ExposureBatch.cases.through.objects.filter(exposurebatch__in=batches.values("pk"))
    pairs = (
        through.order_by()
        .values_list("exposurebatch__department", "enforcementcase__enterprise")
        .distinct()
    )
    for unit, enterprise in pairs:
        d15.add(unit, enterprise)
    out[14], out[15] = a14.result(), d15.result()


def consolidated(
    period: Period, roots: Roots, avail: Availability, scope: Scope | None = None
) -> Result:
    """Every available column: the number per top-level unit, and the city-wide total.

    With ``scope`` (one reporting unit), only the records that unit counts are read (each query
    filtered first by the unit's enterprises, itself and its sub-units), and the "city-wide
    total" is that unit's number: this is one unit's table in the same few queries.
    """
    out: Result = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # a reporting read over ~10^5 rows: hash its joins and groups in memory instead of
            # spilling sorts to disk (default work_mem 4MB), and do not pay JIT compilation
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
        _owner_columns(period, roots, avail, out, scope)
        if avail.ok[7]:
            _inspections(period, roots, out, scope)
        if avail.ok[14]:
            _enforcement(period, roots, out, scope)
    return out


def _own(scope: Scope | None, path: str) -> Q:
    """The unit's records (as :func:`columns.owner_q`), as ONE ``IN`` over the union of its
    enterprises and its own units, so that the database reaches the records by their
    organization index instead of scanning them for an ``OR``."""
    if scope is None or scope.is_city:
        return Q()
    from anbiao.orgs.models import Enterprise

    ids = list(scope.unit_ids)
    link = "department" if scope.kind == OrgKind.DEPARTMENT else "town"
    ents = Enterprise.objects.filter(**{f"{link}__in": ids}).order_by().values("organization")
    units = Organization.objects.filter(pk__in=ids).order_by().values("pk")
    return Q(**{f"{path}__in": ents.union(units, all=True)})


def _own_stamped(scope: Scope | None) -> Q:
    """The unit's look-backs or reports by their stamped scope (the unit's enterprises), or
    by organization (the unit itself and its sub-units, and any row not stamped)."""
    if scope is None or scope.is_city:
        return Q()
    ids = list(scope.unit_ids)
    link = "scope_department" if scope.kind == OrgKind.DEPARTMENT else "scope_town"
    unstamped = Q(scope_department__isnull=True, scope_town__isnull=True)
    return Q(**{f"{link}__in": ids}) | (unstamped & _own(scope, "organization"))


def _act(scope: Scope | None, path: str) -> Q:
    return Q() if scope is None else c.actor_q(scope, path)
