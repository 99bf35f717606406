"""The consolidated city table — and one unit's table — in a fixed number of queries.

"Owner" columns (1–6, 11–13): the counted look-backs (with the problem count each froze on
submission), the finalized reports and the counted records carry the (primary department, town)
of their enterprise (:mod:`anbiao.orgs.scope`) and are grouped on their own table by that pair —
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

* look-backs and reports: ``*_stats_dept_idx`` (department, town, date[, count]) — the city table
  reads it in (department, town) order and aggregates without hashing, a department's table
  reads its range; ``*_stats_town_idx`` for a town's table (migrations ``stats/0002``–``0004``);
* inspections: ``inspection_stats_actor_idx`` (inspector, target, date) — distinct targets per
  inspector in index order; ``inspection_stats_target_idx`` (target, date) — distinct targets
  over the city in index order.

The SQL of a table depends only on its inputs (period, unit, the government units, which
sources exist), never on the data: it is compiled from the sources' querysets once per inputs
and process (:func:`_statements`). On PostgreSQL its values are written into it as literals, so
that a statement run again on the same connection is planned once (prepared by psycopg, see
docs/adr/0003) while still planned with its values — the partial indexes' conditions are values.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    UUIDField,
    Value,
    When,
)
from django.utils import timezone

from anbiao.orgs.models import Organization
from anbiao.orgs.scope import (
    counts_placed,
    stamp_refs,
    stamped_q,
    supervisors_of,
    unstamped_q,
)
from anbiao.stats import columns as c
from anbiao.stats.columns import Availability, Period, Roots, Scope

Result = dict[int, tuple[dict[Any, int], int]]  # column → ({top-level unit: n}, city total)

# NULL as an organization id; not grouped by, so that a UNION types it from its other arm
_NONE = Value(None, output_field=UUIDField())
UNSTAMPED = unstamped_q()
_DEPT, _TOWN = stamp_refs()

LOOKBACK_AGGREGATES = {"_c": Count("*"), "_n": Sum("problem_count")}


class _Acc:
    """Adds counts to the rows of top-level units and to the city total.

    Units are keyed by the integer of their UUID while adding (hashing a ``uuid.UUID`` runs in
    Python, an ``int`` in C: a few thousand rows per table)."""

    __slots__ = ("by_unit", "root_of", "total")

    def __init__(self, roots: Roots) -> None:
        self.root_of = roots.root_ints
        self.by_unit: dict[int, int] = {}
        self.total = 0

    def enterprise(self, dept: uuid.UUID | None, town: uuid.UUID | None, n: int) -> None:
        by_unit, root_of = self.by_unit, self.root_of
        if dept is not None:
            key = dept.int
            root = root_of.get(key, key)
            by_unit[root] = by_unit.get(root, 0) + n
        if town is not None:
            key = town.int
            root = root_of.get(key, key)
            by_unit[root] = by_unit.get(root, 0) + n
        self.total += n

    def government(self, unit: uuid.UUID | None, n: int) -> None:
        if unit is not None:
            key = unit.int
            root = self.root_of.get(key, key)
            self.by_unit[root] = self.by_unit.get(root, 0) + n
        self.total += n

    def result(self) -> tuple[dict[Any, int], int]:
        return {uuid.UUID(int=k): n for k, n in self.by_unit.items()}, self.total


# --- the statements --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stmt:
    part: str  # which part of the table it reads ("" — a planner setting)
    sql: str
    params: tuple[Any, ...]


_STATEMENTS: dict[tuple[Any, ...], tuple[_Stmt, ...]] = {}
_STATEMENTS_KEPT = 64
_STATEMENTS_LOCK = threading.Lock()


def _statements(
    period: Period, roots: Roots, avail: Availability, scope: Scope | None
) -> tuple[_Stmt, ...]:
    """The statements of one table, compiled once per inputs (everything the SQL depends on
    is in the key; the data is not)."""
    key = (
        connection.alias,
        connection.vendor,
        period.start,
        period.end,
        timezone.get_current_timezone_name(),
        None if scope is None else (scope.unit.pk, scope.kind, scope.unit_ids),
        tuple(roots.root_of.items()),
        tuple(sorted(avail.ok.items())),
    )
    found = _STATEMENTS.get(key)
    if found is None:
        found = _compile(period, roots, avail, scope)
        with _STATEMENTS_LOCK:
            while len(_STATEMENTS) >= _STATEMENTS_KEPT:
                _STATEMENTS.pop(next(iter(_STATEMENTS)))
            _STATEMENTS[key] = found
    return found


def _sql(qs: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    return sql, tuple(params)


def _compile(
    period: Period, roots: Roots, avail: Availability, scope: Scope | None
) -> tuple[_Stmt, ...]:
    """The table's statements in the order they run, from the sources' querysets: the owner
    columns' (look-backs, reports, records), the inspections' and the enforcement's."""
    pg = connection.vendor == "postgresql"
    city = scope is None or scope.is_city
    out: list[_Stmt] = []
    if pg:
        # a reporting read over ~10^5 rows: hash its joins and groups in memory instead of
        # spilling sorts to disk (default work_mem 4MB), and do not pay JIT compilation nor the
        # start of parallel workers (each query reads its index range in a few ms)
        settings = {"work_mem": "64MB", "jit": "off", "max_parallel_workers_per_gather": "0"}
        if city:
            # the whole city's look-backs and reports are read from their (department, town,
            # …) index in that order and aggregated pair by pair, the distinct targets of the
            # inspections in the order of their indexes: PostgreSQL would rather hash the
            # pairs or the targets (16-byte keys), which costs it up to twice as much
            settings["enable_hashagg"] = "off"
        out.append(_settings(settings))
    if avail.ok[1]:
        out.append(_lookback_checks(period))
        out.append(_Stmt("looks", *_by_scope(c._lookbacks(period), scope, LOOKBACK_AGGREGATES)))
    if avail.ok[5]:
        fn = c._report_source()
        reports = fn(start=period.start, end=period.end)  # type: ignore[misc]
        out.append(_Stmt("reports", *_by_scope(reports, scope, {"_c": Count("*")})))
    inspections = _inspection_statements(period, roots, scope) if avail.ok[7] else []
    out += inspections[:1]  # the distinct targets
    if pg and city:
        out.append(_settings({"enable_hashagg": "on"}))
    if avail.ok[11]:
        from anbiao.records.models import Record

        recs = Record.objects.counted().in_period(period.start, period.end)
        out.append(_Stmt("records", *_by_scope(recs, scope, {"_c": Count("*")}, _k=F("kind"))))
    if avail.ok[14]:
        out += _enforcement_statements(period, roots, scope)
    if inspections:  # the problems, last
        if pg and city:
            # the city's counted inspections in the order of their id (an index) merged with the
            # problem links in the order of theirs: cheaper than hashing either
            out.append(_settings({"enable_hashjoin": "off"}))
        out += inspections[1:]
    if pg:  # values as literals: see the module's docstring
        out = [
            # compose_sql is PostgreSQL's DatabaseOperations' own (not in the base class's stub)
            _Stmt(s.part, connection.ops.compose_sql(s.sql, s.params), ())  # type: ignore[attr-defined]
            if s.params
            else s
            for s in out
        ]
    return tuple(out)


