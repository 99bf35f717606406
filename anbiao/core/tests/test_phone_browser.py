"""In Chromium at 390×844 (a phone), on the demo data: no page an enterprise user or a town
grid inspector (网格员) reaches scrolls sideways.

The walk starts from each user's home page and every link of their menu, and follows the links
inside each of those pages once per URL shape (``/records/<id>/`` stands for every record), so
the detail pages a list leads to are checked as well. Downloads and links that leave the site
are not followed. The test prints how many pages each user reached.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# downloads (files, exports, PDFs, print views), not pages to lay out on a phone
NOT_PAGES = re.compile(
    r"/(export|exports|download|files?|evidence|signature|media|print|pdf|docx|xlsx|blank|"
    r"workbook|handover|photo|document)(/|$|\?)|\.(xlsx|docx|pdf|png|jpe?g|csv|json)(\?|$)"
)
USERS = ("qy_admin", "qy_filler", "xm_grid")  # the demo enterprise's admin and filler; 网格员


def shape(href: str) -> str:
    """The URL with its ids and numbers replaced: one page of each shape is enough."""
    path = href.split("#")[0].split("?")[0]
    return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{32}|\d+", "N", path)


def demo_login(log_in: Any, username: str) -> Any:
    """A demo user signed in on a 390 px phone (the shared ``log_in`` fixture)."""
    from anbiao.orgs.demo import DEMO_PASSWORD

    return log_in(username, phone=True, password=DEMO_PASSWORD)


def overflow(page: Any) -> tuple[int, int]:
    return page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def walk(page: Any) -> tuple[list[str], list[str]]:
    """(pages visited, pages wider than the screen with their widths)."""
    menu = page.eval_on_selector_all(
        "nav[aria-label=主菜单] a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    queue = ["/", *menu]
    firsts = set(queue)
    seen: set[str] = set()
    visited: list[str] = []
    wide: list[str] = []
    while queue:
        href = queue.pop(0)
        if not href.startswith("/") or href.startswith("//") or NOT_PAGES.search(href):
            continue
        if shape(href) in seen:
            continue
        seen.add(shape(href))
        try:
            response = page.goto(href)
        except PlaywrightError as exc:  # a download the patterns above did not foresee
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(href)
        width, client = overflow(page)
        if width > client:
            wide.append(f"{href}：scrollWidth {width} > clientWidth {client}")
        if href in firsts:  # one hop from the home page and the menu pages
            queue.extend(
                page.eval_on_selector_all(
                    "main a[href], .container a[href]",
                    "els => els.map(e => e.getAttribute('href'))",
                )
            )
    return visited, wide


def test_no_page_an_enterprise_user_or_grid_inspector_reaches_scrolls_sideways(
    log_in,  # noqa: ANN001
) -> None:
    from django.core.management import call_command

    call_command("seed_demo", quiet_logins=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    problems: list[str] = []
    for username in USERS:
        page = demo_login(log_in, username)
        visited, wide = walk(page)
        print(f"\n{username}：390 px 下检查了 {len(visited)} 个页面，横向溢出 {len(wide)} 个")
        assert len(visited) >= 15, visited  # the walk really went through the menu
        assert "/orgs/profile/" in visited or username == "xm_grid"  # 企业信息 (overflowed)
        problems += [f"{username} {w}" for w in wide]
        page.context.close()
    assert problems == []
