"""In Chromium at phone width (390×844): the city office follows an obligation down to the
units that have not reported; an enterprise asks for an extension; its department grants it."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest

from anbiao.accounts.models import Role
from anbiao.obligations.models import Extension, ExtensionStatus
from anbiao.obligations.tests import builders as b
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ANBIAO_SHOTS")


def fits(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, name


def test_follow_an_obligation_and_extend_one_units_deadline(log_in) -> None:  # noqa: ANN001
    camp = b.campaign()
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="南安市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    done = EnterpriseFactory.create(
        town=town, department=dept, organization__name="已报送石材有限公司"
    )
    behind = EnterpriseFactory.create(
        town=town, department=dept, organization__name="未报送陶瓷有限公司"
    )
    b.lookback(camp, done.organization, when=b.at(2099, 10, 1))
    make_user(city, Role.VIEWER, username="city1")
    make_user(dept, Role.ORG_ADMIN, username="dept1")
    make_user(behind.organization, Role.FILLER, username="ent1")

    office = log_in("city1", phone=True)
    office.goto(f"/obligations/?campaign={camp.pk}")
    fits(office, "obligations-list")
    office.get_by_role("link", name="企业“回头看”细则（附件2）").first.click()
    office.get_by_text("报送率 50%").wait_for()
    fits(office, "obligations-detail")
    office.locator(f'tr[data-unit="{dept.pk}"]').get_by_role("link", name="1").last.click()
    office.get_by_text("共 1 个单位").wait_for()
    assert office.get_by_text("未报送陶瓷有限公司").is_visible()
    assert not office.get_by_text("已报送石材有限公司").is_visible()

    ent = log_in("ent1", phone=True)
    ent.goto("/obligations/")
    fits(ent, "obligations-own")
    ent.get_by_role("link", name="申请延期").first.click()
    ent.get_by_label("申请延期至").fill("2099-11-10")
    ent.get_by_label("延期理由").fill("厂区改造，资料整理需要时间")
    fits(ent, "obligations-extension-request")
    ent.get_by_role("button", name="提交申请").click()
    ent.get_by_text("已提交延期申请，等待南安市应急管理局审批。").wait_for()

    head = log_in("dept1", phone=True)
    head.locator(".card", has_text="延期申请待审批").get_by_role("link", name="去审批").click()
    head.get_by_role("link", name="未报送陶瓷有限公司").first.click()
    fits(head, "obligations-extension-decide")
    head.get_by_role("button", name="同意延期").click()
    head.get_by_text("已同意延期。").wait_for()
    head.goto("/obligations/extensions/")
    fits(head, "obligations-extension-list")
    ext = Extension.objects.get()
    assert (ext.status, ext.requested_deadline) == (ExtensionStatus.GRANTED, dt.date(2099, 11, 10))