def _settings(settings: dict[str, str]) -> _Stmt:
    """PostgreSQL's planner settings for the rest of the transaction, in one statement."""
    calls = ", ".join("set_config(%s, %s, true)" for _ in settings)
    return _Stmt("", f"SELECT {calls}", tuple(v for kv in settings.items() for v in kv))


def _stamped_in(scope: Scope | None) -> Q:
    """The unit's stamped rows: whose department (or town) is the unit or one of its sub-units
    (the city: every row)."""
    return Q() if scope is None else stamped_q(scope)


def _by_scope(
    qs: QuerySet[Any], scope: Scope | None, aggregates: dict[str, Any], **keys: Any
) -> tuple[str, tuple[Any, ...]]:
    """``qs`` grouped in ONE query: ``(department, town, NULL, *keys, *aggregates)`` per stamped
    pair (of the unit; for the city every row, the unstamped ones in a (NULL, NULL) pair that
    the reader skips), and ``(NULL, NULL, organization, *keys, *aggregates)`` per organization
    for every row without a stamp (placed in Python)."""
    qs = qs.order_by()
    names = ["_d", "_t", "_g", *keys, *aggregates]
    stamped = (
        qs.filter(_stamped_in(scope))
        .values(_d=_DEPT, _t=_TOWN, _g=_NONE, **keys)
        .annotate(**aggregates)
        .values_list(*names)
    )
    unstamped = (
        qs.filter(UNSTAMPED)
        .values(_d=_NONE, _t=_NONE, _g=F("organization"), **keys)
        .annotate(**aggregates)
        .values_list(*names)
    )
    return _sql(stamped.union(unstamped, all=True).order_by())


