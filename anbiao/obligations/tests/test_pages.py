"""The obligation pages: the list, one obligation with its rows and units, the .xlsx read
back, the dashboard's card, and a unit's own obligations."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.obligations.models import ObligationKind
from anbiao.obligations.tests import builders as b
from anbiao.orgs.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
ON_TIME = b.at(2099, 10, 1)  # before the test campaign's enterprise deadline (2099-10-31)
LATE = b.at(2099, 11, 2)


@pytest.fixture
def filled(world: Any) -> dict[str, Any]:
    """Four enterprises of the department in the town: on time, late, draft, nothing; the other
    department's enterprise submitted on time."""
    camp = b.campaign()
    ents = [world.ent] + [
        EnterpriseFactory.create(
            town=world.town, department=world.dept, organization__name=f"溪美企业{i}"
        )
        for i in range(3)
    ]
    b.lookback(camp, ents[0].organization, when=ON_TIME)
    b.lookback(camp, ents[1].organization, when=LATE)
    b.lookback(camp, ents[2].organization, status="draft", when=None)
    b.lookback(camp, world.ent_other.organization, when=ON_TIME)
    return {"campaign": camp, "ents": ents}


def detail_url(camp: Any, kind: str = ObligationKind.LOOKBACK_ENTERPRISE) -> str:
    return reverse("obligations:detail", args=[kind, str(camp.pk)])


def test_the_city_sees_a_row_per_department_and_town_and_the_total_once(
    world: Any, filled: dict
) -> None:
    c = b.client_for(world.users["city:viewer"])
    r = c.get(detail_url(filled["campaign"]))
    text = r.content.decode()
    assert r.status_code == 200
    # 5 enterprises: 4 of the department plus the other one; 3 reported, 2 on time
    assert "报送率 60%" in text and "及时率 40%" in text
    assert f'data-unit="{world.dept.pk}"' in text and f'data-unit="{world.town_other.pk}"' in text
    # the department's row leads to its units that have not reported
    r = c.get(detail_url(filled["campaign"]) + f"?unit={world.dept.pk}&state=missing")
    text = r.content.decode()
    names = {e.organization.name for e in filled["ents"][2:]}
    assert all(n in text for n in names)
    assert filled["ents"][0].organization.name not in text
    assert "共 2 个单位" in text


def test_a_department_sees_only_its_enterprises_and_no_rows(world: Any, filled: dict) -> None:
    c = b.client_for(world.users["department:viewer"])
    text = c.get(detail_url(filled["campaign"])).content.decode()
    assert "共 4 个单位" in text  # its four enterprises (the other department's is not here)
    assert world.ent_other.organization.name not in text
    assert "按成员单位" not in text
    # a row of the city's page is the city office's only
    r = c.get(detail_url(filled["campaign"]) + f"?unit={world.dept.pk}")
    assert r.status_code == 404


def test_the_export_reads_back_as_the_page(world: Any, filled: dict) -> None:
    c = b.client_for(world.users["city:viewer"])
    r = c.get(reverse("obligations:export", args=["lookback_ent", str(filled["campaign"].pk)]))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["报送率", "单位明细"]
    rates_rows = {row[0]: row[1:] for row in wb["报送率"].iter_rows(min_row=2, values_only=True)}
    assert rates_rows["合计"] == (5, 3, 2, 1, 2, 60, 40)
    assert rates_rows[world.dept.name] == (4, 2, 1, 1, 2, 50, 25)
    assert rates_rows[world.town_other.name] == (1, 1, 1, 0, 0, 100, 100)
    units = {row[0]: row for row in wb["单位明细"].iter_rows(min_row=2, values_only=True)}
    assert len(units) == 5
    ent_on_time, ent_late = filled["ents"][0], filled["ents"][1]
    assert units[ent_on_time.organization.name][4:] == (
        "2099年10月31日 23:59",
        "2099-10-01 12:00",
        "按时报送",
    )
    assert units[ent_late.organization.name][6] == "逾期报送"
    assert units[ent_late.organization.name][2] == world.town.name


def test_the_dashboard_shows_the_rates_and_links_to_the_pages(world: Any, filled: dict) -> None:
    c = b.client_for(world.users["city:viewer"])
    r = c.get(reverse("dashboards:home") + f"?campaign={filled['campaign'].pk}")
    text = r.content.decode()
    assert "报送率与及时率" in text
    assert detail_url(filled["campaign"]) in text
    card = text[text.index('id="panel-obligations"') :]
    row = card[card.index(f'data-obligation="lookback_ent:{filled["campaign"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert [v in row for v in (">5<", ">3<", ">2<", "60%", "40%")] == [True] * 5


def test_the_list_shows_a_units_own_obligations_with_its_deadline(world: Any, filled: dict) -> None:
    c = b.client_for(world.users["enterprise:filler"])
    text = c.get(reverse("obligations:list")).content.decode()
    assert "本单位应报事项" in text and "按时报送" in text
    assert "2099年10月31日 23:59" in text
    # an enterprise follows no rates of other units
    assert 'id="campaign"' not in text
    assert c.get(detail_url(filled["campaign"])).status_code == 404


def test_the_list_shows_the_months_and_the_tasks_with_their_rates(world: Any) -> None:
    camp = b.campaign()
    b.monthly(world.dept, dt.date(2024, 9, 1), first=b.at(2024, 9, 20))
    period = b.task_period(world.city, [world.dept, world.town], dt.date(2099, 9, 30))
    b.task_submission(period, world.town, when=b.at(2099, 9, 1))
    c = b.client_for(world.users["city:viewer"])
    text = c.get(reverse("obligations:list") + f"?campaign={camp.pk}").content.decode()
    sep = text[text.index('data-obligation="case_month:2024-09"') :]
    sep = sep[: sep.index("</tr>")]
    assert ">2<" in sep and ">1<" in sep and "50%" in sep  # two departments, one reported
    row = text[text.index(f'data-obligation="task:{period.pk}"') :]
    row = row[: row.index("</tr>")]
    assert ">2<" in row and ">1<" in row and "50%" in row


def test_unknown_obligations_answer_404(world: Any) -> None:
    c = b.client_for(world.users["city:viewer"])
    for kind, ref in (
        ("lookback_ent", "x"),
        ("case_month", "2024-13"),
        ("task", "nope"),
        ("x", "1"),
    ):
        assert c.get(reverse("obligations:detail", args=[kind, ref])).status_code == 404
