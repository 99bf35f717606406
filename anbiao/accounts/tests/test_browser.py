"""In a real browser: the auditor reads the trail; a user binds an authenticator app."""

from __future__ import annotations

import pyotp
import pytest

from anbiao.accounts.models import Role, TOTPDevice
from anbiao.core.audit import log_action
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username: str, landing: str = "/") -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill("Test@12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: url.split("?")[0] == f"{live_server.url}{landing}")
    return problems


def test_the_auditor_filters_the_trail_and_opens_an_entry(page, live_server):
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    make_user(city, Role.AUDITOR, username="audit1")
    log_action(city, "anbiao.organization.updated", data={"changed": {"name": ["旧名", "新名"]}})
    # The three administrators must bind a second factor before anything else.
    problems = _login(page, live_server, "audit1", landing="/accounts/two-factor/setup/")
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
    assert problems == []


def test_a_user_binds_an_authenticator_app(page, live_server):
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    user = make_user(dept, Role.FILLER, username="filler9")
    problems = _login(page, live_server, "filler9")
    page.get_by_role("navigation", name="主菜单").get_by_text("系统").click()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="动态口令").click()
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text("动态口令已启用").is_visible()
    assert TOTPDevice.objects.get(user=user).confirmed
    assert problems == []
