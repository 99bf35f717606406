"""附件3 computed from the column definitions (:mod:`anbiao.stats.columns`) in plain GROUP BY
queries: two or three per source, whatever the number of units and enterprises.

For each source, the measures of all the columns that read it are computed together:

* **owned rows** (look-backs, reports, experiences, mechanisms): each is read from the day tally
  the database keeps of it (``stats.DayTally``, ADR 0015) in one query — the stamped rows
  (ADR 0011) one group per unit of the department axis and of the town axis, the rows without a
  stamp one group per organization. Where the tally does not answer a period exactly (look-backs
  of two campaigns), one query groups the stamped rows by their (primary department, town) pair,
  read from the plain stamped columns, and a second groups the rows without a stamp by
  organization. In Python
  each pair adds to its department's row and its town's row (a sub-unit to its top-level
  unit's), a government unit adds to its own top-level unit's row, and an enterprise's rows
  without a stamp are placed through the registry (one more query, only when there are such
  rows). Every enterprise is in exactly one pair, so the city-wide total is the sum of the
  groups: each enterprise once.
* **work done** (inspections, their problems, exposure batches) is grouped by the top-level
  acting unit (``Roots.expr``: sub-units mapped to their unit inside the query, so that
  "distinct" holds across a unit's sub-units) and, where the columns split it, by whether the
  work was about a government unit (one grouping key, not one filter per column). The
  city-wide total is a second query over all rows: an enterprise inspected or exposed by two
  units counts once.
* a source that is normally empty (the look-backs without a frozen count) is first probed
  through its partial index; when the period has none of its rows, it is not queried.

One unit's table runs the same queries filtered first by the unit (its stamped rows and those
without a stamp; the work of itself and its sub-units) and reads only the total.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Sum

from anbiao.orgs.models import Organization
from anbiao.orgs.scope import (
    DEPARTMENT_AXIS,
    GOV_KINDS,
    ORGANIZATION_AXIS,
    Roots,
    Scope,
    acted_q,
    counts_placed,
    stamp_refs,
    stamped_q,
    supervisors_of,
    tallied_q,
    unstamped_q,
)
from anbiao.stats.columns import (
    BOTH,
    COLUMNS,
    ENTERPRISE,
    GOVERNMENT,
    Column,
    Measure,
    Period,
    Source,
    sources,
)

Result = dict[int, tuple[dict[Any, int], int]]  # column → ({top-level unit: n}, total)


def compute(period: Period, roots: Roots, scope: Scope | None = None) -> Result:
    """Every column: the number per top-level unit and the city-wide total; with ``scope``
    (one reporting unit), the "total" is that unit's number (and the per-unit part is empty)."""
    counts = {c.no: _Count() for c in COLUMNS}
    # the government units, as one subquery built once per call (the work sources split by it)
    governments = Organization.objects.filter(kind__in=GOV_KINDS).values("pk")
    for source, uses in _by_source().items():
        if source.present is not None and not source.present(period):
            continue  # none of its rows in the period: it adds 0 to every column
        if source.owner:
            _owned(source, uses, period, roots, scope, counts)
        else:
            _acted(source, uses, period, roots, scope, counts, governments)
    return {no: c.result() for no, c in counts.items()}


Use = tuple[Column, Measure]  # a column counting a measure over a source's rows


def _by_source() -> dict[Source, list[Use]]:
    out: dict[Source, list[Use]] = {}
    for col in COLUMNS:
        for source, measure in col.counts:
            out.setdefault(source, []).append((col, measure))
    return out


class _Count:
    """One column's numbers: per top-level unit, and the total.

    Units are keyed by the integer of their UUID while adding (a few thousand groups per
    table: hashing a ``uuid.UUID`` runs in Python, an ``int`` in C)."""

    def __init__(self) -> None:
        self.by_unit: dict[int, int] = {}
        self.total = 0

    def add(self, roots: tuple[int, ...], n: int, *, in_total: bool = True) -> None:
        """``n`` for each of these top-level units and (unless not ``in_total``) once for the
        total."""
        by_unit = self.by_unit
        for root in roots:
            by_unit[root] = by_unit.get(root, 0) + n
        if in_total:
            self.total += n

    def add_counted(self, by_unit: dict[Any, int], total: int) -> None:
        """Numbers per top-level unit and a total counted apart (distinct across units)."""
        for unit, n in by_unit.items():
            self.by_unit[unit.int] = self.by_unit.get(unit.int, 0) + n
        self.total += total

    def result(self) -> tuple[dict[Any, int], int]:
        return {uuid.UUID(int=u): n for u, n in self.by_unit.items() if n}, self.total


def _names(uses: list[Use]) -> dict[Measure, str]:
    """The measures of a source's columns (two columns may share one), each with a name."""
    names: dict[Measure, str] = {}
    for _, measure in uses:
        names.setdefault(measure, f"m{len(names)}")
    return names


# --- owned rows --------------------------------------------------------------------------------


