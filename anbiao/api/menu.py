from __future__ import annotations

from typing import Any

from anbiao.api.selectors import API_RULE
from anbiao.core.links import link
from anbiao.core.menu import NavItem


def nav_items(user: Any) -> list[NavItem]:
    if not API_RULE.allows(user):
        return []
    return [NavItem("接口令牌", link("apitokens:list"), order=900)]
