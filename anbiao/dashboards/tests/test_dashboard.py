from __future__ import annotations

import io
import json
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.tests.helpers import login_fully
from anbiao.checklists.models import SUBMITTED_STATUSES, Checklist
from anbiao.dashboards import selectors
from anbiao.dashboards.tests.helpers import make_city
from anbiao.orgs.models import Enterprise
from anbiao.rectification.models import OPEN_STATUSES, Problem
from anbiao.rectification.tests.helpers import problem

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["city", "dept", "town"])
def test_the_dashboard_query_count_does_not_grow_with_the_number_of_enterprises(
    client, who, django_assert_max_num_queries
):
    small = make_city(6)
    login_fully(client, small.users[who])
    url = reverse("dashboards:home")
    few = _queries(client, url)
    # Grow the same city tenfold: same units, many more enterprises and problems.
    from anbiao.orgs.tests.factories import EnterpriseFactory

    for i in range(60):
        e = EnterpriseFactory.create(department=small.depts[i % 2], town=small.towns[i % 2])
        if i % 3 == 0:
            problem(e.organization, deadline=date(2000, 1, 1))
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200
    assert _queries(client, url) == few


def test_the_dashboard_stays_under_a_fixed_query_budget(client, django_assert_max_num_queries):
    c = make_city(30)
    login_fully(client, c.users["city"])
    with django_assert_max_num_queries(40):
        assert client.get(reverse("dashboards:home")).status_code == 200


def test_completion_by_town_equals_an_independent_count(client):
    c = make_city(12)
    dash = selectors.dashboard_for(user=c.users["city"], campaign=c.campaign)
    chart = dash.chart("by_town")
    for town in c.towns:
        row = next(r for r in chart.rows if r.label == town.name)
        total = Enterprise.objects.filter(town=town).count()
        submitted = Checklist.objects.filter(
            organization__enterprise__town=town, status__in=SUBMITTED_STATUSES
        ).count()
        assert row.values[:2] == [total, submitted]
        assert total == 6 and submitted == 3
        query = parse_qs(urlparse(row.url).query)
        assert query["town"] == [str(town.pk)]
        assert query["state"] == ["all"]


def test_a_department_dashboard_counts_only_its_primary_enterprises(client):
    c = make_city(12)
    dash = selectors.dashboard_for(user=c.users["dept"], campaign=c.campaign)
    rows = dash.chart("by_department").rows
    assert [r.label for r in rows] == [c.depts[0].name]
    assert rows[0].values[0] == Enterprise.objects.filter(department=c.depts[0]).count() == 6


def test_problem_figures_equal_the_problem_list_behind_each_link(client):
    c = make_city(4)
    today = date.today()
    problem(c.enterprises[0].organization, deadline=today - timedelta(days=3))
    problem(c.enterprises[1].organization, deadline=today + timedelta(days=3))
    problem(c.enterprises[2].organization)
    login_fully(client, c.users["city"])
    dash = selectors.dashboard_for(user=c.users["city"], campaign=c.campaign)
    rows = {r.label: r for r in dash.chart("problems").rows}
    assert rows["未销号"].values == [Problem.objects.filter(status__in=OPEN_STATUSES).count()]
    assert rows["已逾期"].values == [1]
    # The list the 已逾期 bar leads to shows exactly that problem.
    page = client.get(rows["已逾期"].url)
    assert page.status_code == 200
    assert page.content.decode().count("/rectification/") >= 1
    listed = page.context["page"].paginator.count
    assert listed == 1


def test_every_chart_downloads_as_xlsx_with_its_table_rows(client):
    c = make_city(8)
    login_fully(client, c.users["city"])
    dash = selectors.dashboard_for(user=c.users["city"], campaign=c.campaign)
    for chart in dash.charts:
        response = client.get(reverse("dashboards:chart_xlsx", args=[chart.key]))
        assert response.status_code == 200, chart.key
        wb = load_workbook(
            io.BytesIO(
                b"".join(response.streaming_content) if response.streaming else response.content
            )
        )
        ws = wb.active
        assert [c.value for c in ws[1]] == chart.headers
        body = [[cell.value for cell in row] for row in ws.iter_rows(min_row=2)]
        assert body == [[r.label, *r.values] for r in chart.rows]


