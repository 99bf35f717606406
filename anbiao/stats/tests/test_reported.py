"""The city table as reported: frozen beside live figures, the 本级 row, and the city total with
the accepted adjustments checked against an independent plain count of the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anbiao.stats import reported, selectors, services
from anbiao.stats.tests import builders as b
from anbiao.stats.tests import test_stats
from anbiao.stats.tests.test_stats import PERIOD, PQ, _submit, client_for

pytestmark = pytest.mark.django_db
city = test_stats.city  # the fixture: a city office, two departments, two towns, records
START = dt.datetime(2024, 9, 1, tzinfo=b.TZ)
END = dt.datetime(2025, 1, 1, tzinfo=b.TZ)


def plain_counts() -> dict[int, int]:
    """Columns 1, 9 and 13 counted straight from the records, without the statistics code."""
    from anbiao.checklists.models import Checklist
    from anbiao.inspections.models import Inspection
    from anbiao.records.models import Record

    c01 = (
        Checklist.objects.filter(
            purpose="lookback",
            status__in=["submitted", "accepted"],
            submitted_at__gte=START,
            submitted_at__lt=END,
            organization__kind="enterprise",
        )
        .values("organization")
        .distinct()
        .count()
    )
    c09 = (
        Inspection.objects.filter(
            status="completed",
            date__range=(PERIOD.start, PERIOD.end),
            target__kind__in=["city", "department", "town"],
        )
        .values("target")
        .distinct()
        .count()
    )
    c13 = (
        Record.objects.filter(
            kind="mechanism",
            status="submitted",
            date__range=(PERIOD.start, PERIOD.end),
            evidence__isnull=False,
        )
        .distinct()
        .count()
    )
    return {1: c01, 9: c09, 13: c13}


def test_the_city_total_carries_accepted_adjustments_only(city: dict) -> None:
    live_d1 = [v or 0 for v in selectors.unit_table(unit=city["d1"], period=PERIOD).values]
    d1 = _submit(
        city["users"]["d1"],
        city["d1"],
        adjustments={
            1: (live_d1[0] + 1, "线下开展的回头看，纸质材料已存档"),
            13: (3, "两项线下机制"),
        },
    )
    services.submission_accept(by=city["users"]["city"], submission=d1)
    live_d2 = selectors.unit_table(unit=city["d2"], period=PERIOD).values
    _submit(city["users"]["d2"], city["d2"], adjustments={13: (5, "待核实")})  # not accepted

    t = reported.reported_city_table(period=PERIOD)
    plain = plain_counts()
    assert plain == {1: 2, 9: 1, 13: 1}
    total = t.official_total.live
    assert total[0] == plain[1] + 1
    assert total[8] == plain[9]
    assert total[12] == plain[13] + (3 - live_d1[12])
    assert t.system_total.live[0] == plain[1]  # each enterprise once
    # the adjustments are footnoted with their reasons; the pending one is not carried
    texts = [f.text for f in t.footnotes]
    assert any("线下开展的回头看" in x and "已接收" in x for x in texts)
    assert any("待核实" in x and "未计入" in x for x in texts)
    by_reason = {f.reason: f.no for f in t.footnotes}
    assert t.official_total.marks[1] == [by_reason["线下开展的回头看，纸质材料已存档"]]
    assert by_reason["待核实"] not in t.official_total.marks[13]
    assert by_reason["两项线下机制"] in t.official_total.marks[13]
    assert live_d2[12] == 0
    # per unit: reported beside live, the difference marked
    row = next(r for r in t.units if r.unit == city["d1"])
    assert row.reported is not None
    assert row.reported[0] == live_d1[0] + 1 and row.live[0] == live_d1[0]
    assert row.differs[0] and not row.differs[1]
    assert next(r for r in t.units if r.unit == city["t1"]).reported is None


def test_the_own_row_leaves_no_unexplained_negative_difference(city: dict) -> None:
    t = reported.reported_city_table(period=PERIOD)
    assert t.own is not None and t.own.live[8] == 1  # the city office inspected d2
    diff = next(r for r in t.explanation if r.kind == "diff")
    assert all(v is None or v >= 0 for v in diff.live), diff.live
    assert selectors.city_table(period=PERIOD).difference.values[8] == -1  # without the row


def test_the_page_writes_how_the_total_is_formed_and_lists_the_reasons(city: dict) -> None:
    d1 = _submit(city["users"]["d1"], city["d1"], adjustments={13: (3, "两项线下机制")})
    services.submission_accept(by=city["users"]["city"], submission=d1)
    html = client_for(city["users"]["city"]).get(reverse("stats:city") + "?" + PQ).content.decode()
    assert "全市合计（上报数）＝ 全市系统合计 ＋ 已接收的调整" in html
    assert 'id="row-own"' in html and "南安市安委办本级" in html
    assert 'id="footnotes"' in html and "两项线下机制" in html
    assert "已接收" in html
    assert "stats-diff" in html