def _owned(
    source: Source,
    uses: list[Use],
    period: Period,
    roots: Roots,
    scope: Scope | None,
    counts: dict[int, _Count],
) -> None:
    rows: QuerySet[Any] = source.rows(period).order_by()
    stamp = source.stamped
    names = _names(uses)
    aggregates = {name: m.aggregate() for m, name in names.items()}

    # (column's numbers, its measure's name) for the rows of an enterprise, of a government unit
    takes = {
        of: [(counts[col.no], names[m]) for col, m in uses if col.of in (of, BOTH)]
        for of in (ENTERPRISE, GOVERNMENT)
    }
    root_of = roots.root_ints

    def add(
        of: str, units: Iterable[Any], values: Mapping[str, Any], in_total: bool = True
    ) -> None:
        """The group's values to the rows of its units' top-level units (and to the total)."""
        tops = tuple(root_of.get(u.int, u.int) for u in units if u is not None)
        for count, name in takes[of]:
            count.add(tops, values[name] or 0, in_total=in_total)

    tallied = _tallied(source, names, period, scope)
    unstamped: list[dict[str, Any]] = []  # groups of rows without a stamp, by organization
    if tallied is not None:
        # from the day tally: the stamped rows one group per unit of the department axis (each
        # row once: in the total) and of the town axis; the others by organization
        unit_only = scope is not None and not scope.is_city
        for t in tallied:
            if t["_a"] == ORGANIZATION_AXIS:
                unstamped.append({**t, "_g": t["_u"]})
            else:
                add(ENTERPRISE, (t["_u"],), t, unit_only or t["_a"] == DEPARTMENT_AXIS)
    else:
        # stamped rows: one group per (department, town) pair, read from the plain columns
        dept, town = stamp_refs(stamp)
        stamped = rows.exclude(unstamped_q(stamp))
        if scope is not None and not scope.is_city:  # only the unit's own pairs
            stamped = stamped.filter(stamped_q(scope, stamp))
        for g in stamped.values(_d=dept, _t=town).annotate(**aggregates):
            add(ENTERPRISE, (g["_d"], g["_t"]), g)
        unstamped = list(
            rows.filter(unstamped_q(stamp)).values(_g=F(source.owner)).annotate(**aggregates)
        )
    # rows without a stamp (a government unit's, or an enterprise's written without the
    # services): one group per owning organization
    unplaced: list[dict[str, Any]] = []
    for g in unstamped:
        if g["_g"] not in roots.root_of:  # an enterprise's rows without the stamp
            unplaced.append(g)
        elif scope is None or scope.is_city or g["_g"] in scope.unit_ids:
            add(GOVERNMENT, (g["_g"],), g)
    if unplaced:
        pairs = supervisors_of({g["_g"] for g in unplaced})
        for g in unplaced:
            dept_id, town_id = pairs.get(g["_g"], (None, None))
            # an organization with no registry entry counts in the city-wide total only
            if scope is None or counts_placed(scope, dept_id, town_id):
                add(ENTERPRISE, (dept_id, town_id), g)


def _tallied(
    source: Source, names: dict[Measure, str], period: Period, scope: Scope | None
) -> list[dict[str, Any]] | None:
    """The numbers of the source's rows from the day tally (ADR 0015), one group per axis, unit
    and campaign; ``None`` when they are to be read from the rows: a measure the tally
    does not hold, or a period the tally does not answer exactly (``Source.tally_exact``)."""
    if not source.tally or not all(m.tallied for m in names):
        return None
    tally = sources.tallied(source.tally, period)
    if scope is not None:
        tally = tally.filter(tallied_q(scope))
    sums = {name: Sum(m.tallied) for m, name in names.items()}
    groups = [
        dict(g) for g in tally.values(_a=F("axis"), _u=F("unit"), _c=F("campaign")).annotate(**sums)
    ]
    if source.tally_exact is not None:
        campaigns = {g["_c"] for g in groups if any(g[name] for name in sums)}
        if not source.tally_exact(campaigns):
            return None
    return groups


# --- work done ---------------------------------------------------------------------------------


def _about(source: Source, governments: QuerySet[Any]) -> dict[str, Any]:
    """The grouping key that splits work about an enterprise from work about a government unit
    (true: about one of the few government units, looked up by their kind's index rather than
    by joining every organization); none when the source is not split."""
    if not source.about:
        return {}
    about = Q(**{f"{source.about}__in": governments})
    return {"_gov": ExpressionWrapper(about, output_field=BooleanField())}


def _counts_for(of: str, group: dict[str, Any]) -> bool:
    """Whether a group of rows counts in a column of ``of`` (a group not split counts in all)."""
    if of == BOTH or "_gov" not in group:
        return True
    return group["_gov"] is (of == GOVERNMENT)  # NULL (no target): in neither


def _acted(
    source: Source,
    uses: list[Use],
    period: Period,
    roots: Roots,
    scope: Scope | None,
    counts: dict[int, _Count],
    governments: QuerySet[Any],
) -> None:
    rows: QuerySet[Any] = source.rows(period).order_by()
    if scope is not None:
        rows = rows.filter(acted_q(scope, source.actor))
    names = _names(uses)
    aggregates = {name: m.aggregate() for m, name in names.items()}
    about = _about(source, governments)

    def totals() -> dict[str, int]:
        """Each column's number over all these rows at once (what two units both did, once)."""
        groups = (
            rows.values(**about).annotate(**aggregates) if about else [rows.aggregate(**aggregates)]
        )
        out = {col.code: 0 for col, _ in uses}
        for g in groups:
            for col, m in uses:
                if _counts_for(col.of, g):
                    out[col.code] += g[names[m]] or 0
        return out

    if scope is not None:  # one unit's table: its number only
        unit = totals()
        for col, _ in uses:
            counts[col.no].add_counted({}, unit[col.code])
        return
    by_unit: dict[str, dict[Any, int]] = {col.code: {} for col, _ in uses}
    for g in rows.values(_u=roots.expr(source.actor), **about).annotate(**aggregates):
        for col, m in uses:
            if g[names[m]] and _counts_for(col.of, g):
                units = by_unit[col.code]
                units[g["_u"]] = units.get(g["_u"], 0) + g[names[m]]
    if any(measure.distinct for _, measure in uses):
        city = totals()  # the whole city at once: what two units both did counts once
    else:  # each row is one unit's work: the total is the sum
        city = {code: sum(units.values()) for code, units in by_unit.items()}
    for col, _ in uses:
        counts[col.no].add_counted(by_unit[col.code], city[col.code])
