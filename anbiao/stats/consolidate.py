"""The consolidated city table — and one unit's table — in a fixed number of queries.

"Owner" columns (1–6, 11–13): the counted look-backs (with the problem count each froze on
submission), the finalized reports and the counted records carry the (primary department, town)
of their enterprise (:mod:`anbiao.stats.scope`) and are grouped on their own table by that pair —
one query per source, no join to the registry. Every enterprise has exactly one pair, so in
Python:

* a department's row is the sum over the pairs of its department (and its sub-units), plus the
  rows of itself and its sub-units;
* a town's row likewise over the pairs of its town;
* the city-wide total is the sum over ALL pairs and government units — every enterprise once.

Rows without a pair (a government unit's, or an enterprise's written without the services) are
grouped by organization in the same query (the second arm of a ``UNION ALL``), and placed in
Python: a government unit by itself, an enterprise through the registry (one more query, only
when there is such a row).

"Actor" columns (7–10, 14–15) are grouped by the acting unit (sub-units mapped to their
top-level unit); the city-wide "distinct enterprises inspected / exposed" is counted once over
the whole city, since an enterprise may be inspected or exposed by several units.

One unit's table runs the same queries filtered first by the unit (stamped rows by the unit's
ids in their department or town column, actor columns by the acting unit), so each reads only
the unit's index range: its number is the total.

The number of queries depends on neither the number of units nor of enterprises. The indexes
that the queries read (PostgreSQL plans, each over the period's rows):

* look-backs and reports: ``*_stats_dept_idx`` (department, town, date, …) — the city table
  reads it in (department, town) order and aggregates without hashing, a department's table
  reads its range; ``*_stats_town_idx`` for a town's table (migration ``stats/0002``);
* inspections: ``inspection_stats_actor_idx`` (inspector, target, date) — distinct targets per
  inspector in index order; ``inspection_stats_target_idx`` (target, date) — distinct targets
  over the city.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    UUIDField,
    Value,
    When,
)
from django.db.models.functions import Cast

from anbiao.orgs.models import Organization, OrgKind
from anbiao.stats import columns as c
from anbiao.stats.columns import Availability, Period, Roots, Scope

Result = dict[int, tuple[dict[Any, int], int]]  # column → ({top-level unit: n}, city total)

# NULL as an organization id (typed, so that a UNION matches it with the ids of another arm)
_NONE = Cast(Value(None), output_field=UUIDField())


class _Acc:
    """Adds counts to the rows of top-level units and to the city total."""

    def __init__(self, roots: Roots) -> None:
        self.root_of = roots.root_of
        self.by_unit: dict[Any, int] = {}
        self.total = 0

    def _add(self, unit: Any, n: int) -> None:
        if unit is not None:
            root = self.root_of.get(unit, unit)
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


def _stamped_in(scope: Scope | None) -> Q:
    """Rows that carry a stamped scope — for one unit, those whose department (or town) is the
    unit or one of its sub-units."""
    if scope is None or scope.is_city:
        return Q(scope_department__isnull=False) | Q(scope_town__isnull=False)
    link = "scope_department" if scope.kind == OrgKind.DEPARTMENT else "scope_town"
    return Q(**{f"{link}__in": list(scope.unit_ids)})


UNSTAMPED = Q(scope_department__isnull=True, scope_town__isnull=True)


def _by_scope(
    qs: QuerySet[Any], scope: Scope | None, aggregates: dict[str, Any], **keys: Any
) -> list[tuple[Any, ...]]:
    """``qs`` grouped in ONE query: rows ``(department, town, None, *keys, *aggregates)`` for the
    stamped rows (of the unit), ``(None, None, organization, *keys, *aggregates)`` for the rows
    without a stamp (every one of them: they are placed in Python)."""
    qs = qs.order_by()
    names = ["_d", "_t", "_g", *keys, *aggregates]
    stamped = (
        qs.filter(_stamped_in(scope))
        .values(_d=F("scope_department"), _t=F("scope_town"), _g=_NONE, **keys)
        .annotate(**aggregates)
        .values_list(*names)
    )
    unstamped = (
        qs.filter(UNSTAMPED)
        .values(_d=_NONE, _t=_NONE, _g=F("organization"), **keys)
        .annotate(**aggregates)
        .values_list(*names)
    )
    return list(stamped.union(unstamped, all=True).order_by())


def _owner_columns(
    period: Period, roots: Roots, avail: Availability, out: Result, scope: Scope | None
) -> None:
    """The owner columns (1–6, 11–13): each source grouped by its stamped (primary department,
    town) for enterprises and by organization for the rows without a stamp, one query per source.

    Each source's rules stay in its own queryset (``_lookbacks``, ``finalized_reports``,
    ``Record.objects.counted()``). An organization is a government unit when it is one of
    ``roots`` (every government unit); any other organization without a registry entry counts,
    like an enterprise, in the city total only. Irregular data costs one more query each, never
    a wrong number: rows of an enterprise written without the stamp are placed through the
    registry; look-backs not all of one campaign are made distinct per organization.
    """
    acc = {n: _Acc(roots) for n in (1, 2, 3, 4, 5, 6, 11, 12, 13)}
    gov_col = {1: 2, 3: 4, 5: 6, 11: 12, 13: 13}
    as_pk = Organization._meta.pk.to_python  # type: ignore[union-attr]  # SQLite: hex text
    unit_ids = None if scope is None or scope.is_city else scope.unit_ids
    by_town = scope is not None and scope.kind == OrgKind.TOWN
    unstamped: list[tuple[int, Any, int]] = []  # (column, enterprise, n): placed by the registry

    def add(col: int, dept: Any, town: Any, org: Any, n: int) -> None:
        if org is None:  # a stamped (department, town) pair, already the unit's in SQL
            acc[col].enterprise(dept, town, n)
            return
        org = as_pk(org)
        if org in roots.root_of:  # a government unit
            if unit_ids is None or org in unit_ids:
                acc[gov_col[col]].government(org, n)
        else:  # an enterprise's row without the stamp
            unstamped.append((col, org, n))

    if avail.ok[1]:
        looks = c._lookbacks(period)
        grouped = _by_scope(
            looks,
            scope,
            {
                "_c": Count("*"),
                "_n": Sum("problem_count"),
                "_p": Count("problem_count"),
                "_lo": Min("campaign"),
                "_hi": Max("campaign"),
                "_k": Count("campaign"),
            },
        )
        # one look-back per organization and campaign (a unique constraint): when every counted
        # look-back is of the same campaign, the rows are the organizations; otherwise make them
        # distinct per organization first
        campaigns = {row[6] for row in grouped} | {row[7] for row in grouped}
        rows = [(d, t, g, n, lines, n - p) for d, t, g, n, lines, p, _, _, _ in grouped]
        if len(campaigns) > 1 or any(row[3] != row[8] for row in grouped):
            per_org = (
                looks.filter(_stamped_in(scope) | UNSTAMPED)
                .order_by()
                .values("organization", "scope_department", "scope_town")
                .annotate(_n=Sum("problem_count"), _p=Count("problem_count"), _c=Count("*"))
                .values_list("scope_department", "scope_town", "organization", "_n", "_p", "_c")
            )
            rows = []
            for dept, town, org, lines, p, n in per_org:
                g = org if dept is None and town is None else None
                rows.append((dept, town, g, 1, lines, n - p))
        unfrozen = 0
        for dept, town, org, n, lines, u in rows:
            add(1, dept, town, org, n)
            add(3, dept, town, org, int(lines or 0))
            unfrozen += int(u or 0)
        if unfrozen:  # look-backs marked submitted without the submit service: count their lines
            lines_qs = c.unfrozen_lines(looks.filter(_stamped_in(scope) | UNSTAMPED)).order_by()
            checklist = "answer__checklist__"
            for dept, town, org, n in (
                lines_qs.values(
                    _d=F(f"{checklist}scope_department"),
                    _t=F(f"{checklist}scope_town"),
                    _g=Case(
                        When(
                            **{
                                f"{checklist}scope_department__isnull": True,
                                f"{checklist}scope_town__isnull": True,
                            },
                            then=F(f"{checklist}organization"),
                        ),
                        default=_NONE,
                        output_field=UUIDField(),
                    ),
                )
                .annotate(n=Count("pk"))
                .values_list("_d", "_t", "_g", "n")
            ):
                add(3, dept, town, org, n)
    if avail.ok[5]:
        fn = c._report_source()
        reports = fn(start=period.start, end=period.end)  # type: ignore[misc]
        for dept, town, org, n in _by_scope(reports, scope, {"_c": Count("*")}):
            add(5, dept, town, org, n)
    if scope is None or scope.is_city:
        _planner(enable_hashagg="on")  # off for the look-backs and reports only (see consolidated)
    if avail.ok[11]:
        from anbiao.records.models import Record

        recs = Record.objects.counted().in_period(period.start, period.end)
        for dept, town, org, kind, n in _by_scope(recs, scope, {"_c": Count("*")}, _k=F("kind")):
            add(11 if kind == "experience" else 13, dept, town, org, n)
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
            if unit_ids is None or (town if by_town else dept) in unit_ids:
                acc[col].enterprise(dept, town, n)
    for src, cols in ((1, (1, 2, 3, 4)), (5, (5, 6)), (11, (11, 12, 13))):
        if avail.ok[src]:
            out.update({n: acc[n].result() for n in cols})


def _inspections(period: Period, roots: Roots, out: Result, scope: Scope | None) -> None:
    """Columns 7–10 in two queries: the distinct targets of the counted inspections by
    top-level inspector (sub-units mapped to their unit inside SQL, so "distinct" holds across a
    unit's sub-units) and over the whole city (an enterprise inspected by several units counts
    once); and their counted problems by inspector (a problem belongs to one inspection, so the
    total of problems is the sum). One unit's table reads only the unit's inspections and needs
    its total only.

    Every number is read for ALL targets and for the government targets (one of ``roots``:
    their few inspections through the (target, date) index); the enterprises' number is the
    difference, since a target either is a government unit or is not. So no row is tested for
    the kind of its target."""
    actor, target = c.INSPECTION_ACTOR, c.INSPECTION_TARGET
    insp = c._inspections(period).filter(_act(scope, actor)).order_by()
    gov = insp.filter(**{f"{target}__in": list(roots.root_of)})
    distinct = Count(target, distinct=True)
    arms = [  # (top-level inspector, or None: the whole city; government targets only; n)
        insp.values(_u=_NONE, _s=Value(False)).annotate(n=distinct),
        gov.values(_u=_NONE, _s=Value(True)).annotate(n=distinct),
    ]
    if scope is None:
        # inspectors without sub-units are grouped as they are, in the order of the index on
        # (inspector, target); the units with sub-units (few) through their top-level unit
        family = roots.with_sub_units()
        arms.append(
            insp.exclude(**{f"{actor}__in": family})
            .values(_u=F(actor), _s=Value(False))
            .annotate(n=distinct)
        )
        if family:
            arms.append(
                insp.filter(**{f"{actor}__in": family})
                .values(_u=roots.expr(actor), _s=Value(False))
                .annotate(n=distinct)
            )
        arms.append(gov.values(_u=roots.expr(actor), _s=Value(True)).annotate(n=distinct))
    first, *rest = (a.values_list("_u", "_s", "n") for a in arms)
    targets: dict[tuple[Any, bool], int] = {}  # (unit or None, of government only) → n
    for unit, on_gov, n in first.union(*rest, all=True).order_by():
        targets[unit, bool(on_gov)] = targets.get((unit, bool(on_gov)), 0) + n
    out[7], out[9] = _split(targets)
    problems = _inspection_problems(insp, gov)
    a8, a10 = _Acc(roots), _Acc(roots)
    for (unit, on_gov), n in problems.items():
        if on_gov:
            a10.government(unit, n)
        else:
            a8.government(unit, n - problems.get((unit, True), 0))
    out[8], out[10] = a8.result(), a10.result()


def _split(
    counts: dict[tuple[Any, bool], int],
) -> tuple[tuple[dict[Any, int], int], tuple[dict[Any, int], int]]:
    """``{(unit or None, of government only): n}`` → (enterprises, government units), each as
    ({unit: n}, city total): the enterprises' number is all targets' less the government's."""
    ent: dict[Any, int] = {}
    gov: dict[Any, int] = {}
    for (unit, on_gov), n in counts.items():
        if unit is None:
            continue
        if on_gov:
            gov[unit] = n
        else:
            ent[unit] = n - counts.get((unit, True), 0)
    total_gov = counts.get((None, True), 0)
    total_ent = counts.get((None, False), 0) - total_gov
    return (
        ({u: n for u, n in ent.items() if n}, total_ent),
        ({u: n for u, n in gov.items() if n}, total_gov),
    )


