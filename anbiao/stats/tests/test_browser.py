"""In Chromium: a department opens its table, follows a number to its records, submits with an
adjustment; the city office sees the submission and returns it."""

from __future__ import annotations

import os
from typing import Any

import pytest

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.stats.models import StatsSubmission, SubmissionStatus
from anbiao.stats.tests import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ANBIAO_SHOTS")
PQ = f"start={b.PERIOD_START}&end={b.PERIOD_END}"


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/stats-{name}.png", full_page=True)


def test_a_department_submits_with_an_adjustment_and_the_city_returns_it(
    log_in: Any,
) -> None:
    tv = b.template_version("enterprise")
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办本级")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局（测试）")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道（测试）")
    for i in range(3):
        e = EnterpriseFactory.create(
            department=dept, town=town, organization__name=f"测试企业{i}有限公司"
        )
        b.lookback(
            e.organization,
            status="submitted",
            when=b.TIMES["in"],
            problems=2,
            tv=tv[0],
            clause=tv[1],
        )
    make_user(dept, Role.FILLER, username="dfiller")
    make_user(city, Role.ORG_ADMIN, username="cadmin")

    page = log_in("dfiller")
    page.get_by_role("link", name="统计表").first.click()
    page.goto(f"/stats/?{PQ}")
    cell = page.locator("#live-table a[data-col='1']")
    assert cell.inner_text() == "3"
    shot(page, "table")
    cell.click()
    assert page.locator("#total").inner_text() == "3"
    assert page.locator("#drill-table tbody tr").count() == 3
    page.go_back()
    page.get_by_role("link", name="填报本期统计表").click()
    page.locator("input[name=v03]").fill("8")
    page.get_by_label("填报人").fill("许丽萍")
    page.get_by_label("联系电话").fill("0595-86300001")
    page.get_by_role("button", name="确认填报").click()
    assert "调整原因" in page.content() and "必须写明原因" in page.content()
    page.locator("input[name=r03]").fill("线下检查发现问题2个")
    page.get_by_role("button", name="确认填报").click()
    page.wait_for_selector("#frozen-table")
    assert "8（系统 6，调整 +2：线下检查发现问题2个）" in page.locator("#frozen-table").inner_text()
    shot(page, "submitted")
    assert page.console_errors == []

    city_page = log_in("cadmin")
    city_page.goto(f"/stats/submissions/?{PQ}")
    assert city_page.locator("#n-submitted").inner_text() == "1"
    city_page.get_by_role("link", name="已填报").click()
    city_page.get_by_label("退回原因").fill("请附盖章扫描件")
    city_page.get_by_role("button", name="退回").click()
    city_page.wait_for_selector("text=已退回")
    sub = StatsSubmission.objects.get()
    assert sub.status == SubmissionStatus.RETURNED
    city_page.goto(f"/stats/city/?{PQ}")
    assert "全市合计" in city_page.content()
    shot(city_page, "city")
    assert city_page.console_errors == []


def test_the_city_office_accepts_a_table_and_the_city_total_carries_its_adjustment(
    log_in: Any,
) -> None:
    from anbiao.stats import services
    from anbiao.stats.columns import Period

    city = OrganizationFactory.create(kind=OrgKind.CITY, name="南安市安委办（测试）")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局（测试）")
    OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道（测试）")
    filler = make_user(dept, Role.FILLER, username="dfiller2")
    make_user(city, Role.ORG_ADMIN, username="cadmin2")
    services.submission_submit(
        by=filler,
        unit=dept,
        period=Period(b.PERIOD_START, b.PERIOD_END),
        filler_name="许丽萍",
        phone="0595-86300001",
        adjustments={13: (2, "线下建立的联合执法机制2项")},
    )
    page = log_in("cadmin2")
    page.goto(f"/stats/submissions/?{PQ}")
    page.get_by_role("link", name="已填报").click()
    page.get_by_role("button", name="接收").click()
    page.wait_for_selector("#sub-status >> text=已接收")
    assert StatsSubmission.objects.get().status == SubmissionStatus.ACCEPTED
    page.goto(f"/stats/city/?{PQ}")
    total = page.locator("#row-total td").nth(12).inner_text()
    assert total.startswith("2")
    assert "线下建立的联合执法机制2项" in page.locator("#footnotes").inner_text()
    assert "全市合计（上报数）＝ 全市系统合计 ＋ 已接收的调整" in page.content()
    assert "工作机制每个都须附佐证材料" in page.locator("#warnings").inner_text()
    shot(page, "city-accepted")
    assert page.console_errors == []
