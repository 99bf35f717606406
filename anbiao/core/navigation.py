"""Folding the navigation items that apps contribute into a short menu of groups.

Apps keep contributing flat :class:`~anbiao.core.menu.NavItem`s; this module decides where each
one appears, by the URL it points to, so that a department user sees five or six entries
instead of twenty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from anbiao.core.menu import NavItem

# (group label, URL names or namespaces), in menu order. Items not listed stay at the top level.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("回头看", ("checklists", "campaigns", "reports", "checklist_exports")),
    ("整改与检查", ("rectification", "inspections")),
    ("工作记录", ("records", "enforcement", "notices", "reporting", "worklog")),
    (
        "系统",
        (
            "orgs:unit_list",
            "orgs:user_list",
            "apitokens",
            "accounts",
            "core:audit_list",
            "notifications:preferences",
        ),
    ),
)


@dataclass
class NavGroup:
    label: str
    items: list[NavItem] = field(default_factory=list)

    @property
    def badge(self) -> int | None:
        total = sum(item.badge or 0 for item in self.items)
        return total or None


def _group_of(url: str) -> str | None:
    return _group_of_path(urlsplit(url).path)


@lru_cache(maxsize=512)
def _group_of_path(path: str) -> str | None:
    """The menu group of a path (from the URL configuration and ``GROUPS``: code, not data)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    full = f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or "")
    for label, keys in GROUPS:
        if full in keys or match.namespace in keys:
            return label
    return None


def fold(items: list[NavItem]) -> list[NavItem | NavGroup]:
    """Top-level items in their order, each group placed where its first item would stand.

    A group with a single item is shown as that item.
    """
    groups: dict[str, NavGroup] = {}
    entries: list[NavItem | NavGroup] = []
    for item in items:
        label = _group_of(item.url)
        if label is None:
            entries.append(item)
            continue
        if label not in groups:
            groups[label] = NavGroup(label)
            entries.append(groups[label])
        groups[label].items.append(item)
    return [e.items[0] if isinstance(e, NavGroup) and len(e.items) == 1 else e for e in entries]
