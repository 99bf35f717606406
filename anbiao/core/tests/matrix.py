"""Declarative access cases: URL × persona → expected status.

Each app lists its cases in ``anbiao/<app>/tests/access_matrix.py`` as ``CASES``. The core
test runs them all and fails when a named URL pattern has no case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from anbiao.core.tests.world import PERSONAS, World

Expect = Callable[[str], int]


@dataclass(frozen=True)
class Case:
    url_name: str  # "namespace:name", for the meta-test
    label: str  # e.g. "own", "other"
    url: Callable[[World], str]
    expect: Expect
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = field(default=None, compare=False)


def persona_kind_role(persona: str) -> tuple[str, str]:
    kind, _, role = persona.partition(":")
    return kind, role


def allow(
    kinds: Iterable[str] | None = None,
    roles: Iterable[str] | None = None,
    *,
    ok: int = 200,
    denied: int = 404,
    anon: int = 302,
    only: Iterable[str] | None = None,
) -> Expect:
    """Expected status: ``ok`` for the listed kinds and roles (or personas in ``only``)."""
    kinds_set = set(kinds) if kinds is not None else None
    roles_set = set(roles) if roles is not None else None
    only_set = set(only) if only is not None else None

    def expect(persona: str) -> int:
        if persona in ("anon", "disabled"):
            return anon
        if only_set is not None:
            return ok if persona in only_set else denied
        kind, role = persona_kind_role(persona)
        if kinds_set is not None and kind not in kinds_set:
            return denied
        if roles_set is not None and role not in roles_set:
            return denied
        return ok

    return expect


def nobody(*, anon: int = 302) -> Expect:
    return allow(only=(), anon=anon)


ALL_PERSONAS = PERSONAS
