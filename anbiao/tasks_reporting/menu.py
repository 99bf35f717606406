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
    from anbiao.tasks_reporting.selectors import my_pending

    open_items = my_pending(user)
    return [
        NavItem("报送任务", link("reporting:task_list"), order=80, badge=len(open_items) or None)
    ]


def home_cards(user: Any) -> list[HomeCard]:
    if not _business(user) or not can_write(user):
        return []
    from anbiao.tasks_reporting.selectors import my_pending

    items = my_pending(user)
    if not items:
        return []
    overdue = sum(1 for i in items if i.overdue)
    first = items[0]
    body = f"本单位有 {len(items)} 项报送未提交"
    body += f"，其中 {overdue} 项已逾期。" if overdue else "。"
    mark = "（已延期）" if first.extended else ""
    body += f"最近截止：{first.task.title}（{first.deadline:%Y-%m-%d}{mark}，{first.left}）。"
    return [
        HomeCard(
            "报送任务",
            body,
            link("reporting:task_list"),
            "去报送",
            order=40,
            tone="danger" if overdue else "warn",
        )
    ]
