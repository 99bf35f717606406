"""In a real browser: the auditor reads the trail; a user binds an authenticator app."""

from __future__ import annotations

import pyotp
import pytest

from anbiao.accounts.models import Role, TOTPDevice
from anbiao.core.audit import log_action
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_refusals(page) -> list[str]:  # noqa: ANN001
    return [e for e in page.console_errors if "Content Security Policy" in e]


def test_the_auditor_filters_the_trail_and_opens_an_entry(page, live_server, sign_in):
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    make_user(city, Role.AUDITOR, username="audit1")
    log_action(city, "anbiao.organization.updated", data={"changed": {"name": ["旧名", "新名"]}})
    # The three administrators must bind a second factor before anything else.
    sign_in(page, "audit1", landing="/accounts/two-factor/setup/", start="/accounts/login/")
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("navigation", name="主菜单").get_by_text("系统").click()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="审计日志").click()
    page.get_by_label("操作", exact=True).fill("anbiao.organization.")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_text("共 1 条").is_visible()
    page.get_by_role("link", name="详情").click()
    assert page.get_by_text('"新名"').is_visible()
    assert csp_refusals(page) == []


def test_a_user_binds_an_authenticator_app(page, live_server, sign_in):
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    user = make_user(dept, Role.FILLER, username="filler9")
    sign_in(page, "filler9", start="/accounts/login/")
    page.get_by_role("navigation", name="主菜单").get_by_text("系统").click()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="动态口令").click()
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text("动态口令已启用").is_visible()
    assert TOTPDevice.objects.get(user=user).confirmed
    assert csp_refusals(page) == []
