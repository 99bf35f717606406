"""The day tally (``stats.DayTally``, ADR 0015) read again from the rows, to check it and to
rebuild it (``manage.py stats_tally``). The database triggers are the tally's only writer; this
is the independent reading, in plain ORM GROUP BY queries."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, Count, F, QuerySet, Sum, Value
from django.db.models.functions import TruncDate

from anbiao.checklists.models import COUNTED_LOOKBACK, Checklist
from anbiao.orgs.scope import (
    DEPARTMENT_AXIS,
    ORGANIZATION_AXIS,
    TOWN_AXIS,
    stamp_refs,
    unstamped_q,
)
from anbiao.records.models import Record
from anbiao.reports.models import FINALIZED, Report
from anbiao.stats.models import DayTally, TallySource

Key = tuple[str, dt.date, Any, str, Any]  # source, day, campaign, axis, unit
Numbers = tuple[int, int]  # n, problems


def _sources() -> tuple[tuple[str, QuerySet[Any], Any, Any, str], ...]:
    """Each tallied source: its counted rows, their day, their campaign, the problems they add."""
    day = partial(TruncDate, tzinfo=ZoneInfo(settings.TIME_ZONE))  # a time's local date
    records = Record.objects.counted()
    return (
        (
            TallySource.LOOKBACKS,
            Checklist.objects.filter(COUNTED_LOOKBACK, submitted_at__isnull=False),
            day("submitted_at"),
            F("campaign"),
            "problem_count",
        ),
        (
            TallySource.REPORTS,
            Report.objects.filter(FINALIZED),
            day("first_finalized_at"),
            F("campaign"),
            "",
        ),
        (
            TallySource.EXPERIENCES,
            records.experiences(),
            F("date"),
            Value(None, BigIntegerField()),
            "",
        ),
        (
            TallySource.MECHANISMS,
            records.mechanisms(),
            F("date"),
            Value(None, BigIntegerField()),
            "",
        ),
    )


def from_rows() -> dict[Key, Numbers]:
    """What the tally should hold: the counted rows grouped by local day, campaign and the unit
    of each axis (a stamped row: its department, its town; a row without a stamp: its
    organization)."""
    dept, town = stamp_refs()
    out: dict[Key, Numbers] = {}
    for source, rows, day, campaign, problems in _sources():
        sums: dict[str, Any] = {"_n": Count("pk")}
        if problems:
            sums["_p"] = Sum(problems, default=0)
        stamped = rows.exclude(unstamped_q()).order_by()
        kept_on = (
            (DEPARTMENT_AXIS, stamped, dept),
            (TOWN_AXIS, stamped, town),
            (ORGANIZATION_AXIS, rows.filter(unstamped_q()).order_by(), F("organization")),
        )
        for axis, these, unit in kept_on:
            groups = these.values(_day=day, _c=campaign, _u=unit)
            for g in groups.annotate(**sums):
                out[(source, g["_day"], g["_c"], axis, g["_u"])] = (g["_n"], g.get("_p", 0))
    return out


def kept() -> dict[Key, Numbers]:
    """What the tally holds (its keys with a number other than 0)."""
    out: dict[Key, Numbers] = {}
    for t in DayTally.objects.all():  # one row a key (SQLite has no unique key: added up)
        key = (t.source, t.day, t.campaign, t.axis, t.unit)
        n, problems = out.get(key, (0, 0))
        out[key] = (n + t.n, problems + t.problems)
    return {key: numbers for key, numbers in out.items() if numbers != (0, 0)}


def differences() -> list[tuple[Key, Numbers, Numbers]]:
    """Each key where the tally and the rows differ: (key, kept, from the rows)."""
    have, want = kept(), from_rows()
    return [
        (key, have.get(key, (0, 0)), want.get(key, (0, 0)))
        for key in sorted(set(have) | set(want), key=str)
        if have.get(key, (0, 0)) != want.get(key, (0, 0))
    ]


@transaction.atomic
def rebuild() -> int:
    """Replace the tally by the rows grouped (run while nothing else writes); returns the
    number of tally rows written."""
    DayTally.objects.all().delete()
    rows = [
        DayTally(source=s, day=d, campaign=c, axis=a, unit=u, n=n, problems=p)
        for (s, d, c, a, u), (n, p) in from_rows().items()
    ]
    DayTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
