"""Helpers shared by the domain routers (not a router: the name starts with "_")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Path, Schema
from pydantic import BeforeValidator

from anbiao.accounts.models import BUSINESS_ROLES
from anbiao.core.access import ALL_KINDS, AccessRule
from anbiao.core.audit import log_denied

# Integer path ids: bounded so that a huge number is a 422, not a database error.
MAX_INT_ID = 2_147_483_647


def IntId(description: str) -> Any:  # noqa: N802 — used like a type in signatures
    return Path(..., ge=1, le=MAX_INT_ID, description=description)


class UnitRef(Schema):
    id: str
    name: str


def ref(org: Any) -> dict[str, Any] | None:
    return {"id": str(org.pk), "name": org.name} if org is not None else None


def person(user: Any) -> str:
    """A user's shown name ("" for none)."""
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.get_username()


def allow(
    request: HttpRequest,
    *,
    kinds: Iterable[str] = ALL_KINDS,
    roles: Iterable[str] = BUSINESS_ROLES,
) -> Any:
    """The UI's ``@require`` rule for an operation: outside it answers 404, like the page."""
    user = request.auth  # type: ignore[attr-defined]
    if not AccessRule(kinds=frozenset(kinds), roles=frozenset(roles)).allows(user):
        log_denied(request, reason="rule")
        raise Http404("页面不存在")
    return user


def _iso_date_only(value: Any) -> Any:
    """A date written as YYYY-MM-DD (pydantic alone would also take ``0`` as a timestamp)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("应为日期，格式 YYYY-MM-DD。")
    if isinstance(value, int | float | bool):
        raise ValueError("应为日期，格式 YYYY-MM-DD。")
    return value


# A calendar date in ISO form only.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
