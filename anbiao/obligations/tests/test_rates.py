"""应报 / 已报 / 按时报 of the campaign look-backs against a count written plainly in the test.

A small city (two departments, one with a sub-unit; two towns) gets enterprises and government
units in every state — not started, draft, returned, submitted on time, late, accepted — some
with a granted (or a pending, or a refused) extension. The expected numbers are counted here
from the spec, with the deadline rule spelled out (late from the next day, 00:00 Shanghai).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anbiao.accounts.models import Role
from anbiao.obligations import rates
from anbiao.obligations.kinds import campaign_obligation
from anbiao.obligations.models import ObligationKind
from anbiao.obligations.tests import builders as b
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DEADLINE = dt.date(2099, 10, 31)  # the test campaign's 企业填报截止日期
GOV_DEADLINE = dt.date(2099, 11, 15)

# what a unit did: (checklist status or None, days after the deadline it submitted)
STATES = st.sampled_from(
    [
        (None, 0),
        ("draft", 0),
        ("returned", -3),
        ("submitted", -2),
        ("submitted", 0),  # on the deadline day, 23:59: on time
        ("submitted", 1),  # the next day, 00:00: late
        ("accepted", 4),
    ]
)
EXTENSIONS = st.sampled_from([None, ("granted", 2), ("granted", 9), ("pending", 9), ("refused", 9)])
ENTERPRISE = st.tuples(
    st.integers(0, 2),  # department: 0, 1, or 2 = the sub-unit of department 0
    st.integers(0, 1),  # town
    st.booleans(),  # closed
    STATES,
    EXTENSIONS,
)
SPEC = st.fixed_dictionaries(
    {
        "enterprises": st.lists(ENTERPRISE, max_size=9),
        "governments": st.lists(st.tuples(STATES, EXTENSIONS), min_size=6, max_size=6),
    }
)


def instant(deadline: dt.date, days: int) -> dt.datetime:
    """days == 0: 23:59:59 on the deadline day; days == 1: 00:00 the next day."""
    if days <= 0:
        return dt.datetime.combine(deadline + dt.timedelta(days=days), dt.time(23, 59, 59), SH)
    return dt.datetime.combine(deadline + dt.timedelta(days=days), dt.time(0, 0), SH)


@pytest.fixture
def city(db: Any) -> dict[str, Any]:
    campaign = b.campaign()
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    d0 = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    d1 = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="住建局")
    sub = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局执法大队", parent=d0)
    t0 = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    t1 = OrganizationFactory.create(kind=OrgKind.TOWN, name="水头镇")
    return {
        "campaign": campaign,
        "city": city,
        "depts": [d0, d1, sub],
        "towns": [t0, t1],
        "govs": [city, d0, d1, sub, t0, t1],
        "user": {o.pk: make_user(o, Role.VIEWER) for o in (city, d0, d1, sub, t0, t1)},
    }


def effective(deadline: dt.date, ext: tuple[str, int] | None) -> dt.date:
    if ext is not None and ext[0] == "granted":
        return deadline + dt.timedelta(days=ext[1])
    return deadline


def build(w: dict[str, Any], spec: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
    """Write the spec; return every unit (registry row or None, its plainly counted (reported,
    on time) or None when not expected, organization)."""
    campaign = w["campaign"]
    units: list[tuple[Any, Any, Any]] = []
    for i, (d, t, closed, state, ext) in enumerate(spec["enterprises"]):
        ent = EnterpriseFactory.create(
            department=w["depts"][d],
            town=w["towns"][t],
            is_closed=closed,
            organization__name=f"企业{i}",
        )
        org = ent.organization
        _write(
            campaign, org, state, ext, ObligationKind.LOOKBACK_ENTERPRISE, DEADLINE, w["depts"][d]
        )
        units.append((ent, None if closed else _plain(state, ext, DEADLINE), org))
    for org, (state, ext) in zip(w["govs"], spec["governments"], strict=True):
        _write(
            campaign, org, state, ext, ObligationKind.LOOKBACK_GOVERNMENT, GOV_DEADLINE, w["city"]
        )
        units.append((None, _plain(state, ext, GOV_DEADLINE), org))
    return units


def _plain(state: tuple[str | None, int], ext: Any, deadline: dt.date) -> tuple[bool, bool]:
    status, days = state
    if status not in ("submitted", "accepted"):
        return False, False
    due = effective(deadline, ext)
    at = instant(deadline, days)
    late_from = dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min, SH)
    return True, at < late_from


def _write(
    campaign: Any, org: Any, state: Any, ext: Any, kind: str, deadline: dt.date, decider: Any
):
    status, days = state
    if status is not None:
        when = instant(deadline, days) if status != "draft" else None
        b.lookback(campaign, org, status=status, when=when)
    if ext is not None:
        b.extension(
            kind,
            campaign.pk,
            org,
            decider,
            to=deadline + dt.timedelta(days=ext[1]),
            status=ext[0],
            original=deadline,
        )


def plain_rates(units: list[tuple[Any, Any, Any]], keep: Any) -> tuple[int, int, int]:
    rows = [c for e, c, o in units if c is not None and keep(e, o)]
    return len(rows), sum(r for r, _ in rows), sum(t for _, t in rows)


def _rolled_back(fn: Any) -> Any:
    with transaction.atomic():
        try:
            return fn()
        finally:
            transaction.set_rollback(True)


def as_tuple(r: rates.Rates) -> tuple[int, int, int]:
    return (r.expected, r.reported, r.on_time)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=SPEC)
def test_every_units_rates_match_a_plain_count(city: dict[str, Any], spec: dict) -> None:
    def check() -> None:
        units = build(city, spec)
        d0, d1, sub = city["depts"]
        family = {d0.pk: {d0.pk, sub.pk}, d1.pk: {d1.pk}}
        ents = [(e, c, o) for e, c, o in units if e is not None]
        govs = [(e, c, o) for e, c, o in units if e is None]
        ob_e = campaign_obligation(ObligationKind.LOOKBACK_ENTERPRISE, city["campaign"])
        ob_g = campaign_obligation(ObligationKind.LOOKBACK_GOVERNMENT, city["campaign"])
        city_user = city["user"][city["city"].pk]

        # the city office: the total counts each unit once; each row its own units
        be = rates.breakdown(ob_e, city_user)
        assert as_tuple(be.total) == plain_rates(ents, lambda e, o: True)
        rows = {r.unit.pk: as_tuple(r.rates) for _, group in be.groups for r in group}
        for dept, members in family.items():
            want = plain_rates(ents, lambda e, o, m=members: e.department_id in m)
            assert rows.get(dept, (0, 0, 0)) == want
        for town in city["towns"]:
            want = plain_rates(ents, lambda e, o, t=town: e.town_id == t.pk)
            assert rows.get(town.pk, (0, 0, 0)) == want
        bg = rates.breakdown(ob_g, city_user)
        assert as_tuple(bg.total) == plain_rates(govs, lambda e, o: True)

        # a department and a town see their own enterprises; the same as their row
        for dept, members in family.items():
            got = rates.totals(ob_e, city["user"][dept])
            assert as_tuple(got) == plain_rates(ents, lambda e, o, m=members: e.department_id in m)
            got_g = rates.totals(ob_g, city["user"][dept])
            assert as_tuple(got_g) == plain_rates(govs, lambda e, o, m=members: o.pk in m)
        for town in city["towns"]:
            got = rates.totals(ob_e, city["user"][town.pk])
            assert as_tuple(got) == plain_rates(ents, lambda e, o, t=town: e.town_id == t.pk)

        # the units behind the numbers: each state lists exactly that many units
        total = be.total
        for state, n in (
            ("", total.expected),
            ("reported", total.reported),
            ("on_time", total.on_time),
            ("late", total.late),
            ("missing", total.missing),
        ):
            assert rates.unit_statuses(ob_e, city_user, state=state).count() == n, state
        for row in be.departments + be.towns:
            listed = rates.unit_statuses(ob_e, city_user, state="missing", unit=row.unit).count()
            assert listed == row.rates.missing, row.unit.name

    _rolled_back(check)


def test_the_number_of_queries_does_not_grow_with_the_enterprises(city: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ob = campaign_obligation(ObligationKind.LOOKBACK_ENTERPRISE, city["campaign"])
    city_user = city["user"][city["city"].pk]

    def queries() -> int:
        rates.breakdown(ob, city_user)  # warm: the user's scope cache
        with CaptureQueriesContext(connection) as ctx:
            rates.breakdown(ob, city_user)
        return len(ctx.captured_queries)

    build(
        city,
        {
            "enterprises": [(0, 0, False, ("submitted", 1), ("granted", 3))],
            "governments": [((None, 0), None)] * 6,
        },
    )
    few = queries()
    build(
        city,
        {
            "enterprises": [
                (i % 3, i % 2, False, ("submitted", i % 3 - 1), ("granted", i % 4 + 1))
                for i in range(12)
            ],
            "governments": [((None, 0), None)] * 6,
        },
    )
    assert queries() == few
