"""How the table is computed: one unit's scope read from the government units is the tree's,
the numbers follow the period, the unit and the government units (nothing is kept between two
tables), and the statistics are plain ORM queries (no SQL text, no planner settings, no caches)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from anbiao.orgs.models import OrgKind
from anbiao.orgs.scope import descendant_ids
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory
from anbiao.stats import selectors
from anbiao.stats.columns import Period, roots_load
from anbiao.stats.tests import builders as b

pytestmark = pytest.mark.django_db
PERIOD = Period(b.PERIOD_START, b.PERIOD_END)


@pytest.fixture
def world() -> dict[str, Any]:
    tv = b.template_version("enterprise")
    office = OrganizationFactory.create(kind=OrgKind.CITY)
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    squad = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, parent=dept)
    post = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, parent=squad)  # two levels down
    town = OrganizationFactory.create(kind=OrgKind.TOWN)
    e1 = EnterpriseFactory.create(department=dept, town=town)
    e2 = EnterpriseFactory.create(department=post, town=town)
    for ent, when, problems in ((e1, "in", 2), (e2, "after", 3)):
        b.lookback(
            ent.organization, status="submitted", when=b.TIMES[when], problems=problems,
            tv=tv[0], clause=tv[1],
        )  # fmt: skip
    b.inspection(squad, e2.organization, completed=True, date=b.DATES["in"], problems=1)
    b.inspection(office, town, completed=True, date=b.DATES["in"], problems=2)
    return {"office": office, "dept": dept, "squad": squad, "post": post, "town": town}


def test_a_top_level_units_scope_from_the_government_units_is_its_tree(world: dict) -> None:
    roots = roots_load()
    for unit in (world["office"], world["dept"], world["town"]):
        assert selectors.scope_for(unit, roots).unit_ids == frozenset(descendant_ids(unit))
    assert selectors.scope_for(world["dept"], roots).unit_ids == {
        world["dept"].pk, world["squad"].pk, world["post"].pk,
    }  # fmt: skip
    # a sub-unit's own scope is walked in the tree (roots only know the top-level units)
    assert selectors.scope_for(world["squad"], roots).unit_ids == {
        world["squad"].pk, world["post"].pk,
    }  # fmt: skip


def test_the_numbers_follow_the_period_the_unit_and_the_government_units(
    world: dict,
) -> None:
    later = Period(b.PERIOD_START, b.DATES["after"])
    dept, town = world["dept"], world["town"]
    # the same unit in two periods: the late look-back (3 problems) only in the longer one
    assert selectors.unit_table(unit=dept, period=PERIOD).values[:3] == [1, 0, 2]
    assert selectors.unit_table(unit=dept, period=later).values[:3] == [2, 0, 5]
    assert selectors.unit_table(unit=dept, period=PERIOD).values[:3] == [1, 0, 2]
    # a town after a department: its own statements
    assert selectors.unit_table(unit=town, period=later).values[:3] == [2, 0, 5]
    assert selectors.unit_table(unit=town, period=PERIOD).values[6:10] == [0, 0, 0, 0]
    assert selectors.unit_table(unit=dept, period=PERIOD).values[6:10] == [1, 1, 0, 0]
    office = selectors.unit_table(unit=world["office"], period=PERIOD).values
    assert office[6:10] == [1, 1, 1, 2]
    # a new department: the government units changed, so did the statements (its row appears,
    # the enterprise moved under it counts there)
    before = selectors.city_table(period=PERIOD)
    new = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    from anbiao.orgs.services import enterprise_update

    e1 = dept.supervised_enterprises.get(town=town, department=dept)
    enterprise_update(by=None, enterprise=e1, department=new)
    after = selectors.city_table(period=PERIOD)
    assert {r.unit for r in after.departments} == {*(r.unit for r in before.departments), new}
    rows = {r.unit: r.values[:3] for r in after.departments}
    assert rows[new] == [1, 0, 2] and rows[dept] == [0, 0, 0]
    assert after.total.values == before.total.values


STATS = Path(__file__).resolve().parents[1]


def test_the_statistics_are_plain_orm_queries() -> None:
    """No SQL text, planner settings or per-process caches in the statistics app's code."""
    banned = (
        "cursor",
        "set_config",
        "enable_hash",
        ".raw(",
        "RawSQL",
        "compose_sql",
        "get_compiler",
        "@cache\n",  # functools.cache (a per-instance @cached_property is fine)
        "functools.cache",
        "lru_cache",
        "_STATEMENTS",
    )
    for f in sorted(STATS.rglob("*.py")):
        if "tests" in f.parts or "migrations" in f.parts:
            continue
        text = f.read_text(encoding="utf-8")
        found = [b for b in banned if b in text]
        assert not found, f"{f.name}: {found}"
