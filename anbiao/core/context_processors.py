from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from anbiao.core.links import link
from anbiao.core.menu import nav_items
from anbiao.core.navigation import fold

# The menu and its badge counts (notices to sign, reports due, unread messages, checklists to
# review) are read from the database on every page that shows the menu: a badge is never
# older than the page (docs/adr/0002-menu-cache.md: the earlier per-process cache is gone).
# ``nav`` is lazy: a page that does not show the menu (an htmx fragment, a download) does not
# pay its queries.


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    links = {
        "home": link("core:home"),
        "password_change": link("accounts:password_change"),
        "logout": link("accounts:logout"),
    }
    if not user.is_authenticated:
        return {"nav": [], "links": links}
    nav = SimpleLazyObject(lambda: fold(nav_items(user)))
    return {"nav": nav, "current_org": user.organization, "links": links}
