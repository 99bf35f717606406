"""The interactive API docs work in a real browser: local files only, no CSP violation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_page_renders_every_operation_without_any_outside_request(
    page, live_server
) -> None:  # noqa: ANN001
    requested: list[str] = []
    console: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("console", lambda m: console.append(m.text))
    page.goto("/api/v1/docs")
    page.get_by_text("企业列表（本单位范围内，可筛选、分页）").wait_for()
    for summary in ("当前用户", "单位列表（本单位范围内）", "修改企业底数信息", "企业详情"):
        assert page.get_by_text(summary, exact=True).count() >= 1, summary
    own = urlsplit(live_server.url).netloc
    outside = [
        u for u in requested if urlsplit(u).netloc not in {own, ""} and not u.startswith("data:")
    ]
    assert outside == [], outside
    script_violations = [m for m in console if "Content Security Policy" in m and "script" in m]
    assert script_violations == [], script_violations


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_user_creates_a_token_in_the_browser_and_calls_the_api_with_it(
    page, live_server, sign_in
) -> None:  # noqa: ANN001
    import os

    from anbiao.accounts.models import Role
    from anbiao.orgs.models import OrgKind
    from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    EnterpriseFactory.create(department=dept, organization__name="南安市溪美机械有限公司")
    make_user(dept, Role.FILLER, username="browser_filler")
    sign_in(page, "browser_filler")
    page.get_by_role("navigation", name="主菜单").get_by_text("系统").click()
    page.get_by_role("link", name="接口令牌").click()
    page.get_by_label("令牌名称").fill("统计脚本")
    page.get_by_role("button", name="创建令牌").click()
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("ab_")
    if os.environ.get("ANBIAO_SHOTS"):
        page.screenshot(path=f"{os.environ['ANBIAO_SHOTS']}/api_tokens.png", full_page=True)
    api = page.request.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 200
    assert [e["name"] for e in api.json()["items"]] == ["南安市溪美机械有限公司"]
    # revoke it in the page: the API refuses it at once
    page.on("dialog", lambda d: d.accept())
    page.get_by_role("button", name="吊销").click()
    page.get_by_text("已吊销令牌：统计脚本").wait_for()
    api = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 401
    assert page.console_errors == []
