"""Reading the audit trail (审计管理员 only): filtering, and rows for the .xlsx export."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from anbiao.core.audit_labels import (
    ACTION_LABELS,
    DATA_KEY_LABELS,
    action_label,
    object_type_label,
)
from anbiao.core.models import AuditEntry

EXPORT_HEADERS = (
    "编号",
    "时间",
    "用户名",
    "单位",
    "IP",
    "操作",
    "浏览器",
    "对象类型",
    "对象ID",
    "对象",
    "内容",
)
EXPORT_WIDTHS = (8, 20, 16, 24, 16, 24, 40, 20, 20, 30, 60)
EXPORT_MAX_ROWS = 100_000


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor asked for; every field is optional."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    user: str = ""
    organization: str = ""
    action: str = ""
    object: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries(*, filters: AuditFilter | None = None) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, narrowed by the filter.

    ``user`` matches the username exactly or the user's full name partly; ``organization`` the
    unit's name partly; ``action`` is a prefix of the action code (``anbiao.auth.``) or part of
    its Chinese name (``下载``); ``object`` matches the object id exactly or its type or
    description partly.
    """
    f = filters or AuditFilter()
    qs = AuditEntry.objects.select_related("organization", "user").order_by("-id")
    if f.date_from:
        qs = qs.filter(created_at__gte=_start_of(f.date_from))
    if f.date_to:
        qs = qs.filter(created_at__lt=_start_of(f.date_to + dt.timedelta(days=1)))
    if f.user:
        qs = qs.filter(Q(username=f.user) | Q(user__full_name__contains=f.user))
    if f.organization:
        qs = qs.filter(organization__name__contains=f.organization)
    if f.action:
        named = [code for code, label in ACTION_LABELS.items() if f.action in label]
        qs = qs.filter(Q(action__startswith=f.action) | Q(action__in=named))
    if f.object:
        qs = qs.filter(
            Q(object_id=f.object)
            | Q(object_type__icontains=f.object)
            | Q(object_type__in=_types_named(f.object))
            | Q(object_repr__contains=f.object)
        )
    return qs


def _types_named(text: str) -> list[str]:
    """The model labels whose Chinese name contains ``text`` (对象类型 as the auditor sees it)."""
    from django.apps import apps

    return [m._meta.label for m in apps.get_models() if text in str(m._meta.verbose_name)]


def audit_data_text(entry: AuditEntry) -> str:
    """The recorded ``data`` (what changed) as readable, indented JSON."""
    if not entry.data:
        return ""
    return json.dumps(entry.data, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@dataclass(frozen=True)
class DataRow:
    """One key of an entry's ``data``: its Chinese name (or the key, ``known`` false) and the
    value, as text when it is Chinese prose, else as JSON to be shown as a code."""

    key: str
    label: str
    known: bool
    text: str
    is_code: bool


def audit_data_rows(entry: AuditEntry) -> list[DataRow]:
    """The entry's ``data`` key by key, for its page."""
    if not isinstance(entry.data, dict):
        text = audit_data_text(entry)
        return [DataRow("", "内容", True, text, True)] if text else []
    rows = []
    for key in sorted(entry.data):
        value = entry.data[key]
        label = DATA_KEY_LABELS.get(key)
        prose = _prose(value)
        text = prose if prose is not None else json.dumps(value, ensure_ascii=False, default=str)
        rows.append(DataRow(key, label or key, label is not None, text, prose is None))
    return rows


def _prose(value: Any) -> str | None:
    def chinese(s: str) -> bool:
        return any("\u4e00" <= ch <= "\u9fff" for ch in s)

    if isinstance(value, str) and chinese(value):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) and chinese(v) for v in value):
        return "、".join(value)
    return None


def audit_export_rows(*, filters: AuditFilter | None = None) -> Iterator[list[Any]]:
    """Rows for the spreadsheet export (the renderer makes formula-like text safe)."""
    qs = audit_entries(filters=filters)[:EXPORT_MAX_ROWS]
    for e in qs.iterator(chunk_size=2000):
        yield [
            e.pk,
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            e.username,
            e.organization.name if e.organization_id and e.organization else "",
            e.ip or "",
            action_label(e.action),
            e.user_agent,
            object_type_label(e.object_type),
            e.object_id,
            e.object_repr,
            json.dumps(e.data, ensure_ascii=False, sort_keys=True, default=str) if e.data else "",
        ]
