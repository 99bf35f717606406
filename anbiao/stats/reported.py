"""The city table as reported: each unit's frozen (reported) figures beside its live ones, the
市安委办本级 row, and the city total that counts each enterprise once AND carries the accepted
adjustments, each with its reason.

Built only on the public selectors (:func:`anbiao.stats.selectors.city_table`,
:func:`~anbiao.stats.selectors.submission_for`'s model); how the live numbers are computed is
not this module's business.

How the total is formed (:data:`TOTAL_EXPLAINED`, printed on the page):

    全市合计（上报数）= 全市系统合计（全市范围一次计算，每家企业只计一次）
                      + 各单位已接收填报中的调整数（填报数 − 填报时系统数，逐条注明原因）

Adjustments of tables awaiting review (已填报、待审核) are shown in their unit's row but not
carried into the total until accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from anbiao.orgs.models import Organization
from anbiao.stats.columns import COLUMNS, Period
from anbiao.stats.models import REPORTED_STATUSES, StatsSubmission
from anbiao.stats.selectors import CityTable, city_table

TOTAL_EXPLAINED = (
    "全市合计（上报数）＝ 全市系统合计 ＋ 已接收的调整。"
    "全市系统合计按全市范围一次计算，每家企业（单位）只计一次，不是各行相加；"
    "已接收的调整为各单位已被接收的统计表中，填报数与填报时系统数之差，每项调整的单位、数字和原因见注。"
    "已填报但尚待审核的统计表，其调整只在本单位行中列示，接收后才计入全市合计。"
)
ROWS_EXPLAINED = (
    "各单位行：已填报的，上为填报（冻结）数，下为今日实时数，两者不同的标色；未填报的只列实时数。"
    "市安委办本级行为市安委办本级及其下属单位的记录（如市安委办开展的督导检查），这些记录只计入全市合计。"
)


@dataclass
class Footnote:
    """One adjustment of one unit's table: the numbered reason printed below the table."""

    no: int
    unit_name: str
    column: int
    system: int | None
    value: int
    reason: str
    accepted: bool

    @property
    def delta(self) -> int:
        return self.value - (self.system or 0)

    @property
    def mark(self) -> str:
        from anbiao.stats.exports import mark

        return mark(self.no)

    @property
    def text(self) -> str:
        col = COLUMNS[self.column - 1]
        sys_text = "—" if self.system is None else str(self.system)
        state = "已接收，计入全市合计" if self.accepted else "待审核，未计入全市合计"
        return (
            f"{self.unit_name}第{self.column}列（{col.group}·{col.name}）填报 {self.value}"
            f"（系统 {sys_text}，调整 {self.delta:+d}，{state}）：{self.reason}"
        )


@dataclass
class ReportedRow:
    unit: Organization | None
    label: str
    live: list[int | None]
    kind: str = "unit"  # unit, own, subtotal, sum, system, adjust, total, diff
    submission: StatsSubmission | None = None
    marks: dict[int, list[int]] = field(default_factory=dict)  # column → footnote numbers

    @property
    def is_reported(self) -> bool:
        return self.submission is not None and self.submission.status in REPORTED_STATUSES

    @property
    def reported(self) -> list[int | None] | None:
        """The frozen (adjusted) figures once submitted; None before."""
        return self.submission.reported_values if self.is_reported else None  # type: ignore[union-attr]

    @property
    def figures(self) -> list[int | None]:
        """What the official form prints: the reported figures, or the live ones if none."""
        return self.reported or self.live

    @property
    def differs(self) -> list[bool]:
        rep = self.reported
        if rep is None:
            return [False] * len(self.live)
        return [r != lv for r, lv in zip(rep, self.live, strict=True)]

    @property
    def cells(self) -> list[tuple[int | None, int | None, bool, list[tuple[int, str]]]]:
        """Per column: (reported or None, live, differs, [(footnote number, its mark)])."""
        from anbiao.stats.exports import mark

        rep = self.reported
        return [
            (
                None if rep is None else rep[i],
                self.live[i],
                self.differs[i],
                [(n, mark(n)) for n in self.marks.get(i + 1, [])],
            )
            for i in range(len(self.live))
        ]


