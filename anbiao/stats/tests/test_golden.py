"""附件3 exports (a unit's table and the consolidated city table, .xlsx and .docx) against
reviewed golden files (tests/golden/*.txt): a layout change shows as a diff. A small city with
fixed names and dates, so the files are the same on SQLite and PostgreSQL;
``UPDATE_GOLDEN=1`` rewrites them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from anbiao.accounts.models import Role
from anbiao.core.tests.golden import assert_golden, dump_docx, dump_xlsx
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.stats import exports, reported, selectors, services
from anbiao.stats.columns import Period
from anbiao.stats.tests import builders as b

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
PERIOD = Period(b.PERIOD_START, b.PERIOD_END)
TODAY = dt.date(2025, 1, 6)
RENDER = {"xlsx": (exports.render_xlsx, dump_xlsx), "docx": (exports.render_docx, dump_docx)}


@pytest.fixture
def city() -> dict[str, Any]:
    """市安委办, two departments, two towns, three enterprises, with look-backs, a report, an
    experience with evidence, an inspection and an exposure batch inside the period."""
    tv_e, tv_g = b.template_version("enterprise"), b.template_version("government")
    office = OrganizationFactory.create(kind=OrgKind.CITY, name="南安市安全生产委员会办公室")
    safety = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    housing = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市住房和城乡建设局")
    ximei = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    liucheng = OrganizationFactory.create(kind=OrgKind.TOWN, name="柳城街道")
    names = ("南安市示例石材有限公司", "南安市示例陶瓷有限公司", "南安市示例建筑工程有限公司")
    places = ((safety, ximei), (safety, liucheng), (housing, ximei))
    ents = [
        EnterpriseFactory.create(organization__name=n, department=d, town=t)
        for n, (d, t) in zip(names, places, strict=True)
    ]
    when = b.TIMES["in"]
    for ent, status, problems in zip(
        ents, ("submitted", "accepted", "draft"), (2, 1, 4), strict=True
    ):
        at = when if status != "draft" else None
        b.lookback(
            ent.organization, status=status, when=at, problems=problems, tv=tv_e[0], clause=tv_e[1]
        )
    b.lookback(safety, status="submitted", when=when, problems=3, tv=tv_g[0], clause=tv_g[1])
    b.lookback(ximei, status="accepted", when=when, problems=1, tv=tv_g[0], clause=tv_g[1])
    camp = b.campaign(tv_e[0], tv_g[0])
    b.report(ents[0].organization, camp=camp, finalized=True, when=when)
    b.report(safety, camp=camp, finalized=True, when=when)
    b.record(
        ents[0].organization, kind="experience", submitted=True, evidence=True, date=b.DATES["in"]
    )
    b.record(safety, kind="mechanism", submitted=True, evidence=True, date=b.DATES["in"])
    b.inspection(safety, ents[0].organization, completed=True, date=b.DATES["in"], problems=2)
    b.inspection(office, housing, completed=True, date=b.DATES["in"], problems=1)
    b.batch(safety, published=True, date=b.DATES["in"], enterprises=[ents[0], ents[1]])
    return {"office": office, "safety": safety}


def _accepted_adjustment(city: dict[str, Any]) -> None:
    """南安市应急管理局 reports one mechanism more than the system counts, and it is accepted."""
    filler = make_user(city["safety"], Role.FILLER)
    sub = services.submission_submit(
        by=filler,
        unit=city["safety"],
        period=PERIOD,
        filler_name="许丽萍",
        phone="0595-86381000",
        adjustments={13: (2, "线下建立的联合执法机制1项，纸质材料已报市安委办")},
    )
    services.submission_accept(by=make_user(city["office"], Role.FILLER), submission=sub)


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_a_units_table_matches_its_golden_file(city: dict[str, Any], fmt: str) -> None:
    render, dump = RENDER[fmt]
    table = selectors.unit_table(unit=city["safety"], period=PERIOD)
    sheet = exports.unit_sheet(table, None, today=TODAY)
    assert_golden(GOLDEN / f"附件3_单位.{fmt}.txt", dump(render(sheet)))


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_the_city_table_matches_its_golden_file(city: dict[str, Any], fmt: str) -> None:
    render, dump = RENDER[fmt]
    _accepted_adjustment(city)
    table = reported.reported_city_table(period=PERIOD)
    sheet = exports.city_sheet(table, city_name=city["office"].name, today=TODAY)
    assert_golden(GOLDEN / f"附件3_全市.{fmt}.txt", dump(render(sheet)))
