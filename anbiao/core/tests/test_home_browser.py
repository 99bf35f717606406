"""A town grid inspector logs in on a phone and sees a home page made for them."""

import pytest

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_inspector_logs_in_at_phone_width_and_sees_what_to_do(page, sign_in):
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    EnterpriseFactory.create(town=town, organization__name="溪美测试石材有限公司")
    make_user(town, Role.GRID, username="grid1", mobile="13800009999")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "13800009999")
    assert page.get_by_role("heading", name="溪美街道").is_visible()
    assert page.get_by_text("本单位范围内共有 1 家企业").is_visible()
    # The menu folds behind a button on phones and opens on tap.
    assert not page.get_by_role("link", name="企业底数台账", exact=True).first.is_visible()
    page.get_by_text("菜单").click()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="企业底数台账").click()
    assert page.get_by_text("溪美测试石材有限公司").is_visible()
    # Nothing on the page breaks the CSP (inline scripts or styles would be reported here).
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
