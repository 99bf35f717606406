from __future__ import annotations

from typing import Any

from anbiao.core.links import link
from anbiao.core.menu import NavItem
from anbiao.notifications.models import Notification


def nav_items(user: Any) -> list[NavItem]:
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return [NavItem("消息", link("notifications:list"), order=900, badge=unread or None)]
