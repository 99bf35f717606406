"""Deadlines of reporting tasks, in Asia/Shanghai.

A deadline is a date: a submission is on time through 23:59 of that day in Shanghai and late
from 00:00 of the next day — the one rule of :mod:`anbiao.obligations.deadlines`, re-exported
here for this app's callers. Monthly tasks fall due on day N of each month; when the month is
shorter (day 31 in a 30-day month, 29–31 in February) the deadline is the month's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt

from anbiao.obligations.deadlines import (  # noqa: F401 — this module's names for its callers
    SHANGHAI,
    days_left,
    deadline_text,
    is_overdue,
    local_today,
    overdue_from,
    time_left_text,
)


def clamped(year: int, month: int, day: int) -> dt.date:
    """Day ``day`` of the month, or the month's last day when the month is shorter."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def monthly_deadlines(first: dt.date, day: int, until: dt.date) -> list[dt.date]:
    """Deadlines on day ``day`` from the month of ``first`` through the month of ``until``."""
    out = []
    year, month = first.year, first.month
    while (year, month) <= (until.year, until.month):
        out.append(clamped(year, month, day))
        year, month = next_month(year, month)
    return out