def _lookback_checks(period: Period) -> _Stmt:
    """What the look-backs' grouped sums rely on, over the whole city (a unit's look-backs are
    among them): rows ``("c", campaign)`` for each campaign with counted look-backs in the
    period, ``("n", NULL)`` if some have no campaign, ``("u", NULL)`` if some have no frozen
    problem count. Each one seek in a small partial index (migration ``stats/0003``)."""
    looks = c._lookbacks(period).order_by()
    campaign = looks.model._meta.get_field("campaign").related_model
    present = campaign.objects.filter(Exists(looks.filter(campaign=OuterRef("pk")))).order_by()
    arms = [
        _sql(present.values(_k=F("pk"))),
        _sql(looks.filter(campaign__isnull=True).values("pk")),
        _sql(looks.filter(problem_count__isnull=True).values("pk")),
    ]
    (campaigns, _), (no_campaign, _), (unfrozen, _) = arms
    # only ORM-compiled SQL and constants are pasted; every value is a parameter
    sql = (
        f"SELECT 'c', x.\"_k\" FROM ({campaigns}) x "  # noqa: S608
        f"UNION ALL SELECT 'n', NULL WHERE EXISTS ({no_campaign}) "
        f"UNION ALL SELECT 'u', NULL WHERE EXISTS ({unfrozen})"
    )
    return _Stmt("looks_checks", sql, tuple(p for a in arms for p in a[1]))


def _inspection_statements(period: Period, roots: Roots, scope: Scope | None) -> list[_Stmt]:
    """Columns 7–10 in two statements: the distinct targets of the counted inspections by
    top-level inspector and over the whole city (rows ``(unit or NULL, of government targets
    only, n)``), and their counted problems by inspector (``(inspector, of government targets
    only, n)``). See :func:`_inspections`."""
    actor, target = c.INSPECTION_ACTOR, c.INSPECTION_TARGET
    insp = c._inspections(period).filter(_act(scope, actor)).order_by()
    gov = insp.filter(**{f"{target}__in": list(roots.root_of)})
    # (top-level inspector, or None: the whole city; inspections; of government targets only)
    arms: list[tuple[Any, QuerySet[Any], int]] = [(None, insp, 0), (None, gov, 1)]
    if scope is None:
        # inspectors without sub-units are grouped as they are, in the order of the index on
        # (inspector, target); the units with sub-units (few) through their top-level unit
        family = roots.with_sub_units()
        alone = insp.exclude(**{f"{actor}__in": family}) if family else insp
        arms.append((F(actor), alone, 0))
        if family:
            arms.append((roots.expr(actor), insp.filter(**{f"{actor}__in": family}), 0))
        arms.append((roots.expr(actor), gov, 1))
    null_id = f"CAST(NULL AS {UUIDField().db_type(connection)})"  # typed for the UNION
    sql: list[str] = []
    params: list[Any] = []
    for unit, qs, of_gov in arms:
        try:
            sub, sub_params = _sql(
                qs.values(_t=F(target)) if unit is None else qs.values(_u=unit, _t=F(target))
            )
        except EmptyResultSet:  # no government unit at all
            continue
        if unit is None:  # the distinct targets, grouped in the order of the (target) index
            sql.append(
                f'SELECT {null_id}, {of_gov}, COUNT(*) FROM (SELECT x."_t" FROM ({sub}) x '  # noqa: S608
                'GROUP BY x."_t") y'
            )
        else:
            sql.append(
                f'SELECT x."_u", {of_gov}, COUNT(DISTINCT x."_t") FROM ({sub}) x '  # noqa: S608
                'GROUP BY x."_u"'
            )
        params += sub_params
    targets = _Stmt("targets", " UNION ALL ".join(sql), tuple(params))
    return [targets, _inspection_problems(insp, gov)]


