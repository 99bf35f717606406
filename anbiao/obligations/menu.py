from __future__ import annotations

from typing import Any

from anbiao.core.access import can_write, is_admin_only
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem


def _business(user: Any) -> bool:
    return user.organization is not None and not is_admin_only(user) and bool(user.role_set())


def nav_items(user: Any) -> list[NavItem]:
    if not _business(user):
        return []
    return [NavItem("报送事项", link("obligations:list"), order=82)]


def home_cards(user: Any) -> list[HomeCard]:
    """The deciding unit's pending extension requests."""
    if not _business(user) or not can_write(user):
        return []
    from anbiao.obligations.selectors import to_decide

    n = to_decide(user).count()
    if not n:
        return []
    return [
        HomeCard(
            "延期申请待审批",
            f"有 {n} 项延期申请等待本单位审批。",
            link("obligations:extension_list"),
            "去审批",
            order=45,
            tone="warn",
        )
    ]
