"""Reads for account security pages (安全管理员)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from anbiao.accounts.models import ADMIN_ROLES, User


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_addresses: tuple[str, ...]
    failures: int
    last_attempt: dt.datetime
    unlocks_at: dt.datetime


def cool_off() -> dt.timedelta:
    value = settings.AXES_COOLOFF_TIME
    if isinstance(value, dt.timedelta):
        return value
    return dt.timedelta(hours=float(value))


def current_lockouts() -> list[Lockout]:
    """Usernames locked right now: at least AXES_FAILURE_LIMIT failures within the cool-off."""
    from axes.models import AccessAttempt

    since = timezone.now() - cool_off()
    limit = settings.AXES_FAILURE_LIMIT
    found: dict[str, list[AccessAttempt]] = {}
    for attempt in AccessAttempt.objects.filter(attempt_time__gte=since).order_by("username"):
        found.setdefault(attempt.username or "", []).append(attempt)
    lockouts = []
    for username, attempts in found.items():
        failures = sum(a.failures_since_start for a in attempts)  # as axes counts
        if failures < limit:
            continue
        last = max(a.attempt_time for a in attempts)
        lockouts.append(
            Lockout(
                username=username,
                ip_addresses=tuple(sorted({a.ip_address or "" for a in attempts})),
                failures=failures,
                last_attempt=last,
                unlocks_at=last + cool_off(),
            )
        )
    return lockouts


def admin_accounts() -> QuerySet[User]:
    """The 三员 accounts with their second-factor state, for the security page."""
    return (
        User.objects.filter(memberships__role__in=ADMIN_ROLES)
        .distinct()
        .select_related("organization", "totp_device")
        .prefetch_related("memberships")
        .order_by("username")
    )
