from __future__ import annotations

from typing import Any

from anbiao.core.access import GOV_KINDS, is_admin_only
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.orgs.models import OrgKind


def nav_items(user: Any) -> list[NavItem]:
    org = user.organization
    if org is None or is_admin_only(user):
        return []
    if org.kind in GOV_KINDS:
        return [NavItem("工作台", link("dashboards:home"), order=1)]
    if org.kind == OrgKind.ENTERPRISE:
        return [NavItem("我的待办", link("dashboards:todo"), order=1)]
    return []


def home_cards(user: Any) -> list[HomeCard]:
    org = user.organization
    if org is None or is_admin_only(user):
        return []
    if org.kind in GOV_KINDS:
        return [
            HomeCard(
                "工作台",
                "“回头看”完成率、问题整改与动态清零、自查自纠报告、典型案例月报，一图掌握进度。",
                link("dashboards:home"),
                "打开工作台",
                order=0,
            )
        ]
    if org.kind == OrgKind.ENTERPRISE:
        return [
            HomeCard(
                "我的待办",
                "尚未答复的细则、未销号的问题和截止日期。",
                link("dashboards:todo"),
                "查看待办",
                order=0,
            )
        ]
    return []
