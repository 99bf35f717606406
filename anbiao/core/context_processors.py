from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from anbiao.core.menu import nav_items
from anbiao.core.navigation import fold


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    return {"nav": fold(nav_items(user)), "current_org": user.organization}  # type: ignore[attr-defined]
