"""The monthly reporting deadline of 附件1 item 15: “每月25日前”, i.e. the 25th, 23:59 Shanghai.

A month's report is on time through the 25th, 23:59:59 local time; from the 26th, 00:00
Asia/Shanghai (whatever the server's or the instant's own time zone) a missing report is
overdue. The rule itself is :mod:`anbiao.obligations.deadlines` (one rule for every
obligation); this module names it by month. A unit's granted extension moves its own deadline
(``anbiao.obligations.effective``).
"""

from __future__ import annotations

import datetime as dt

from anbiao.obligations import deadlines as rule
from anbiao.obligations.deadlines import (  # noqa: F401 — this module's names for its callers
    SHANGHAI,
    local_today,
    month_start,
    months_between,
)

DEADLINE_DAY = rule.MONTHLY_CASE_DAY


def deadline(month: dt.date) -> dt.date:
    """The month's deadline date: its 25th."""
    return rule.month_deadline(month_start(month))


def overdue_from(month: dt.date) -> dt.datetime:
    """The first instant at which the month's report is overdue: the 26th, 00:00 Shanghai."""
    return rule.overdue_from(deadline(month))


def is_overdue(month: dt.date, now: dt.datetime) -> bool:
    """Whether, at the aware instant ``now``, a missing report for ``month`` is overdue."""
    return rule.is_overdue(deadline(month), now)


def submitted_late(month: dt.date, submitted_at: dt.datetime) -> bool:
    return not rule.on_time(deadline(month), submitted_at)
