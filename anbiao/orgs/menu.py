from __future__ import annotations

from typing import Any

from anbiao.accounts.models import Role
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.orgs.models import OrgKind
from anbiao.orgs.selectors import can_manage_all


def nav_items(user: Any) -> list[NavItem]:
    org = user.organization
    items: list[NavItem] = []
    if org is None:
        return items
    if org.is_government and user.has_role(
        Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER
    ):
        items.append(NavItem("企业底数台账", link("orgs:enterprise_list"), order=10))
    if org.kind == OrgKind.ENTERPRISE:
        items.append(NavItem("企业信息", link("orgs:profile"), order=90))
    if can_manage_all(user):
        items.append(NavItem("单位管理", link("orgs:unit_list"), order=200))
    if user.has_role(Role.ORG_ADMIN, Role.SYSADMIN):
        items.append(NavItem("用户管理", link("orgs:user_list"), order=210))
    return items


def home_cards(user: Any) -> list[HomeCard]:
    org = user.organization
    cards: list[HomeCard] = []
    if org is None:
        return cards
    if org.is_government and not user.role_set() <= {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}:
        from anbiao.core.access import enterprises_for_user

        count = enterprises_for_user(user).count()
        cards.append(
            HomeCard(
                "企业底数台账",
                f"本单位范围内共有 {count} 家企业。请核对底数，按“规模以上、中等、小微”划分三类企业。",
                link("orgs:enterprise_list"),
                "查看台账",
                order=50,
            )
        )
    if org.kind == OrgKind.ENTERPRISE:
        cards.append(
            HomeCard(
                "核对企业信息",
                "请确认主要负责人、联系电话、地址准确无误。",
                link("orgs:profile"),
                "查看",
                order=90,
            )
        )
    if can_manage_all(user):
        cards.append(
            HomeCard(
                "单位与用户",
                "维护成员单位、乡镇街道及各单位账号。",
                link("orgs:unit_list"),
                "单位管理",
                order=200,
            )
        )
    return cards
