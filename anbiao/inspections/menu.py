from __future__ import annotations

from typing import Any

from anbiao.core.access import is_admin_only
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.orgs.models import OrgKind


def nav_items(user: Any) -> list[NavItem]:
    org = user.organization
    if org is None or is_admin_only(user):
        return []
    label = "督导检查" if org.kind != OrgKind.ENTERPRISE else "接受检查"
    return [NavItem(label, link("inspections:inspection_list"), order=40)]


def home_cards(user: Any) -> list[HomeCard]:
    from anbiao.inspections.selectors import can_record

    org = user.organization
    if org is None or is_admin_only(user) or not can_record(user):
        return []
    return [
        HomeCard(
            "督导检查",
            "到企业现场检查时，用手机记录检查、拍照登记问题；完成后问题自动转入企业整改清单。",
            link("inspections:inspection_create"),
            "记录检查",
            order=45,
        )
    ]
