"""The “每月25日前” rule, judged in Asia/Shanghai whatever the instant's own time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from anbiao.enforcement import deadlines

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
MAY = dt.date(2024, 5, 1)


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        (dt.datetime(2024, 5, 25, 23, 59, tzinfo=SH), False),
        (dt.datetime(2024, 5, 25, 23, 59, 59, 999999, tzinfo=SH), False),
        (dt.datetime(2024, 5, 26, 0, 0, tzinfo=SH), True),
        # Still the 25th in UTC, already the 26th 00:00 in Shanghai.
        (dt.datetime(2024, 5, 25, 16, 0, tzinfo=UTC), True),
        (dt.datetime(2024, 5, 25, 15, 59, 59, tzinfo=UTC), False),
        # Already the 26th in New York's evening? No: 2024-05-25 11:59 EDT = 23:59 Shanghai.
        (dt.datetime(2024, 5, 25, 11, 59, tzinfo=ZoneInfo("America/New_York")), False),
        (dt.datetime(2024, 5, 1, 0, 0, tzinfo=SH), False),
        (dt.datetime(2024, 6, 1, 0, 0, tzinfo=SH), True),
    ],
)
def test_a_missing_may_report_becomes_overdue_on_the_26th_shanghai_time(now, overdue) -> None:  # noqa: ANN001
    assert deadlines.is_overdue(MAY, now) is overdue


def test_the_deadline_of_december_and_february_stay_in_their_own_month() -> None:
    assert deadlines.overdue_from(dt.date(2024, 12, 1)) == dt.datetime(2024, 12, 26, tzinfo=SH)
    assert deadlines.overdue_from(dt.date(2024, 2, 1)) == dt.datetime(2024, 2, 26, tzinfo=SH)
    # 2024-12-31 23:00 UTC is already 2025-01-01 in Shanghai: December is overdue, January not.
    new_year = dt.datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    assert deadlines.local_today(new_year) == dt.date(2025, 1, 1)
    assert deadlines.is_overdue(dt.date(2024, 12, 1), new_year)
    assert not deadlines.is_overdue(dt.date(2025, 1, 1), new_year)


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError):
        deadlines.is_overdue(MAY, dt.datetime(2024, 5, 26))


def test_months_between_crosses_the_year_end() -> None:
    assert deadlines.months_between(dt.date(2024, 11, 15), dt.date(2025, 2, 3)) == [
        dt.date(2024, 11, 1),
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
    ]


def test_a_report_at_2359_on_the_25th_is_on_time_and_at_midnight_late() -> None:
    assert not deadlines.submitted_late(MAY, dt.datetime(2024, 5, 25, 23, 59, tzinfo=SH))
    assert deadlines.submitted_late(MAY, dt.datetime(2024, 5, 25, 16, 0, tzinfo=UTC))
