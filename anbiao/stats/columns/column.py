"""The shape of a column definition: which rows it reads, whose they are, what it adds up."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Aggregate, Count, Q, QuerySet, Sum

from anbiao.orgs.scope import Scope
from anbiao.stats.columns.period import Period

# whose rows a column counts: an enterprise's, a government unit's, or both
ENTERPRISE, GOVERNMENT, BOTH = "enterprise", "government", "both"


@dataclass(frozen=True)
class Source:
    """The rows of a period that columns count, and the unit each row counts for.

    * ``owner`` — rows owned by an organization (the path to it): they count for the units whose
      scope has the organization (``anbiao.orgs.scope``: the enterprise's primary department and
      town, a government unit itself and its top-level unit). The row reached by ``stamped``
      ("" — the row itself) carries the stamped scope (ADR 0011), so the table groups them
      without a join to the registry.
    * ``actor`` — work done by a unit (the path to it): it counts for that unit and its
      top-level unit; ``about`` is the path to the organization the work was about, whose kind
      splits the enterprise and the government columns ("" — not split).
    * ``present`` — for a source that is normally empty, a cheap check whether the period has
      any of its rows; when it answers no, the source adds nothing and its queries are not run.
    * ``tally`` — the name under which the database keeps the day tally of the rows
      (``stats.DayTally``, ADR 0015): the table reads their numbers from it when every measure
      of the source is ``tallied`` and ``tally_exact`` (if any), given the campaigns of the
      period's tally, says it answers the period exactly; otherwise from the rows.
    """

    name: str
    rows: Callable[[Period], QuerySet[Any]]
    owner: str = ""
    stamped: str = ""
    actor: str = ""
    about: str = ""
    present: Callable[[Period], bool] | None = None
    tally: str = ""
    tally_exact: Callable[[Collection[Any]], bool] | None = None


@dataclass(frozen=True, eq=False)  # each measure is itself: columns share one by using it
class Measure:
    """What a column adds up over its rows: ``Count(expression)`` — ``distinct``: each value
    once — or, with ``total``, ``Sum(expression)``; ``only`` narrows the rows. ``tallied``: the
    field of the day tally whose sum is the same number over the rows ("" — none)."""

    expression: Any = "pk"
    distinct: bool = False
    total: bool = False
    only: Q = field(default_factory=Q)
    tallied: str = ""

    def aggregate(self) -> Aggregate:
        condition = self.only if self.only else None
        if self.total:
            return Sum(self.expression, filter=condition, default=0)
        # COUNT(*) reads no column (an index alone can answer it) but takes no filter
        expression = "pk" if self.expression == "*" and condition is not None else self.expression
        return Count(expression, distinct=self.distinct, filter=condition)


@dataclass(frozen=True)
class Column:
    """One column of 附件3.

    ``counts`` and ``of`` say what the table counts: the sum of each (source, measure) over the
    rows of an enterprise, of a government unit, or both; ``records(scope, period)`` is the
    queryset of exactly those records for one reporting unit (the drill-down page lists it; the
    property test holds both readings equal); ``rules`` are the lines of the 统计口径 box that
    explain it."""

    no: int
    group: str
    name: str
    counts: tuple[tuple[Source, Measure], ...]
    of: str
    records: Callable[[Scope, Period], QuerySet[Any]]
    list_kind: str  # what the drill-down lists: org, problem_line, report, problem, record, batch
    rules: tuple[str, ...] = ()
    note: str = ""

    @property
    def code(self) -> str:
        return f"c{self.no:02d}"
