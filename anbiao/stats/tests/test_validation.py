"""The validation rules of 附件3: each fires on a crafted violation and stays silent on clean
data; they run on submission (recorded in the audit entry) and on the city table (warnings
with drill-down links)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from anbiao.core.models import AuditEntry
from anbiao.stats import reported, selectors, services, validation
from anbiao.stats.tests import test_stats
from anbiao.stats.tests.test_stats import PERIOD, PQ, _submit, client_for

pytestmark = pytest.mark.django_db
city = test_stats.city  # the fixture


def _problems(**changes: Any) -> None:
    """Change one counted inspection problem of 应急管理局 (status, grade)."""
    from anbiao.rectification.models import Problem

    p = Problem.objects.filter(
        status="pending",
        recorded_org__name="应急管理局",
        inspection_link__inspection__status="completed",
    ).order_by("pk")[0]
    for key, value in changes.items():
        setattr(p, key, value)
    p.save()


def _facts(unit: Any, change: Callable[[list[int | None]], None]) -> validation.Facts:
    live = selectors.unit_table(unit=unit, period=PERIOD).values
    rep = list(live)
    change(rep)
    return validation.Facts(
        unit, unit.name, PERIOD, rep, live, validation.ScopeCounts.load().of(unit)
    )


def _set(no: int, value: int) -> Callable[[list[int | None]], None]:
    def change(values: list[int | None]) -> None:
        values[no - 1] = value

    return change


CASES = {
    "closed_le_problems": ({"status": "closed"}, _set(8, 0)),
    "major_le_problems": ({"grade": "major"}, _set(8, 0)),
    "inspected_le_scope": ({}, _set(7, 5)),
    "lookbacks_le_scope": ({}, _set(1, 3)),
    "experiences_have_evidence": ({}, _set(11, 4)),
    "gov_experiences_have_evidence": ({}, _set(12, 2)),
    "mechanisms_have_evidence": ({}, _set(13, 3)),
}


def test_every_rule_is_data_with_a_chinese_text_and_a_case_here() -> None:
    assert set(CASES) == set(validation.RULE_BY_CODE)
    for rule in validation.RULES:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.text)
        assert rule.columns


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_rule_fires_on_a_crafted_violation_only(city: dict, code: str) -> None:
    record_change, figure_change = CASES[code]
    if record_change:
        _problems(**record_change)
    warnings = validation.check(_facts(city["d1"], figure_change), period_query=PERIOD.query())
    assert [w.rule.code for w in warnings] == [code]
    w = warnings[0]
    assert w.text.startswith("应急管理局：") and "＞" in w.text
    no = w.rule.columns[0]
    assert w.links[0][1].startswith(reverse("stats:drill", args=[no]) + f"?unit={city['d1'].pk}")


def test_the_rules_stay_silent_on_clean_data(city: dict) -> None:
    _problems(status="closed")  # closed and major problems, figures as counted
    _problems(grade="major")
    for unit in (city["office"], city["d1"], city["d2"], city["t1"], city["t2"]):
        assert validation.check(_facts(unit, lambda v: None)) == [], unit.name
    assert validation.check_city(reported.reported_city_table(period=PERIOD)) == []


def test_the_scope_count_is_the_registry_count(city: dict) -> None:
    counts = validation.ScopeCounts.load()
    assert counts.of(city["d1"]) == 2 and counts.of(city["t2"]) == 2
    assert counts.of(city["office"]) == 4


def test_rules_run_on_submission_and_warn_on_the_city_table(city: dict) -> None:
    sub = _submit(city["users"]["d1"], city["d1"], adjustments={13: (3, "线下两项")})
    entry = AuditEntry.objects.get(action="anbiao.stats.submitted")
    assert entry.data["warnings"] == ["mechanisms_have_evidence"]
    services.submission_accept(by=city["users"]["city"], submission=sub)
    html = client_for(city["users"]["city"]).get(reverse("stats:city") + "?" + PQ).content.decode()
    assert 'id="warnings"' in html
    assert 'data-rule="mechanisms_have_evidence"' in html
    assert "工作机制每个都须附佐证材料" in html
    assert reverse("stats:drill", args=[13]) in html
    detail = reverse("stats:submission_detail", args=[sub.pk])
    assert (
        "工作机制每个都须附佐证材料" in client_for(city["users"]["d1"]).get(detail).content.decode()
    )
