"""Deadlines and monthly recurrence around month ends, in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from anbiao.tasks_reporting import deadlines
from anbiao.tasks_reporting.models import ReportTask
from anbiao.tasks_reporting.services import period_deadlines

UTC = ZoneInfo("UTC")
SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        (2025, 4, 31, dt.date(2025, 4, 30)),  # 30-day month
        (2025, 2, 31, dt.date(2025, 2, 28)),
        (2024, 2, 31, dt.date(2024, 2, 29)),  # leap year
        (2024, 2, 29, dt.date(2024, 2, 29)),
        (2025, 2, 29, dt.date(2025, 2, 28)),
        (2025, 1, 31, dt.date(2025, 1, 31)),
        (2025, 9, 25, dt.date(2025, 9, 25)),
    ],
)
def test_a_monthly_deadline_on_a_missing_day_falls_on_the_months_last_day(
    year: int, month: int, day: int, expected: dt.date
) -> None:
    assert deadlines.clamped(year, month, day) == expected


def test_monthly_deadlines_cross_the_year_end_and_clamp_each_month() -> None:
    got = deadlines.monthly_deadlines(dt.date(2024, 11, 30), 31, dt.date(2025, 3, 1))
    assert got == [
        dt.date(2024, 11, 30),
        dt.date(2024, 12, 31),
        dt.date(2025, 1, 31),
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 31),
    ]


def test_a_submission_is_late_from_midnight_in_shanghai_not_in_utc() -> None:
    deadline = dt.date(2025, 9, 30)
    # 2025-09-30 15:59:59 UTC is 23:59:59 in Shanghai: still on time.
    assert not deadlines.is_overdue(deadline, dt.datetime(2025, 9, 30, 15, 59, 59, tzinfo=UTC))
    # 16:00 UTC is 10-01 00:00 in Shanghai: late, although it is still the 30th in UTC.
    assert deadlines.is_overdue(deadline, dt.datetime(2025, 9, 30, 16, 0, tzinfo=UTC))
    assert deadlines.overdue_from(deadline) == dt.datetime(2025, 10, 1, tzinfo=SH)


def test_time_left_counts_whole_days_in_shanghai() -> None:
    deadline = dt.date(2025, 9, 30)
    assert (
        deadlines.time_left_text(deadline, dt.datetime(2025, 9, 28, 12, tzinfo=SH)) == "剩余 2 天"
    )
    assert deadlines.time_left_text(deadline, dt.datetime(2025, 9, 30, 23, tzinfo=SH)) == "今天截止"
    # 2025-09-30 17:00 UTC is already 10-01 in Shanghai.
    assert (
        deadlines.time_left_text(deadline, dt.datetime(2025, 9, 30, 17, tzinfo=UTC))
        == "已逾期 1 天"
    )
    with pytest.raises(ValueError):
        deadlines.local_today(dt.datetime(2025, 9, 30))


def _task(first: dt.date, day: int | None) -> ReportTask:
    return ReportTask(deadline=first, recurrence_day=day)


def test_periods_of_a_monthly_task_are_generated_through_the_current_month() -> None:
    task = _task(dt.date(2025, 1, 31), 31)
    now = dt.datetime(2025, 3, 10, 9, tzinfo=SH)
    assert period_deadlines(task, now) == [
        dt.date(2025, 1, 31),
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 31),
    ]


def test_once_this_months_deadline_has_passed_the_next_months_period_exists() -> None:
    task = _task(dt.date(2025, 1, 25), 25)
    # 2025-02-25 16:30 UTC is 02-26 00:30 in Shanghai: February's period is closed.
    now = dt.datetime(2025, 2, 25, 16, 30, tzinfo=UTC)
    assert period_deadlines(task, now) == [
        dt.date(2025, 1, 25),
        dt.date(2025, 2, 25),
        dt.date(2025, 3, 25),
    ]
    # One minute before midnight in Shanghai, March does not exist yet.
    before = dt.datetime(2025, 2, 25, 15, 59, tzinfo=UTC)
    assert period_deadlines(task, before)[-1] == dt.date(2025, 2, 25)


def test_a_one_off_task_has_one_period_with_its_deadline() -> None:
    task = _task(dt.date(2025, 9, 30), None)
    assert period_deadlines(task, dt.datetime(2026, 1, 1, tzinfo=SH)) == [dt.date(2025, 9, 30)]


def test_a_future_first_deadline_gives_just_the_first_period() -> None:
    task = _task(dt.date(2025, 6, 25), 25)
    assert period_deadlines(task, dt.datetime(2025, 3, 1, tzinfo=SH)) == [dt.date(2025, 6, 25)]