def _inspection_problems(insp: QuerySet[Any], gov: QuerySet[Any]) -> dict[tuple[Any, bool], int]:
    """The counted problems of the inspections ``insp`` — and of ``gov``, those of them of a
    government unit — by inspector: ``{(inspector, of government only): n}``. The links
    (problem ↔ inspection) are joined ONCE to the inspections; those of a problem that does not
    count (withdrawn) are left out by an anti-join on the few such problems."""
    _, prob = c.inspection_models()  # type: ignore[misc]
    link = prob._meta.get_field(c.PROBLEM_INSPECTION).through
    to_insp = next(f for f in link._meta.fields if f.related_model is insp.model)
    to_prob = next(f for f in link._meta.fields if f.related_model is prob)
    w_sql, w_params = c.problems_not_counted().order_by().values(_w=F("pk")).query.sql_with_params()
    q = connection.ops.quote_name
    sql, params = [], []
    for flag, qs in ((0, insp), (1, gov)):
        try:
            i_sql, i_params = qs.values(
                _i=F("pk"), _a=F(c.INSPECTION_ACTOR)
            ).query.sql_with_params()
        except EmptyResultSet:  # no government unit at all
            continue
        # only ORM-compiled SQL, table and column names are pasted; every value is a parameter
        sql.append(
            f'SELECT i."_a", {flag}, COUNT(*) FROM {q(link._meta.db_table)} l '  # noqa: S608
            f'INNER JOIN ({i_sql}) i ON i."_i" = l.{q(to_insp.column)} '
            f'WHERE NOT EXISTS (SELECT 1 FROM ({w_sql}) w WHERE w."_w" = l.{q(to_prob.column)}) '
            "GROUP BY 1"
        )
        params += [*i_params, *w_params]
    as_pk = Organization._meta.pk.to_python  # type: ignore[union-attr]  # SQLite: hex text
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        return {(as_pk(unit), bool(flag)): n for unit, flag, n in cursor.fetchall()}


