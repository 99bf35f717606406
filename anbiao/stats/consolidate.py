"""The consolidated city table in a fixed number of GROUP BY queries.

"Owner" columns (1–6, 11–13) are grouped once by (primary department, town) for enterprises'
records and by organization for government units' records. Every enterprise has exactly one
(department, town) pair, so:

* a department's row is the sum over the pairs of its department (and its sub-units), plus the
  records of itself and its sub-units;
* a town's row likewise over the pairs of its town;
* the city-wide total is the sum over ALL pairs and government units — every enterprise once.

"Actor" columns (7–10, 14–15) are grouped by the acting unit's top-level unit; their city-wide
total ("distinct enterprises inspected / exposed") is one more COUNT over the whole city, since
an enterprise may be inspected or exposed by several units.

The number of queries depends on neither the number of units nor of enterprises.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, QuerySet

from anbiao.orgs.models import OrgKind
from anbiao.stats import columns as c
from anbiao.stats.columns import Availability, Period, Roots, Scope

Result = dict[int, tuple[dict[Any, int], int]]  # column → ({top-level unit: n}, city total)


def _owner(
    qs: QuerySet[Any], path: str, aggregates: dict[str, Any], extra: Iterable[str] = ()
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two queries: enterprises' records by (department, town), government units' by unit."""
    pre = f"{path}__" if path else ""
    kind = f"{pre}kind"
    ent = (
        qs.filter(**{kind: OrgKind.ENTERPRISE})
        .values(*extra, _d=F(f"{pre}enterprise__department"), _t=F(f"{pre}enterprise__town"))
        .annotate(**aggregates)
        .order_by()
    )
    gov = (
        qs.exclude(**{kind: OrgKind.ENTERPRISE})
        .values(*extra, _g=F(path or "pk"))
        .annotate(**aggregates)
        .order_by()
    )
    return list(ent), list(gov)


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


def _lookbacks(period: Period, roots: Roots, out: Result) -> None:
    """Columns 1–4 in three queries: enterprises (a semi-join, so each enterprise once however
    many look-backs it has), government units, and problem lines by (department, town)."""
    from anbiao.checklists.models import ProblemLine
    from anbiao.orgs.models import Enterprise

    acc = {n: _Acc(roots) for n in (1, 2, 3, 4)}
    counted = c._lookbacks(period)
    ents = (
        Enterprise.objects.filter(organization__in=counted.values("organization"))
        .values("department", "town")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in ents:
        acc[1].enterprise(r["department"], r["town"], r["n"])
    govs = (
        counted.exclude(organization__kind=OrgKind.ENTERPRISE)
        .values("organization")
        .annotate(orgs=Count("organization", distinct=True), lines=Count("answers__problems"))
        .order_by()
    )
    for r in govs:
        acc[2].government(r["organization"], r["orgs"])
        acc[4].government(r["organization"], r["lines"])
    lines = (
        ProblemLine.objects.filter(
            answer__checklist__in=counted.values("pk"),
            answer__checklist__organization__kind=OrgKind.ENTERPRISE,
        )
        .values(
            _d=F("answer__checklist__organization__enterprise__department"),
            _t=F("answer__checklist__organization__enterprise__town"),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in lines:
        acc[3].enterprise(r["_d"], r["_t"], r["n"])
    out.update({n: a.result() for n, a in acc.items()})


def _reports(period: Period, roots: Roots, out: Result) -> None:
    acc5, acc6 = _Acc(roots), _Acc(roots)
    fn = c._report_source()
    ent, gov = _owner(
        fn(start=period.start, end=period.end),  # type: ignore[misc]
        "organization",
        {"n": Count("pk")},
    )
    for r in ent:
        acc5.enterprise(r["_d"], r["_t"], r["n"])
    for r in gov:
        acc6.government(r["_g"], r["n"])
    out[5], out[6] = acc5.result(), acc6.result()


def _records(period: Period, roots: Roots, out: Result) -> None:
    from anbiao.records.models import Record

    acc = {n: _Acc(roots) for n in (11, 12, 13)}
    qs = Record.objects.counted().in_period(period.start, period.end)
    ent, gov = _owner(qs, "organization", {"n": Count("pk")}, extra=("kind",))
    for r in ent:
        acc[11 if r["kind"] == "experience" else 13].enterprise(r["_d"], r["_t"], r["n"])
    for r in gov:
        acc[12 if r["kind"] == "experience" else 13].government(r["_g"], r["n"])
    out.update({n: a.result() for n, a in acc.items()})


def _actor(no: int, grouped: dict[Any, int], roots: Roots, period: Period, out: Result) -> None:
    by_unit = {}
    for unit, n in grouped.items():
        root = roots.root_of.get(unit, unit)
        by_unit[root] = by_unit.get(root, 0) + n
    city = roots.city or c.Organization(kind=OrgKind.CITY, name="全市")
    total = c.COLUMN_BY_NO[no].records(Scope(unit=city, unit_ids=frozenset()), period).count()
    out[no] = (by_unit, total)


def consolidated(period: Period, roots: Roots, avail: Availability) -> Result:
    """Every available column: the number per top-level unit, and the city-wide total."""
    out: Result = {}
    if avail.ok[1]:
        _lookbacks(period, roots, out)
    if avail.ok[5]:
        _reports(period, roots, out)
    if avail.ok[11]:
        _records(period, roots, out)
    if avail.ok[7]:
        # roots.expr maps sub-units to their top-level unit inside SQL, so "distinct" holds
        # across a unit's sub-units too.
        _actor(7, c.c07_grouped(period, roots), roots, period, out)
        _actor(8, c.c08_grouped(period, roots), roots, period, out)
        _actor(9, c.c09_grouped(period, roots), roots, period, out)
        _actor(10, c.c10_grouped(period, roots), roots, period, out)
    if avail.ok[14]:
        _actor(14, c.c14_grouped(period, roots), roots, period, out)
        _actor(15, c.c15_grouped(period, roots), roots, period, out)
    return out
