"""Every URL × every persona → the expected status; and no URL pattern without a case."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from anbiao.core.tests.matrix import Case
from anbiao.core.tests.world import PERSONAS, build_world

EXEMPT_NAMESPACES = {
    "admin",
    "api",
}  # Django admin (staff only) and the API (token auth, own tests)


def all_cases() -> list[Case]:
    cases: list[Case] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("anbiao."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.access_matrix")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.access_matrix":
                raise
            continue
        cases.extend(module.CASES)
    return cases


def walk(resolver: URLResolver, namespace: str = "") -> list[tuple[str, object]]:
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            found.extend(walk(p, full))
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else (p.name or "")
            found.append((name, p.callback))
    return found


def test_every_view_declares_who_may_use_it() -> None:
    undeclared = [
        name
        for name, callback in walk(get_resolver())
        if name.split(":")[0] not in EXEMPT_NAMESPACES and not hasattr(callback, "access_rule")
    ]
    assert undeclared == [], f"views without an access rule: {undeclared}"


def test_every_url_pattern_has_access_cases() -> None:
    covered = {case.url_name for case in all_cases()}
    missing = sorted(
        name
        for name, _ in walk(get_resolver())
        if name.split(":")[0] not in EXEMPT_NAMESPACES and name not in covered
    )
    assert missing == [], f"URL patterns missing from the access matrix: {missing}"


CASES = all_cases()


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[f"{c.url_name}[{c.label}]" for c in CASES])
def test_access_matrix(case: Case) -> None:
    world = build_world()
    url = case.url(world)
    wrong = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anon":
            client.force_login(
                world.users[persona], backend="anbiao.accounts.backends.UsernameOrMobileBackend"
            )
            session = client.session
            session["anbiao_2fa_ok"] = True  # the matrix checks access rules, not the second factor
            session.save()
        data = case.data(world) if case.data else None
        response = getattr(client, case.method)(url, data=data)
        expected = case.expect(persona)
        if response.status_code != expected:
            wrong[persona] = (response.status_code, expected)
    assert wrong == {}, f"{case.url_name}[{case.label}] {url}: persona → (got, expected): {wrong}"
