"""The one deadline rule of every obligation: a date, inclusive to its end in Asia/Shanghai.

A deadline is a calendar date. A report is on time through 23:59:59.999999 of that day in
Shanghai and late from 00:00 of the next day, whatever the server's time zone or the instant's
own. It is written the same everywhere: “2024年11月25日 23:59” (:func:`deadline_text`).
The monthly typical-case report (附件1 item 15, “每月25日前”) falls due on the 25th of its
month (:func:`month_deadline`).

Campaign look-backs, reporting tasks, the monthly case report and their extensions all use
these functions; ``anbiao.enforcement.deadlines`` and ``anbiao.tasks_reporting.deadlines``
keep their names for their callers and delegate here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHLY_CASE_DAY = 25


def local_today(now: dt.datetime) -> dt.date:
    """The calendar date in Shanghai at the aware instant ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(SHANGHAI).date()


def overdue_from(deadline: dt.date) -> dt.datetime:
    """The first instant at which a report due on ``deadline`` is late: the next day, 00:00."""
    nxt = deadline + dt.timedelta(days=1)
    return dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=SHANGHAI)


def is_overdue(deadline: dt.date, now: dt.datetime) -> bool:
    """Whether, at the aware instant ``now``, a report due on ``deadline`` is missing late."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now >= overdue_from(deadline)


def on_time(deadline: dt.date, reported_at: dt.datetime) -> bool:
    """Whether a report made at ``reported_at`` meets ``deadline`` (23:59 of that day)."""
    return not is_overdue(deadline, reported_at)


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


def deadline_text(deadline: dt.date) -> str:
    """The deadline as every page writes it: “2024年11月25日 23:59”."""
    return f"{deadline.year}年{deadline.month}月{deadline.day}日 23:59"


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def month_deadline(month: dt.date) -> dt.date:
    """The monthly case report's deadline for ``month``: the 25th of that month."""
    return month.replace(day=MONTHLY_CASE_DAY)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of every month from start's month through end's month."""
    months = []
    cur = month_start(start)
    last = month_start(end)
    while cur <= last:
        months.append(cur)
        cur = (cur.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months
