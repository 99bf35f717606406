"""Chinese 400/403/404/500 pages with DEBUG off (production) and on (make run)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[3]
ENGLISH = (
    "Page not found",
    "Not Found",
    "Server Error",
    "Forbidden",
    "Bad Request",
    "Traceback",
    "Using the URLconf",
    "CSRF verification failed",
)
PAGES = {
    400: "请求有误",
    403: "没有权限",
    404: "页面不存在",
    500: "系统出错",
}

pytestmark = [pytest.mark.django_db, pytest.mark.urls("anbiao.core.tests.error_urls")]


def _assert_ours(response, status: int, heading: str | None = None) -> str:  # noqa: ANN001
    assert response.status_code == status
    body = response.content.decode()
    assert f"<h1>{heading or PAGES[status]}" in body, body[:500]
    assert 'lang="zh-hans"' in body and "返回首页" in body
    assert not [w for w in ENGLISH if w in body], body[:500]
    return body


def _client() -> Client:
    return Client(raise_request_exception=False)


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no-such-page/", 404),
        ("/test-errors/missing/", 404),
        ("/test-errors/forbidden/", 403),
        ("/test-errors/suspicious/", 400),
        ("/test-errors/boom/", 500),
    ],
)
def test_production_shows_the_chinese_page(path: str, status: int) -> None:
    _assert_ours(_client().get(path), status)


@override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
def test_a_foreign_host_header_gets_the_chinese_400_page() -> None:
    _assert_ours(_client().get("/", HTTP_HOST="evil.invalid"), 400)


@override_settings(DEBUG=False)
def test_a_form_refused_by_csrf_is_explained_in_chinese() -> None:
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    body = _assert_ours(response, 403, "页面已过期")
    assert "复制" in body  # tells the user how not to lose what they typed


@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=False, DEBUG_TECHNICAL_500=False)
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no-such-page/", 404),
        ("/test-errors/missing/", 404),
        ("/test-errors/forbidden/", 403),
        ("/test-errors/suspicious/", 400),
        ("/test-errors/boom/", 500),
    ],
)
def test_debug_shows_the_chinese_page_too(path: str, status: int) -> None:
    _assert_ours(_client().get(path), status)


@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=False)
def test_debug_still_redirects_a_missing_trailing_slash() -> None:
    response = _client().get("/accounts/login")
    assert response.status_code == 301 and response["Location"] == "/accounts/login/"


@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=False, DEBUG_TECHNICAL_500=False)
def test_debug_logs_the_traceback_of_a_500(caplog) -> None:  # noqa: ANN001
    _client().get("/test-errors/boom/")
    assert any(r.exc_info and "a bug in a view" in str(r.exc_info[1]) for r in caplog.records)


@override_settings(DEBUG=True, DEBUG_TECHNICAL_404=True, DEBUG_TECHNICAL_500=True)
def test_a_developer_can_ask_for_the_technical_pages() -> None:
    missing = _client().get("/no-such-page/")
    assert missing.status_code == 404 and "Using the URLconf" in missing.content.decode()
    boom = _client().get("/test-errors/boom/")
    assert boom.status_code == 500 and "a bug in a view" in boom.content.decode()


@override_settings(DEBUG=False)
def test_the_pages_do_not_need_the_context_processors(monkeypatch) -> None:  # noqa: ANN001
    """The menu's context processor failing (its database is down) must not break them."""
    from anbiao.core import context_processors

    def broken(request):  # noqa: ANN001, ANN202
        raise RuntimeError("database is down")

    monkeypatch.setattr(context_processors, "navigation", broken)
    for path, status in (("/no-such-page/", 404), ("/test-errors/boom/", 500)):
        _assert_ours(_client().get(path), status)


@override_settings(DEBUG=False)
def test_a_broken_template_engine_still_answers_in_chinese(monkeypatch) -> None:  # noqa: ANN001
    from anbiao.core import error_pages

    def broken(name):  # noqa: ANN001, ANN202
        raise RuntimeError("templates unreadable")

    monkeypatch.setattr(error_pages.loader, "get_template", broken)
    response = _client().get("/test-errors/boom/")
    assert response.status_code == 500 and "系统出错" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_address_answers_chinese_json(debug: bool, settings) -> None:  # noqa: ANN001
    settings.DEBUG = debug
    response = _client().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"detail": "对象不存在或无权访问。"}


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A real process with the environment of production (DEBUG=0) or of make run (DEBUG=1)."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(raise_request_exception=False).get('/no-such-page/', secure=True);"
        "print(r.status_code); print(r.content.decode())"
    )
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "DJANGO_SETTINGS")) and k != "DATABASE_URL"
    }
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "AUDIT_HMAC_KEYS": f"k1:{secrets.token_urlsafe(40)}",
            "ALLOWED_HOSTS": "testserver",
            **env,
        }
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=90
    )


@pytest.mark.parametrize("debug", ["0", "1"])
def test_the_configured_site_answers_an_unknown_url_with_our_page(debug: str) -> None:
    result = _run({"DEBUG": debug})
    status, _, body = result.stdout.partition("\n")
    assert status == "404", result.stderr[-2000:]
    assert "<h1>页面不存在" in body and "Using the URLconf" not in body


def test_make_run_can_opt_in_to_the_technical_404() -> None:
    result = _run({"DEBUG": "1", "DEBUG_TECHNICAL_404": "1"})
    assert "Using the URLconf" in result.stdout, result.stderr[-2000:]
