"""The monthly reporting deadline of 附件1 item 15: “每月25日前” in Asia/Shanghai.

A month's report is on time through the 25th, 23:59:59 local time; from the 26th, 00:00
Asia/Shanghai (whatever the server's or the instant's own time zone) a missing report is
overdue. Comparisons are done on aware instants, so a UTC instant that is already the 26th in
Shanghai (e.g. 2024-05-25 16:00 UTC) is overdue.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEADLINE_DAY = 25


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def overdue_from(month: dt.date) -> dt.datetime:
    """The first instant at which the month's report is overdue: the 26th, 00:00 Shanghai."""
    return dt.datetime(month.year, month.month, DEADLINE_DAY + 1, tzinfo=SHANGHAI)


def is_overdue(month: dt.date, now: dt.datetime) -> bool:
    """Whether, at the aware instant ``now``, a missing report for ``month`` is overdue."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now >= overdue_from(month)


def submitted_late(month: dt.date, submitted_at: dt.datetime) -> bool:
    return submitted_at >= overdue_from(month)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of every month from start's month through end's month."""
    months = []
    cur = month_start(start)
    last = month_start(end)
    while cur <= last:
        months.append(cur)
        cur = (cur.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def local_today(now: dt.datetime) -> dt.date:
    return now.astimezone(SHANGHAI).date()