@dataclass
class ReportedCityTable:
    period: Period
    units: list[ReportedRow]  # departments, then towns
    own: ReportedRow | None
    official_total: ReportedRow  # 全市合计（上报数）
    system_total: ReportedRow
    adjustments: ReportedRow
    explanation: list[ReportedRow]  # on screen only: subtotals, 直接相加, 差额
    footnotes: list[Footnote]
    base: CityTable
    not_reported: list[str] = field(default_factory=list)

    @property
    def official_rows(self) -> list[ReportedRow]:
        """The rows of the form sent upward."""
        return [*self.units, *([self.own] if self.own else []), self.official_total]

    @property
    def accepted_footnotes(self) -> list[Footnote]:
        return [f for f in self.footnotes if f.accepted]


def _add(a: list[int | None], b: list[int | None]) -> list[int | None]:
    return [None if x is None else x + (y or 0) for x, y in zip(a, b, strict=True)]


def _sum(rows: list[ReportedRow]) -> list[int | None]:
    n = len(COLUMNS)
    out: list[int | None] = [0] * n
    for r in rows:
        out = [None if o is None or v is None else o + v for o, v in zip(out, r.live, strict=True)]
    return out


def reported_city_table(*, period: Period) -> ReportedCityTable:
    """The consolidated table with each unit's reported figures, the 本级 row and the total
    with the accepted adjustments (a fixed number of queries: the city table and one query of
    the period's submissions)."""
    base = city_table(period=period)
    subs = {
        s.unit_id: s
        for s in StatsSubmission.objects.filter(period_start=period.start, period_end=period.end)
    }
    footnotes: list[Footnote] = []

    def unit_row(r: Any) -> ReportedRow:
        row = ReportedRow(r.unit, r.label, list(r.values), "unit", subs.get(r.unit.pk))
        if row.is_reported:
            sub = row.submission
            assert sub is not None
            for no in sorted(int(k) for k in sub.adjustments):
                adj = sub.adjustment(no)
                assert adj is not None
                note = Footnote(
                    len(footnotes) + 1,
                    sub.unit_name,
                    no,
                    sub.computed[no - 1],
                    int(adj["value"]),
                    adj["reason"],
                    sub.is_accepted,
                )
                footnotes.append(note)
                row.marks.setdefault(no, []).append(note.no)
        return row

    units = [unit_row(r) for r in (*base.departments, *base.towns)]
    own = None
    if base.own is not None:
        own = ReportedRow(base.own.unit, base.own.label, list(base.own.values), "own")
    n = len(COLUMNS)
    delta: list[int | None] = [None if v is None else 0 for v in base.total.values]
    marks: dict[int, list[int]] = {}
    for note in footnotes:
        if note.accepted and delta[note.column - 1] is not None:
            delta[note.column - 1] = (delta[note.column - 1] or 0) + note.delta
            marks.setdefault(note.column, []).append(note.no)
    system = ReportedRow(
        base.total.unit, "全市系统合计（每家企业只计一次）", list(base.total.values), "system"
    )
    adjust = ReportedRow(None, "已接收的调整（见注）", delta, "adjust", marks=marks)
    total = ReportedRow(
        base.total.unit,
        "全市合计",
        _add(list(base.total.values), delta),
        "total",
        marks=dict(marks),
    )
    depts = units[: len(base.departments)]
    towns = units[len(base.departments) :]
    d_sub = ReportedRow(None, "成员单位小计", _sum(depts), "subtotal")
    t_sub = ReportedRow(None, "乡镇（街道、开发区）小计", _sum(towns), "subtotal")
    plain = ReportedRow(
        None, "各行直接相加（含本级，实时数）", _sum([d_sub, t_sub, *([own] if own else [])]), "sum"
    )
    diff = ReportedRow(
        None,
        "差额（直接相加 − 全市系统合计）",
        [
            None if t is None else (p or 0) - t
            for p, t in zip(plain.live, base.total.values, strict=True)
        ],
        "diff",
    )
    assert len(delta) == n
    return ReportedCityTable(
        period=period,
        units=units,
        own=own,
        official_total=total,
        system_total=system,
        adjustments=adjust,
        explanation=[d_sub, t_sub, plain, system, diff],
        footnotes=footnotes,
        base=base,
        not_reported=[r.label for r in units if not r.is_reported],
    )


def city_total_reported(*, period: Period) -> list[int | None]:
    """The 全市合计 (上报数) alone."""
    return reported_city_table(period=period).official_total.live
