"""Validation rules of 附件3: run on submission and on the city table, shown as warnings with a
drill-down. The rules are data — :data:`RULES`, each a comparison ``left ≤ right`` with its
Chinese text — and :func:`check` applies all of them to one row's :class:`Facts`.

The figures checked are the REPORTED ones (a unit's submitted, possibly adjusted numbers; the
live ones where it has not submitted); the bounds come from the records: problems closed
(已销号) and 重大 among the counted inspection problems, the enterprises in the unit's scope,
and the experiences/mechanisms that carry evidence (the live columns 11–13 count only those).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from anbiao.orgs.models import Enterprise, Organization
from anbiao.orgs.scope import Roots, counted_enterprises_q, roots_load
from anbiao.orgs.scope import scope_for as org_scope_for
from anbiao.stats.columns import Period
from anbiao.stats.selectors import column_records, scope_for


def _col(values: list[int | None], *nos: int) -> int | None:
    picked = [values[n - 1] for n in nos]
    if any(v is None for v in picked):
        return None
    return sum(v or 0 for v in picked)


@dataclass
class Facts:
    """One row of the table to check: the reported and live figures, and the unit's scope."""

    unit: Organization
    label: str
    period: Period
    reported: list[int | None]
    live: list[int | None]
    in_scope: int | None  # enterprises in the unit's scope (the city: every enterprise)

    def problems(self) -> dict[str, int]:
        """Closed and 重大 among the inspection problems columns 8 and 10 count (two queries)."""
        out = {"closed": 0, "major": 0}
        scope = scope_for(self.unit)
        for no in (8, 10):
            agg = column_records(scope=scope, period=self.period, no=no).aggregate(
                closed=Count("pk", filter=Q(status="closed")),
                major=Count("pk", filter=Q(grade="major")),
            )
            out["closed"] += agg["closed"] or 0
            out["major"] += agg["major"] or 0
        return out

    @cached_property
    def counted_problems(self) -> dict[str, int] | None:
        """None when the reported problems are not below the live ones: the closed and 重大
        problems are among the counted ones, so they can exceed the reported number only then
        (and the records are not read)."""
        rep, live = _col(self.reported, 8, 10), _col(self.live, 8, 10)
        if rep is None or live is None or rep >= live:
            return None
        return self.problems()


@dataclass(frozen=True)
class Rule:
    code: str
    text: str
    left_label: str
    left: Callable[[Facts], int | None]
    right_label: str
    right: Callable[[Facts], int | None]
    columns: tuple[int, ...]  # the drill-down lists behind the figures


def _problems(key: str) -> Callable[[Facts], int | None]:
    def get(f: Facts) -> int | None:
        counted = f.counted_problems
        return None if counted is None else counted[key]

    return get


RULES: tuple[Rule, ...] = (
    Rule(
        "closed_le_problems",
        "已销号的问题不能多于督导检查发现的问题",
        "已销号问题",
        _problems("closed"),
        "发现问题（第8、10列）",
        lambda f: _col(f.reported, 8, 10),
        (8, 10),
    ),
    Rule(
        "major_le_problems",
        "重大问题不能多于督导检查发现的全部问题",
        "重大问题",
        _problems("major"),
        "发现问题（第8、10列）",
        lambda f: _col(f.reported, 8, 10),
        (8, 10),
    ),
    Rule(
        "inspected_le_scope",
        "督导检查的企业不能多于统计范围内的企业",
        "督导检查企业（第7列）",
        lambda f: f.reported[6],
        "统计范围内企业",
        lambda f: f.in_scope,
        (7,),
    ),
    Rule(
        "lookbacks_le_scope",
        "开展“回头看”的企业不能多于统计范围内的企业",
        "开展“回头看”企业（第1列）",
        lambda f: f.reported[0],
        "统计范围内企业",
        lambda f: f.in_scope,
        (1,),
    ),
    Rule(
        "experiences_have_evidence",
        "企业经验做法每条都须附佐证材料",
        "填报的企业经验做法（第11列）",
        lambda f: f.reported[10],
        "附有佐证材料的记录",
        lambda f: f.live[10],
        (11,),
    ),
    Rule(
        "gov_experiences_have_evidence",
        "政府部门经验做法每条都须附佐证材料",
        "填报的政府部门经验做法（第12列）",
        lambda f: f.reported[11],
        "附有佐证材料的记录",
        lambda f: f.live[11],
        (12,),
    ),
    Rule(
        "mechanisms_have_evidence",
        "工作机制每个都须附佐证材料",
        "填报的工作机制（第13列）",
        lambda f: f.reported[12],
        "附有佐证材料的记录",
        lambda f: f.live[12],
        (13,),
    ),
)
RULE_BY_CODE = {r.code: r for r in RULES}


@dataclass
class RuleWarning:
    rule: Rule
    facts: Facts
    left: int
    right: int
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, drill-down url)

    @property
    def text(self) -> str:
        r = self.rule
        return (
            f"{self.facts.label}：{r.text}（{r.left_label} {self.left} ＞ "
            f"{r.right_label} {self.right}）。"
        )


def check(facts: Facts, *, period_query: str = "") -> list[RuleWarning]:
    """Every rule on one row; a rule whose figures are not available ("—") stays silent."""
    out = []
    for rule in RULES:
        left, right = rule.left(facts), rule.right(facts)
        if left is None or right is None or left <= right:
            continue
        q = f"?unit={facts.unit.pk}" + (f"&{period_query}" if period_query else "")
        links = [(f"第{no}列明细", reverse("stats:drill", args=[no]) + q) for no in rule.columns]
        out.append(RuleWarning(rule, facts, left, right, links))
    return out


# --- enterprises in scope --------------------------------------------------------------------


@dataclass
class ScopeCounts:
    """Enterprises in a unit's scope, by the one scope rule (:mod:`anbiao.orgs.scope`: the
    primary department's, the town's, the city office every one); one query per unit."""

    roots: Roots

    @classmethod
    def load(cls) -> ScopeCounts:
        return cls(roots_load())

    @property
    def total(self) -> int:
        return Enterprise.objects.filter(organization__is_active=True).count()

    def of(self, unit: Organization) -> int:
        scope = org_scope_for(unit, self.roots)
        return (
            Enterprise.objects.filter(organization__is_active=True)
            .filter(counted_enterprises_q(unit.kind, scope.unit_ids))
            .count()
        )


def check_submission(sub: Any, live: list[int | None]) -> list[RuleWarning]:
    """The rules on a submitted table (its reported figures against today's records)."""
    period = Period(sub.period_start, sub.period_end)
    facts = Facts(
        sub.unit,
        sub.unit_name,
        period,
        sub.reported_values,
        live,
        ScopeCounts.load().of(sub.unit),
    )
    return check(facts, period_query=period.query())


def check_city(table: Any) -> list[RuleWarning]:
    """The rules on every row of the city table as reported (:mod:`anbiao.stats.reported`) and
    on its 全市合计."""
    counts = ScopeCounts.load()
    q = table.period.query()
    out: list[RuleWarning] = []
    for row in table.units:
        facts = Facts(row.unit, row.label, table.period, row.figures, row.live, counts.of(row.unit))
        out.extend(check(facts, period_query=q))
    total = table.official_total
    if total.unit is not None:
        facts = Facts(
            total.unit, "全市合计", table.period, total.live, table.system_total.live, counts.total
        )
        out.extend(check(facts, period_query=q))
    return out
