from __future__ import annotations

from typing import Any

from anbiao.core.access import WRITER_ROLES, is_admin_only
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.records.models import Record, RecordStatus


def nav_items(user: Any) -> list[NavItem]:
    if user.organization is None or is_admin_only(user):
        return []
    return [NavItem("经验做法", link("records:list"), order=60)]


def home_cards(user: Any) -> list[HomeCard]:
    org = user.organization
    if org is None or not user.has_role(*WRITER_ROLES):
        return []
    drafts = Record.objects.filter(organization=org, status=RecordStatus.DRAFT).count()
    if drafts:
        return [
            HomeCard(
                "经验做法待提交",
                f"本单位有 {drafts} 条经验做法/工作机制仍为草稿。上传佐证材料并提交后才计入统计表。",
                link("records:list") + "?status=draft",
                "去提交",
                order=70,
                tone="warn",
            )
        ]
    return [
        HomeCard(
            "总结经验做法",
            "记录本单位好的经验做法（党员模范岗、工人先锋岗、青年突击手、巾帼能手等），附佐证材料。",
            link("records:list"),
            "去填报",
            order=80,
        )
    ]