def test_the_page_carries_chart_data_and_a_table_with_links(client):
    c = make_city(4)
    login_fully(client, c.users["city"])
    html = client.get(reverse("dashboards:home")).content.decode()
    assert 'id="chart-data"' in html
    assert 'data-table="by_town"' in html
    assert "echarts.min.js" in html and "dashboards.js" in html
    start = html.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert {d["key"] for d in data} >= {"by_town", "by_department", "by_class", "problems"}
    assert "督导检查模块尚未启用" in html or any(d["key"] == "inspections" for d in data)


def test_the_home_page_shows_the_dashboard_card_first_for_government_units(client):
    c = make_city(1)
    login_fully(client, c.users["town"])
    from anbiao.core.menu import home_cards

    cards = home_cards(c.users["town"])
    assert cards[0].title == "工作台"
    assert cards[0].url == reverse("dashboards:home")


def test_an_enterprise_sees_its_own_to_do_list(client):
    from anbiao.accounts.models import Role
    from anbiao.checklists.tests.helpers import fill_all, start
    from anbiao.orgs.tests.factories import make_user

    c = make_city(2, submitted_every=99)
    ent = c.enterprises[1]
    user = make_user(ent.organization, Role.FILLER)
    checklist = start(ent.organization, user)
    fill_all(checklist)
    first = checklist.answers.order_by("clause__position").first()
    first.result = ""
    first.save()
    problem(ent.organization, description="消防通道堵塞", deadline=date(2000, 1, 1))
    problem(c.enterprises[0].organization, description="别人的问题")
    login_fully(client, user)
    response = client.get(reverse("dashboards:todo"))
    html = response.content.decode()
    assert response.context["todo"].clauses_left == 1
    assert "消防通道堵塞" in html and "已逾期" in html
    assert "别人的问题" not in html


def test_the_reconciliation_lists_units_whose_platform_count_differs(client):
    c = make_city(4)
    Enterprise.objects.filter(pk=c.enterprises[0].pk).update(on_regional_platform=True)
    from anbiao.accounts.models import Role
    from anbiao.orgs.tests.factories import make_user

    login_fully(client, make_user(c.city, Role.VIEWER))
    response = client.get(reverse("dashboards:reconcile"))
    rows = {r.unit.name: r for r in response.context["rows"]}
    dept = rows[c.depts[0].name]
    assert (dept.registry, dept.on_platform, dept.not_on_platform) == (2, 1, 1)
    assert c.depts[0].name in response.content.decode().split("差异清单")[1]


def test_inspection_figures_equal_the_lists_behind_their_links(client):
    from anbiao.inspections.models import Inspection, InspectionStatus

    c = make_city(6)
    for i, status in enumerate([InspectionStatus.COMPLETED] * 2 + [InspectionStatus.DRAFT]):
        Inspection.objects.create(
            inspector=c.depts[0],
            target=c.enterprises[i].organization,
            date=date(2024, 10, 1),
            campaign=c.campaign,
            status=status,
        )
    Inspection.objects.create(
        inspector=c.city,
        target=c.towns[0],
        date=date(2024, 10, 2),
        campaign=c.campaign,
        status=InspectionStatus.COMPLETED,
    )
    login_fully(client, c.users["city"])
    dash = selectors.dashboard_for(user=c.users["city"], campaign=c.campaign)
    rows = {r.label: r for r in dash.chart("inspections").rows}
    assert rows["已完成检查（次）"].values == [3]
    assert rows["检查企业（次）"].values == [2]
    assert rows["本期从未检查的企业"].values == [4]
    for row in rows.values():
        page = client.get(row.url)
        assert page.status_code == 200
        assert page.context["page"].paginator.count == row.values[0], row.label
