"""The security headers on EVERY page without URL parameters, for several personas.

Walks the URL patterns (so pages added by any app are covered without editing this test) and
checks the headers of whatever each page answers (200, redirect, 404, 405…).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from anbiao.core.tests.world import build_world
from tests.security.test_headers import assert_secure_headers

PERSONAS = ("anon", "city:org_admin", "department:filler", "town:grid", "enterprise:filler")


def walk(resolver: URLResolver, namespace: str = "") -> list[str]:
    names = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            names += walk(p, f"{namespace}:{ns}" if namespace and ns else (ns or namespace))
        elif isinstance(p, URLPattern) and p.name:
            names.append(f"{namespace}:{p.name}" if namespace else p.name)
    return names


def plain_urls() -> list[str]:
    urls = set()
    for name in walk(get_resolver()):
        try:
            urls.add(reverse(name))
        except NoReverseMatch:
            continue  # needs parameters: covered through the pages that link to it
    return sorted(urls)


def assert_webkit_renderer(response, where: str) -> None:  # type: ignore[no-untyped-def]
    """A whole HTML page asks dual-core browsers (360, QQ) for their Chromium engine."""
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    body = response.content.decode()
    if "<html" in body:
        assert '<meta name="renderer" content="webkit">' in body, where


def test_the_walk_finds_the_pages() -> None:
    urls = plain_urls()
    assert "/accounts/login/" in urls and "/orgs/enterprises/" in urls and len(urls) >= 15


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_parameterless_page_sends_the_security_headers(persona: str) -> None:
    world = build_world()
    client = Client(raise_request_exception=False)
    if persona != "anon":
        client.force_login(
            world.users[persona], backend="anbiao.accounts.backends.UsernameOrMobileBackend"
        )
    checked = 0
    for url in plain_urls():
        if "logout" in url:
            continue
        response = client.get(url)
        assert response.status_code < 500, (persona, url, response.status_code)
        assert_secure_headers(response, f"{persona} {url} ({response.status_code})")
        assert_webkit_renderer(response, f"{persona} {url}")
        checked += 1
    assert checked >= 15