def _inspection_problems(insp: QuerySet[Any], gov: QuerySet[Any]) -> _Stmt:
    """The problems of the inspections ``insp`` — and of ``gov``, those of them of a government
    unit — by inspector: rows ``(inspector, of government targets only, withdrawn, n)``. All the
    links (problem ↔ inspection) joined ONCE to the inspections, and apart the links of the few
    problems that do not count (withdrawn): the counted ones are the difference."""
    _, prob = c.inspection_pair()
    link = prob._meta.get_field(c.PROBLEM_INSPECTION).through
    to_insp = _q(next(f for f in link._meta.fields if f.related_model is insp.model).column)
    to_prob = _q(next(f for f in link._meta.fields if f.related_model is prob).column)
    w_sql, w_params = _sql(c.problems_not_counted().order_by().values(_w=F("pk")))
    links = _q(link._meta.db_table)
    sql: list[str] = []
    params: list[Any] = []
    for of_gov, qs in ((0, insp), (1, gov)):
        try:
            i_sql, i_params = _sql(qs.values(_i=F("pk"), _a=F(c.INSPECTION_ACTOR)))
        except EmptyResultSet:  # no government unit at all
            continue
        # only ORM-compiled SQL, table and column names are pasted; every value is a parameter
        sql.append(
            f'SELECT i."_a", {of_gov}, 0, COUNT(*) FROM {links} l '  # noqa: S608
            f'INNER JOIN ({i_sql}) i ON i."_i" = l.{to_insp} GROUP BY 1'
        )
        sql.append(
            f'SELECT i."_a", {of_gov}, 1, COUNT(*) FROM ({w_sql}) w '  # noqa: S608
            f'INNER JOIN {links} l ON l.{to_prob} = w."_w" '
            f'INNER JOIN ({i_sql}) i ON i."_i" = l.{to_insp} GROUP BY 1'
        )
        params += [*i_params, *w_params, *i_params]
    return _Stmt("problems", " UNION ALL ".join(sql), tuple(params))


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _enforcement_statements(period: Period, roots: Roots, scope: Scope | None) -> list[_Stmt]:
    """Columns 14–15: published batches by publisher, and the distinct enterprises exposed in
    them over the whole city and (the city table) by top-level publisher."""
    from anbiao.enforcement.models import ExposureBatch

    batches = c._batches(period).filter(_act(scope, "department")).order_by()
    by_publisher = batches.values_list("department").annotate(n=Count("pk"))
    exposed = ExposureBatch.cases.through.objects.filter(
        exposurebatch__in=batches.values("pk")
    ).order_by()
    enterprise = F("enforcementcase__enterprise")
    arms: list[tuple[str | None, QuerySet[Any]]] = [(None, exposed.values(_e=enterprise))]
    if scope is None:
        unit = roots.expr("exposurebatch__department")
        arms.append(("_u", exposed.values(_u=unit, _e=enterprise)))
    sql: list[str] = []
    params: list[Any] = []
    for unit, qs in arms:
        sub, sub_params = _sql(qs)
        # COUNT(DISTINCT …) skips a case without an enterprise
        if unit is None:
            sql.append(f'SELECT NULL, COUNT(DISTINCT x."_e") FROM ({sub}) x')  # noqa: S608
        else:
            sql.append(
                f'SELECT x."_u", COUNT(DISTINCT x."_e") FROM ({sub}) x GROUP BY x."_u"'  # noqa: S608
            )
        params += sub_params
    return [
        _Stmt("batches", *_sql(by_publisher)),
        _Stmt("exposed", " UNION ALL ".join(sql), tuple(params)),
    ]


# --- reading the rows ------------------------------------------------------------------------


def consolidated(
    period: Period, roots: Roots, avail: Availability, scope: Scope | None = None
) -> Result:
    """Every available column: the number per top-level unit, and the city-wide total.

    With ``scope`` (one reporting unit), only the records that unit counts are read (each query
    filtered first by the unit's stamped scope, itself and its sub-units), and the "city-wide
    total" is that unit's number: this is one unit's table in the same few queries.
    """
    rows: dict[str, list[tuple[Any, ...]]] = {}
    out: Result = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            for stmt in _statements(period, roots, avail, scope):
                cursor.execute(stmt.sql, stmt.params or None)
                if stmt.part:
                    rows[stmt.part] = cursor.fetchall()
        if connection.vendor != "postgresql":  # SQLite: ids as hex text
            rows = {part: [_ids(part, row) for row in rs] for part, rs in rows.items()}
        _owner_columns(period, roots, avail, scope, rows, out)
        if avail.ok[7]:
            _inspections(roots, rows, out)
        if avail.ok[14]:
            _enforcement(roots, rows, out)
    return out