def _enforcement(period: Period, roots: Roots, out: Result, scope: Scope | None) -> None:
    """Columns 14–15 in two queries: published batches by publisher (a batch has one publisher,
    so the city total is the sum), and the distinct enterprises exposed by each top-level
    publisher (its sub-units' batches with its own) and over the whole city."""
    from anbiao.enforcement.models import ExposureBatch

    batches = c._batches(period).filter(_act(scope, "department"))
    a14 = _Acc(roots)
    for unit, n in batches.order_by().values_list("department").annotate(n=Count("pk")):
        a14.government(unit, n)
    exposed = ExposureBatch.cases.through.objects.filter(
        exposurebatch__in=batches.values("pk")
    ).order_by()
    enterprises = Count("enforcementcase__enterprise", distinct=True)
    arms = exposed.values(_u=_NONE).annotate(n=enterprises).values_list("_u", "n")
    if scope is None:  # the city table: also each top-level publisher's
        arms = arms.union(
            exposed.values(_u=roots.expr("exposurebatch__department"))
            .annotate(n=enterprises)
            .values_list("_u", "n"),
            all=True,
        ).order_by()
    by_unit = dict(arms)
    n15 = by_unit.pop(None, 0)
    out[14], out[15] = a14.result(), ({u: n for u, n in by_unit.items() if n}, n15)


