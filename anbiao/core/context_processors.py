from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from anbiao.core.menu import nav_items
from anbiao.core.navigation import fold

# The menu (with its badge counts) is rebuilt at most this often per user: every page shows it,
# and its counts cost several queries; a badge a few seconds old is fine.
NAV_CACHE_SECONDS = 20


def _nav_key(user_id: Any, organization_id: Any) -> str:
    return f"anbiao:nav:{user_id}:{organization_id}"


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    key = _nav_key(user.pk, user.organization_id)  # type: ignore[attr-defined]
    nav = cache.get(key)
    if nav is None:
        nav = fold(nav_items(user))
        cache.set(key, nav, NAV_CACHE_SECONDS)
    return {"nav": nav, "current_org": user.organization}  # type: ignore[attr-defined]


def forget_navigation(user_id: Any, organization_id: Any) -> None:
    """Drop a user's cached menu (after something that changes a badge the user just acted on)."""
    cache.delete(_nav_key(user_id, organization_id))