# the columns of each part's rows that are organization ids
_ID_COLUMNS = {"looks": 3, "reports": 3, "records": 3, "looks_checks": 0}


def _ids(part: str, row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row read from SQLite, with its organization ids (hex text) as UUIDs."""
    as_pk = Organization._meta.pk.to_python
    n = _ID_COLUMNS.get(part, 1)
    return tuple(as_pk(v) for v in row[:n]) + row[n:]


def _owner_columns(
    period: Period,
    roots: Roots,
    avail: Availability,
    scope: Scope | None,
    rows: dict[str, list[tuple[Any, ...]]],
    out: Result,
) -> None:
    """The owner columns (1–6, 11–13) from each source's rows grouped by its stamped (primary
    department, town) pair and, for the rows without a stamp, by organization.

    Each source's rules stay in its own queryset (``_lookbacks``, ``finalized_reports``,
    ``Record.objects.counted()``). An organization is a government unit when it is one of
    ``roots`` (every government unit); any other organization without a registry entry counts,
    like an enterprise, in the city total only. Irregular data costs one more query each, never
    a wrong number: rows of an enterprise written without the stamp are placed through the
    registry; look-backs not all of one campaign are made distinct per organization; look-backs
    without a frozen problem count have their lines counted.
    """
    acc = {n: _Acc(roots) for n in (1, 2, 3, 4, 5, 6, 11, 12, 13)}
    gov_col = {1: 2, 3: 4, 5: 6, 11: 12, 13: 13}
    root_of = roots.root_of
    unit_ids = None if scope is None or scope.is_city else scope.unit_ids
    unstamped: list[tuple[int, Any, int]] = []  # (column, enterprise, n): placed by the registry

    def add(col: int, dept: Any, town: Any, org: Any, n: int) -> None:
        if org is None:  # a stamped (department, town) pair, already the unit's in SQL
            acc[col].enterprise(dept, town, n)
        elif org in root_of:  # a government unit
            if unit_ids is None or org in unit_ids:
                acc[gov_col[col]].government(org, n)
        else:  # an enterprise's row without the stamp
            unstamped.append((col, org, n))

    if avail.ok[1]:
        # (department, town, organization, look-backs counted, their frozen problem lines)
        looks = rows["looks"]
        checks = rows["looks_checks"]
        # one look-back per organization and campaign (a unique constraint): when every counted
        # look-back is of the same campaign, the rows are the organizations; otherwise make them
        # distinct per organization first
        if sum(1 for kind, _ in checks if kind in ("c", "n")) > 1 or ("n", None) in checks:
            per_org = (
                c._lookbacks(period)
                .filter(_own_rows(scope))
                .order_by()
                .values("organization", _d=_DEPT, _t=_TOWN)
                .annotate(_n=Sum("problem_count"))
                .values_list("_d", "_t", "organization", "_n")
            )
            # each organization counts once; all its look-backs' lines count
            looks = [(d, t, g if d is None and t is None else None, 1, n) for d, t, g, n in per_org]
        e1, e3 = acc[1].enterprise, acc[3].enterprise
        for dept, town, org, n, lines in looks:
            if org is None:  # a stamped pair; (NULL, NULL): the city's unstamped rows, listed apart
                if dept is not None or town is not None:
                    e1(dept, town, n)
                    e3(dept, town, lines or 0)
            else:
                add(1, dept, town, org, n)
                add(3, dept, town, org, lines or 0)
        if ("u", None) in checks:  # look-backs marked submitted without the submit service
            _unfrozen_lines(c._lookbacks(period).filter(_own_rows(scope)), add)
    if avail.ok[5]:
        e5 = acc[5].enterprise
        for dept, town, org, n in rows["reports"]:
            if org is None:
                if dept is not None or town is not None:
                    e5(dept, town, n)
            else:
                add(5, dept, town, org, n)
    if avail.ok[11]:
        e11, e13 = acc[11].enterprise, acc[13].enterprise
        for dept, town, org, kind, n in rows["records"]:
            if org is None:
                if dept is not None or town is not None:
                    (e11 if kind == "experience" else e13)(dept, town, n)
            else:
                add(11 if kind == "experience" else 13, dept, town, org, n)
    if unstamped:  # rows of enterprises written without the stamp: placed by the registry
        pairs = supervisors_of({org for _, org, _ in unstamped})
        for col, org, n in unstamped:
            dept, town = pairs.get(org, (None, None))
            if scope is None or counts_placed(scope, dept, town):
                acc[col].enterprise(dept, town, n)
    for src, cols in ((1, (1, 2, 3, 4)), (5, (5, 6)), (11, (11, 12, 13))):
        if avail.ok[src]:
            out.update({n: acc[n].result() for n in cols})


def _own_rows(scope: Scope | None) -> Q:
    """The unit's stamped rows, and every row without a stamp (placed in Python)."""
    return Q() if scope is None or scope.is_city else _stamped_in(scope) | UNSTAMPED