def consolidated(
    period: Period, roots: Roots, avail: Availability, scope: Scope | None = None
) -> Result:
    """Every available column: the number per top-level unit, and the city-wide total.

    With ``scope`` (one reporting unit), only the records that unit counts are read (each query
    filtered first by the unit's stamped scope, itself and its sub-units), and the "city-wide
    total" is that unit's number: this is one unit's table in the same few queries.
    """
    out: Result = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # a reporting read over ~10^5 rows: hash its joins and groups in memory instead of
            # spilling sorts to disk (default work_mem 4MB), and do not pay JIT compilation nor
            # the start of parallel workers (each query reads its index range in a few ms)
            settings = {"work_mem": "64MB", "jit": "off", "max_parallel_workers_per_gather": "0"}
            if scope is None or scope.is_city:
                # the whole city's look-backs and reports are read from their (department, town,
                # …) index in that order and aggregated pair by pair: PostgreSQL would rather
                # hash the pairs (16-byte keys), which costs it twice as much
                settings["enable_hashagg"] = "off"
            _planner(**settings)
        _owner_columns(period, roots, avail, out, scope)
        if avail.ok[7]:
            _inspections(period, roots, out, scope)
        if avail.ok[14]:
            _enforcement(period, roots, out, scope)
    return out


def _planner(**settings: str) -> None:
    """Set PostgreSQL's planner settings for the rest of this transaction, in one statement."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            calls = ", ".join("set_config(%s, %s, true)" for _ in settings)
            cursor.execute(f"SELECT {calls}", [v for kv in settings.items() for v in kv])


def _act(scope: Scope | None, path: str) -> Q:
    return Q() if scope is None else c.actor_q(scope, path)
