"""Test set-up shared by the whole suite: fast hashing, real browsers and PDF tools when present."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
os.environ.setdefault("DEBUG", "1")

REQUIRE_ALL = os.environ.get("ANBIAO_REQUIRE_ALL") == "1"  # .ci/run: a skip is a failure
_SKIPS: dict[str, str] = {}


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def cjk_font_present() -> bool:
    return any(
        Path(p).exists()
        for p in (
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        )
    )


def need(what: str, present: bool, reason: str) -> None:
    """Skip (or, under .ci/run, fail) a test whose machine lacks a tool."""
    if present:
        return
    if REQUIRE_ALL:
        pytest.fail(f"{what} 缺失：{reason}（.ci/run 要求全部测试运行）")
    _SKIPS[what] = reason
    pytest.skip(f"{what} 缺失：{reason}")


def _allow_flushing_the_audit_trail() -> None:
    """Transactional tests empty every table between tests; the audit triggers refuse that.

    Only the test flush is let through: the triggers are lifted for the flush and put back.
    """
    import importlib

    from django.db.backends.base.operations import BaseDatabaseOperations

    migration = importlib.import_module("anbiao.core.migrations.0002_audit_append_only")
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):  # type: ignore[no-untyped-def]
        vendor = self.connection.vendor
        with self.connection.cursor() as cursor:
            if vendor == "sqlite":
                for sql in migration.SQLITE_REVERSE:
                    cursor.execute(sql)
            elif vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        try:
            return original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                if vendor == "sqlite":
                    for sql in migration.SQLITE:
                        cursor.execute(sql)
                elif vendor == "postgresql":
                    cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


_allow_flushing_the_audit_trail()


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with empty caches (template versions are cached by their ids, which
    repeat from one test database to the next)."""
    from django.core.cache import cache

    from anbiao.checklists.rows import forget_structures

    cache.clear()
    forget_structures()
    yield
    cache.clear()
    forget_structures()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = chromium_path()
    need("Chromium", path is not None, "安装 Debian 软件包 chromium 后浏览器测试才会运行")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


PASSWORD = "Test@12345"  # noqa: S105 — every test user's password (orgs.tests.factories.make_user)
PHONE = {"width": 390, "height": 844}


def _watch_console(p: Any, ignore: tuple[str, ...] = ()) -> None:
    """``p.console_errors``: the page's console errors (CSP refusals, script errors) but those
    containing one of ``ignore``."""
    errors: list[str] = []
    p.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not any(part in m.text for part in ignore)
            else None
        ),
    )
    p.console_errors = errors


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser page (not signed in) on the live server; ``page.console_errors``."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    p = context.new_page()
    p.set_default_timeout(15000)
    _watch_console(p)
    yield p
    context.close()


@pytest.fixture
def sign_in(live_server) -> Callable[..., None]:  # type: ignore[no-untyped-def]
    """``sign_in(page, username, landing="/")``: fill the login form on ``page`` (username or
    mobile number) and wait for the page it lands on."""

    def _sign_in(
        p: Any, username: str, *, landing: str = "/", start: str = "/", password: str = PASSWORD
    ) -> None:
        p.goto(start)
        p.get_by_label("用户名或手机号").fill(username)
        p.get_by_label("密码").fill(password)
        p.get_by_role("button", name="登录").click()
        p.wait_for_url(lambda url: url.split("?")[0] == f"{live_server.url}{landing}")

    return _sign_in


@pytest.fixture
def log_in(browser, live_server, sign_in) -> Iterator[Callable[..., Any]]:  # type: ignore[no-untyped-def]
    """``log_in(username, phone=False, javascript=True, downloads=False, ignore=(), password=…)``
    (``password``: the demo's for demo users; default: the test users'): a new
    browser context signed in as ``username`` (one per user: several users in one test), its
    page at the home page with ``page.console_errors`` (messages containing one of ``ignore``
    left out). ``phone``: 390×844. The contexts are closed after the test."""
    contexts: list[Any] = []

    def _log_in(
        username: str,
        *,
        phone: bool = False,
        javascript: bool = True,
        downloads: bool = False,
        ignore: tuple[str, ...] = (),
        password: str = PASSWORD,
    ) -> Any:
        options: dict[str, Any] = {"locale": "zh-CN", "base_url": live_server.url}
        if phone:
            options["viewport"] = PHONE
        if not javascript:
            options["java_script_enabled"] = False
        if downloads:
            options["accept_downloads"] = True
        context = browser.new_context(**options)
        contexts.append(context)
        p = context.new_page()
        p.set_default_timeout(15000)
        _watch_console(p, ignore)
        sign_in(p, username, password=password)
        return p

    yield _log_in
    for context in contexts:
        context.close()


@pytest.fixture
def cjk_font() -> None:
    """Noto CJK (Debian fonts-noto-cjk): Chinese in PDFs and in the photo watermark."""
    need(
        "CJK 字体",
        cjk_font_present(),
        "安装 Debian 软件包 fonts-noto-cjk 后 PDF 与照片水印的中文测试才会运行",
    )


@pytest.fixture
def pdf_tools(cjk_font) -> None:  # type: ignore[no-untyped-def]
    need(
        "poppler-utils",
        shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None,
        "安装 Debian 软件包 poppler-utils 后 PDF 文本测试才会运行",
    )


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _SKIPS:
        terminalreporter.section("因本机缺少工具而跳过的测试")
        for what, reason in _SKIPS.items():
            terminalreporter.write_line(f"跳过：{what} — {reason}")
