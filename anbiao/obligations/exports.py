"""The .xlsx of an obligation's page: its rates (per reporting unit for the city office) and
every expected unit with its deadline, time reported and status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from anbiao.core.xlsx import table_sheet, table_workbook
from anbiao.obligations import deadlines
from anbiao.obligations.rates import Breakdown, Rates, state_of
from anbiao.orgs.models import Organization, OrgKind

RATE_HEADERS = ["报送单位", "应报", "已报", "按时报", "逾期报送", "未报", "报送率%", "及时率%"]
UNIT_HEADERS = ["单位", "类型", "所属乡镇/街道", "主管部门", "截止时间", "报送时间", "状态"]


def _rate_cells(label: str, r: Rates) -> list[Any]:
    return [
        label,
        r.expected,
        r.reported,
        r.on_time,
        r.late,
        r.missing,
        r.report_rate if r.report_rate is not None else "—",
        r.timely_rate if r.timely_rate is not None else "—",
    ]


def rate_rows(b: Breakdown) -> Iterator[list[Any]]:
    """One row per reporting unit (city office), then the total counted once over the scope."""
    for _, rows in b.groups:
        for row in rows:
            yield _rate_cells(row.unit.name, row.rates)
    yield _rate_cells("合计", b.total)


def unit_rows(b: Breakdown, units: QuerySet[Organization], now: dt.datetime) -> Iterator[list[Any]]:
    """Every unit of :func:`anbiao.obligations.rates.unit_statuses`, with its status."""
    for org in units.iterator(chunk_size=2000):
        due = getattr(org, "extended_to", None) or b.obligation.deadline
        reported_at = getattr(org, "reported_at", None)
        _, label = state_of(due, reported_at, now)
        ent = getattr(org, "enterprise", None) if org.kind == OrgKind.ENTERPRISE else None
        yield [
            org.name,
            org.get_kind_display(),
            ent.town.name if ent else "",
            ent.department.name if ent else "",
            deadlines.deadline_text(due) + ("（已延期）" if due != b.obligation.deadline else ""),
            timezone.localtime(reported_at).strftime("%Y-%m-%d %H:%M") if reported_at else "",
            label,
        ]


def obligation_workbook(
    b: Breakdown, units: QuerySet[Organization], now: dt.datetime | None = None
) -> Workbook:
    now = now or timezone.now()
    ob = b.obligation
    wb = table_workbook(
        title=ob.label,
        headers=RATE_HEADERS,
        rows=rate_rows(b),
        widths=[28, 8, 8, 8, 10, 8, 10, 10],
        sheet_title="报送率",
    )
    table_sheet(
        wb,
        headers=UNIT_HEADERS,
        rows=unit_rows(b, units, now),
        widths=[36, 14, 16, 18, 22, 18, 12],
        sheet_title="单位明细",
    )
    return wb
