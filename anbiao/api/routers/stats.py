"""Statistics (附件3): one reporting unit's live table for a period — the 15 numbers.

As on the page: government units see their own (top-level) unit's table; the city office may
ask for any reporting unit (``unit``). A column whose source is not available yet answers
``value: null`` with a note, never a made-up 0.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from anbiao.api import errors
from anbiao.api.errors import ERRORS
from anbiao.api.routers._common import IsoDate, UnitRef, allow, ref
from anbiao.core.access import GOV_KINDS
from anbiao.stats import selectors
from anbiao.stats.columns import Period

router = Router(tags=["统计表（附件3）"])

errors.FIELD_LABELS.update({"unit": "填报单位", "start": "统计期开始", "end": "统计期结束"})
MAX_DAYS = 3660  # as the page: at most ten years
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


class ColumnOut(Schema):
    no: int = Field(description="列号 1–15")
    code: str
    group: str = Field(description="表头分组，如“督导检查”")
    name: str = Field(description="列名")
    value: int | None = Field(description="数值；null 表示数据来源暂不可用")
    note: str


class StatsTableOut(Schema):
    unit: UnitRef
    start: dt.date
    end: dt.date
    columns: list[ColumnOut]


class StatsQuery(Schema):
    unit: UUID | None = Field(None, description="填报单位编号（仅市安委办可查其他单位）")
    start: IsoDate | None = Field(None, description="统计期开始（含）；默认本次专项行动")
    end: IsoDate | None = Field(None, description="统计期结束（含）；默认本次专项行动")


def _period(q: StatsQuery) -> Period:
    default = selectors.default_period()
    start, end = q.start or default.start, q.end or default.end
    problems = {}
    for name, value in (("start", start), ("end", end)):
        if not EARLIEST <= value <= LATEST:
            problems[name] = f"应在 {EARLIEST.year}–{LATEST.year} 年之间。"
    if not problems and end < start:
        problems["end"] = "结束日期不能早于开始日期。"
    elif not problems and (end - start).days > MAX_DAYS:
        problems["end"] = "统计期不能超过十年。"
    if problems:
        raise ValidationError(problems)
    return Period(start, end)


@router.get(
    "/stats/table",
    response={200: StatsTableOut, **ERRORS},
    summary="统计表（附件3）：一个填报单位在统计期内的 15 项实时数值",
    operation_id="stats_table",
)
def stats_table(request: HttpRequest, q: Query[StatsQuery]) -> dict:
    user = allow(request, kinds=GOV_KINDS)
    unit = selectors.unit_for_user(user, q.unit)
    period = _period(q)
    table = selectors.unit_table(unit=unit, period=period)
    return {
        "unit": ref(unit),
        "start": period.start,
        "end": period.end,
        "columns": [
            {
                "no": c.column.no,
                "code": c.column.code,
                "group": c.column.group,
                "name": c.column.name,
                "value": c.value,
                "note": c.note,
            }
            for c in table.cells
        ],
    }
