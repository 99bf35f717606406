"""Deadlines of reporting tasks, in Asia/Shanghai.

A deadline is a date: a submission is on time through 23:59:59 of that day in Shanghai and
late from 00:00 of the next day. Monthly tasks fall due on day N of each month; when the month
is shorter (day 31 in a 30-day month, 29–31 in February) the deadline is the month's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today(now: dt.datetime) -> dt.date:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(SHANGHAI).date()


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


def overdue_from(deadline: dt.date) -> dt.datetime:
    """The first instant at which a missing submission is late: the next day, 00:00 Shanghai."""
    nxt = deadline + dt.timedelta(days=1)
    return dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=SHANGHAI)


def is_overdue(deadline: dt.date, now: dt.datetime) -> bool:
    return now >= overdue_from(deadline)


def days_left(deadline: dt.date, now: dt.datetime) -> int:
    """Whole days from today (Shanghai) to the deadline; negative when overdue."""
    return (deadline - local_today(now)).days


def time_left_text(deadline: dt.date, now: dt.datetime) -> str:
    days = days_left(deadline, now)
    if days < 0:
        return f"已逾期 {-days} 天"
    if days == 0:
        return "今天截止"
    return f"剩余 {days} 天"
