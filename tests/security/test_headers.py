"""Security headers on real pages (anonymous and logged in), HSTS in production, CSRF enforced."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.security.conftest import login

ROOT = Path(__file__).resolve().parents[2]


def csp_directives(header: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_secure_headers(response, what: str) -> None:  # noqa: ANN001
    header = response.get("Content-Security-Policy", "")
    assert header, f"{what}: no Content-Security-Policy"
    csp = csp_directives(header)
    script = csp.get("script-src", csp.get("default-src"))
    assert script == ["'self'"], f"{what}: script-src {script}"
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, what
    assert csp.get("object-src") == ["'none'"], what
    assert csp.get("frame-ancestors") == ["'none'"], what
    assert response.get("X-Content-Type-Options") == "nosniff", what
    assert response.get("Referrer-Policy") in {
        "same-origin",
        "no-referrer",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }, what
    assert response.get("X-Frame-Options") == "DENY", what


ANON_PAGES = [
    ("login", lambda w: reverse("accounts:login"), 200),
    ("home-redirects", lambda w: reverse("core:home"), 302),
    ("not-found", lambda w: "/no-such-page/", 404),
    ("api-docs", lambda w: "/api/v1/docs", 200),
    ("openapi", lambda w: "/api/v1/openapi.json", 200),
    ("api-without-token", lambda w: "/api/v1/me", 401),
    ("healthz", lambda w: reverse("core:healthz"), 200),
]
USER_PAGES = [
    ("dept_filler", "home", lambda w: reverse("core:home"), 200),
    ("dept_filler", "enterprise-list", lambda w: reverse("orgs:enterprise_list"), 200),
    (
        "dept_filler",
        "enterprise-detail",
        lambda w: reverse("orgs:enterprise_detail", args=[w["ent"].pk]),
        200,
    ),
    (
        "dept_filler",
        "enterprise-edit",
        lambda w: reverse("orgs:enterprise_edit", args=[w["ent"].pk]),
        200,
    ),
    ("dept_filler", "enterprise-create", lambda w: reverse("orgs:enterprise_create"), 200),
    ("dept_filler", "export-xlsx", lambda w: reverse("orgs:enterprise_export"), 200),
    ("dept_filler", "api-tokens", lambda w: reverse("apitokens:list"), 200),
    ("dept_filler", "password", lambda w: reverse("accounts:password_change"), 200),
    ("dept_filler", "other-page-404", lambda w: reverse("orgs:unit_list"), 404),
    ("ent_admin", "profile", lambda w: reverse("orgs:profile"), 200),
    ("ent_admin", "profile-edit", lambda w: reverse("orgs:profile_edit"), 200),
    ("city_admin", "unit-list", lambda w: reverse("orgs:unit_list"), 200),
    ("city_admin", "unit-create", lambda w: reverse("orgs:unit_create"), 200),
    ("city_admin", "user-list", lambda w: reverse("orgs:user_list"), 200),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "url", "status"), ANON_PAGES, ids=[p[0] for p in ANON_PAGES])
def test_every_anonymous_page_sends_the_security_headers(city_world, label, url, status) -> None:  # noqa: ANN001
    response = Client().get(url(city_world))
    assert response.status_code == status, label
    assert_secure_headers(response, label)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "label", "url", "status"), USER_PAGES, ids=[f"{p[0]}-{p[1]}" for p in USER_PAGES]
)
def test_every_logged_in_page_sends_the_security_headers(
    city_world, who, label, url, status
) -> None:  # noqa: ANN001
    response = login(city_world[who]).get(url(city_world))
    assert response.status_code == status, label
    assert_secure_headers(response, label)


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(city_world) -> None:  # noqa: ANN001
    """CSP would block them; none may be written in the first place."""
    client = login(city_world["dept_filler"])
    for url in (
        reverse("core:home"),
        reverse("orgs:enterprise_list"),
        reverse("apitokens:list"),
        "/api/v1/docs",
    ):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), url  # onclick=… handlers
        assert " style=" not in html, url


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_SSL_REDIRECT=False,
)
def test_https_answers_carry_hsts_in_production(city_world) -> None:  # noqa: ANN001
    response = Client().get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    response = login(city_world["dept_filler"]).get(reverse("core:home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def _production_env() -> dict[str, str]:
    drop = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "ANBIAO_DEV_SECRET"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "AUDIT_HMAC_KEYS": f"k1:{secrets.token_urlsafe(48)}",
            "ALLOWED_HOSTS": "anbiao.example.cn",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    env.pop("SECURE_HSTS_SECONDS", None)
    env.pop("SECURE_SSL_REDIRECT", None)
    return env


def test_production_settings_pass_the_deploy_check() -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_turn_on_hsts_and_secure_cookies() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["False", "31536000", "True", "True", "True", "True", "True"], (
        result.stdout + result.stderr
    )


# --- CSRF ---------------------------------------------------------------------------------------

CSRF_FORMS = [
    ("dept_filler", lambda w: reverse("orgs:enterprise_create"), {"name": "x"}),
    ("dept_filler", lambda w: reverse("orgs:enterprise_edit", args=[w["ent"].pk]), {"name": "x"}),
    ("dept_filler", lambda w: reverse("apitokens:list"), {"name": "x"}),
    ("dept_filler", lambda w: reverse("accounts:logout"), {}),
    ("ent_admin", lambda w: reverse("orgs:profile_edit"), {"principal": "x"}),
    ("city_admin", lambda w: reverse("orgs:unit_create"), {"name": "x"}),
    ("city_admin", lambda w: reverse("orgs:user_create"), {"username": "x"}),
]


def _csrf_client(user) -> Client:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url", "data"), CSRF_FORMS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_a_post_without_the_csrf_token_is_refused(city_world, who, url, data) -> None:  # noqa: ANN001
    from anbiao.accounts.models import User
    from anbiao.api.models import ApiToken
    from anbiao.orgs.models import Enterprise, Organization

    models = (Organization, Enterprise, User, ApiToken)
    before = [m.objects.count() for m in models]
    names_before = sorted(Organization.objects.values_list("name", flat=True))
    client = _csrf_client(city_world[who])
    response = client.post(url(city_world), data)
    assert response.status_code == 403
    assert [m.objects.count() for m in models] == before
    assert sorted(Organization.objects.values_list("name", flat=True)) == names_before
    assert client.get(reverse("core:home")).status_code == 200  # still logged in


@pytest.mark.django_db
def test_a_post_with_the_csrf_token_goes_through(city_world) -> None:  # noqa: ANN001
    """The same request with the page's token is accepted: the refusal above is about CSRF."""
    client = _csrf_client(city_world["dept_filler"])
    page = client.get(reverse("apitokens:list")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(reverse("apitokens:list"), {"name": "x", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "ab_" in response.content.decode()


@pytest.mark.django_db
def test_the_csrf_cookie_is_not_sent_to_other_sites(city_world) -> None:  # noqa: ANN001
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE in {"Lax", "Strict"}
    assert settings.CSRF_COOKIE_SAMESITE in {"Lax", "Strict"}
