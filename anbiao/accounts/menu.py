from __future__ import annotations

from typing import Any

from anbiao.accounts.models import ADMIN_ROLES, Role
from anbiao.accounts.roles import CONFIRMER_ROLES
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.orgs.models import OrgKind


def _city(user: Any) -> bool:
    org = user.organization
    return org is not None and org.kind == OrgKind.CITY


def nav_items(user: Any) -> list[NavItem]:
    items: list[NavItem] = []
    if _city(user) and user.has_role(Role.AUDITOR):
        items.append(NavItem("审计日志", link("core:audit_list"), order=300))
    if _city(user) and user.has_role(Role.SECADMIN):
        items.append(NavItem("安全管理", link("accounts:security"), order=310))
    if _city(user) and user.has_role(*ADMIN_ROLES):
        items.append(NavItem("角色授权", link("accounts:role_grant_list"), order=320))
    items.append(NavItem("动态口令", link("accounts:totp_setup"), order=990))
    return items


def home_cards(user: Any) -> list[HomeCard]:
    cards: list[HomeCard] = []
    if _city(user) and user.has_role(Role.AUDITOR):
        cards.append(
            HomeCard(
                "审计日志",
                "查看、筛选和导出全部操作记录（只读）。",
                link("core:audit_list"),
                "查看审计日志",
                order=300,
            )
        )
    if _city(user) and user.has_role(Role.SECADMIN):
        cards.append(
            HomeCard(
                "安全管理",
                "查看被锁定的登录并解锁，查看管理员动态口令绑定情况。",
                link("accounts:security"),
                "进入安全管理",
                order=310,
            )
        )
    if _city(user) and user.has_role(*CONFIRMER_ROLES):
        from anbiao.accounts.selectors import role_grants_pending

        waiting = role_grants_pending().exclude(user=user).count()
        if waiting:
            cards.append(
                HomeCard(
                    "角色授权",
                    f"有 {waiting} 项安全管理员/审计管理员角色申请等待您确认。",
                    link("accounts:role_grant_list"),
                    "处理角色授权",
                    order=305,
                )
            )
    return cards