def _unfrozen_lines(looks: QuerySet[Any], add: Any) -> None:
    """Column 3's lines of the counted look-backs without a frozen count, grouped like them."""
    lines = c.unfrozen_lines(looks).order_by()
    checklist = "answer__checklist"
    d_ref, t_ref = stamp_refs(checklist)
    for dept, town, org, n in (
        lines.values(
            _d=d_ref,
            _t=t_ref,
            _g=Case(
                When(unstamped_q(checklist), then=F(f"{checklist}__organization")),
                default=None,
                output_field=UUIDField(),
            ),
        )
        .annotate(n=Count("pk"))
        .values_list("_d", "_t", "_g", "n")
    ):
        add(3, dept, town, org, n)


def _inspections(roots: Roots, rows: dict[str, list[tuple[Any, ...]]], out: Result) -> None:
    """Columns 7–10: the distinct targets of the counted inspections by top-level inspector
    (sub-units mapped to their unit inside SQL, so "distinct" holds across a unit's sub-units)
    and over the whole city (an enterprise inspected by several units counts once), and their
    counted problems by inspector (a problem belongs to one inspection, so the total of problems
    is the sum). One unit's table reads only the unit's inspections and needs its total only.

    Every number is read for ALL targets and for the government targets (one of ``roots``:
    their few inspections through the (target, date) index); the enterprises' number is the
    difference, since a target either is a government unit or is not. So no row is tested for
    the kind of its target."""
    targets: dict[tuple[Any, bool], int] = {}  # (unit or None: the city, of government only) → n
    for unit, of_gov, n in rows["targets"]:
        targets[unit, bool(of_gov)] = targets.get((unit, bool(of_gov)), 0) + n
    ent: dict[Any, int] = {}
    gov: dict[Any, int] = {}
    for (unit, of_gov), n in targets.items():
        if unit is not None and of_gov:
            gov[unit] = n
        elif unit is not None:
            ent[unit] = n - targets.get((unit, True), 0)
    total_gov = targets.get((None, True), 0)
    out[7] = ({u: n for u, n in ent.items() if n}, targets.get((None, False), 0) - total_gov)
    out[9] = ({u: n for u, n in gov.items() if n}, total_gov)
    problems: dict[tuple[Any, bool], int] = {}  # (inspector, of government only) → counted
    for a, of_gov, withdrawn, n in rows["problems"]:
        key = (a, bool(of_gov))
        problems[key] = problems.get(key, 0) + (-n if withdrawn else n)
    a8, a10 = _Acc(roots), _Acc(roots)
    for (unit, of_gov), n in problems.items():
        if of_gov:
            a10.government(unit, n)
        else:
            a8.government(unit, n - problems.get((unit, True), 0))
    out[8], out[10] = a8.result(), a10.result()


def _enforcement(roots: Roots, rows: dict[str, list[tuple[Any, ...]]], out: Result) -> None:
    """Columns 14–15: published batches by publisher (a batch has one publisher, so the city
    total is the sum); the distinct enterprises exposed by each top-level publisher (its
    sub-units' batches with its own) and over the whole city."""
    a14 = _Acc(roots)
    for unit, n in rows["batches"]:
        a14.government(unit, n)
    by_unit = dict(rows["exposed"])
    n15 = by_unit.pop(None, 0)
    out[14], out[15] = a14.result(), ({u: n for u, n in by_unit.items() if n}, n15)


def _act(scope: Scope | None, path: str) -> Q:
    return Q() if scope is None else c.actor_q(scope, path)
