"""Navigation and home-page cards, contributed by each app.

An app contributes by having a ``menu`` module with ``nav_items(user)`` and/or
``home_cards(user)``; no shared file needs to change when an app is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from anbiao.core.discovery import app_modules


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100
    badge: int | None = None


@dataclass(frozen=True)
class HomeCard:
    title: str
    body: str
    url: str = ""
    action: str = ""
    order: int = 100
    tone: str = ""  # "", "warn", "danger", "ok"


@cache
def _menu_modules() -> tuple[ModuleType, ...]:
    # anbiao.core.menu is this module: it contributes nothing itself.
    return tuple(m for m in app_modules("menu") if m.__name__ != __name__)


def _collect(hook: str, user: Any) -> list[Any]:
    items: list[Any] = []
    for module in _menu_modules():
        fn = getattr(module, hook, None)
        if fn is not None:
            items.extend(item for item in fn(user) if opens_for(user, item.url))
    return sorted(items, key=lambda item: item.order)


def opens_for(user: Any, url: str) -> bool:
    """Whether the view at ``url`` lets ``user`` in by its declared rule (``@require``): a menu
    never offers a link that would answer 404 by rule. No link (a card without one) passes."""
    if not url:
        return True
    rule = _rule_of(urlsplit(url).path)
    return rule is not None and rule.allows(user)


@lru_cache(maxsize=512)
def _rule_of(path: str) -> Any:
    """The access rule declared by the view at ``path``: code, fixed for the process (the URL
    configuration), never data — the rule itself is applied to the user on every call."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, "access_rule", None)


def nav_items(user: Any) -> list[NavItem]:
    return _collect("nav_items", user)


TONE_RANK = {"danger": 0, "warn": 1, "": 2, "ok": 3}


def home_cards(user: Any) -> list[HomeCard]:
    """The home page's cards: the dashboard first, then what is overdue, then what is due."""
    cards = _collect("home_cards", user)
    return sorted(cards, key=lambda c: (c.order > 1, TONE_RANK.get(c.tone, 2), c.order))
