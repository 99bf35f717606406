from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from anbiao.core.links import link
from anbiao.core.menu import nav_items
from anbiao.core.navigation import fold

# The menu (with its badge counts) is rebuilt at most this often per user: every page shows it,
# and its counts cost several queries; a badge a few seconds old is fine. It is cached as its
# rendered HTML (templates/includes/nav.html, autoescaped), so a page pays neither the queries
# nor the template loops.
NAV_CACHE_SECONDS = 20


def _nav_key(user_id: Any, organization_id: Any) -> str:
    return f"anbiao:nav:{user_id}:{organization_id}"


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    links = {
        "home": link("core:home"),
        "password_change": link("accounts:password_change"),
        "logout": link("accounts:logout"),
    }
    if not user.is_authenticated:
        return {"nav_html": "", "links": links}
    key = _nav_key(user.pk, user.organization_id)
    html = cache.get(key)
    if html is None:
        html = render_to_string("includes/nav.html", {"nav": fold(nav_items(user))})
        cache.set(key, str(html), NAV_CACHE_SECONDS)
    return {"nav_html": _safe(html), "current_org": user.organization, "links": links}


def _safe(html: str) -> SafeString:
    # rendered by the template engine with autoescaping: every label and badge is escaped
    return mark_safe(html)  # noqa: S308


def forget_navigation(user_id: Any, organization_id: Any) -> None:
    """Drop a user's cached menu (after something that changes a badge the user just acted on)."""
    cache.delete(_nav_key(user_id, organization_id))
