"""Reads for account security pages (安全管理员)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from anbiao.accounts.models import ADMIN_ROLES, RoleGrant, User


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
    """Accounts locked right now: at least AXES_FAILURE_LIMIT failures within the cool-off.

    Failures are stored under the account's username whichever alias was typed
    (``anbiao.accounts.lockout``); a name that is no account appears as typed.
    """
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


@dataclass(frozen=True)
class AddressLockout:
    ip_address: str
    failures: int
    usernames: tuple[str, ...]
    last_attempt: dt.datetime
    unlocks_at: dt.datetime


def current_ip_lockouts() -> list[AddressLockout]:
    """Client addresses locked right now: LOGIN_IP_FAILURE_LIMIT failures within the cool-off."""
    from axes.models import AccessAttempt

    since = timezone.now() - cool_off()
    found: dict[str, list[AccessAttempt]] = {}
    for attempt in AccessAttempt.objects.filter(attempt_time__gte=since).order_by("ip_address"):
        found.setdefault(attempt.ip_address or "", []).append(attempt)
    lockouts = []
    for ip, attempts in found.items():
        failures = sum(a.failures_since_start for a in attempts)
        if not ip or failures < settings.LOGIN_IP_FAILURE_LIMIT:
            continue
        last = max(a.attempt_time for a in attempts)
        lockouts.append(
            AddressLockout(
                ip_address=ip,
                failures=failures,
                usernames=tuple(sorted({a.username or "" for a in attempts})),
                last_attempt=last,
                unlocks_at=last + cool_off(),
            )
        )
    return lockouts


@dataclass(frozen=True)
class RoleViolation:
    user: User
    roles: tuple[str, ...]  # as stored
    problems: tuple[str, ...]


def role_separation_violations() -> list[RoleViolation]:
    """Accounts whose stored roles break the separation rules (from data older than the rules).

    Such an account uses its business roles only (``anbiao.accounts.models.effective_roles``)
    until a 系统管理员 corrects it. Also listed: an admin role outside the city office.
    """
    from anbiao.accounts.roles import ONLY_CITY, label, role_set_problems
    from anbiao.orgs.models import OrgKind

    found = []
    candidates = (
        User.objects.filter(memberships__role__in=ADMIN_ROLES)
        .distinct()
        .select_related("organization")
        .prefetch_related("memberships")
        .order_by("username")
    )
    for user in candidates:
        roles = user.stored_roles()
        problems = role_set_problems(roles)
        org = user.organization
        if org is None or org.kind != OrgKind.CITY:
            problems.append(ONLY_CITY)
        if problems:
            found.append(
                RoleViolation(
                    user=user,
                    roles=tuple(label(r) for r in sorted(roles)),
                    problems=tuple(problems),
                )
            )
    return found


def role_grants_pending() -> QuerySet[RoleGrant]:
    """Role grants waiting for a second admin, oldest first."""
    return (
        RoleGrant.objects.filter(status=RoleGrant.Status.PENDING)
        .select_related("user", "user__organization", "requested_by")
        .order_by("requested_at", "pk")
    )


def role_grants_decided(*, limit: int = 20) -> QuerySet[RoleGrant]:
    """The most recently decided role grants (the audit trail has them all)."""
    return (
        RoleGrant.objects.exclude(status=RoleGrant.Status.PENDING)
        .select_related("user", "requested_by", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def role_grant_get(*, pk: object) -> RoleGrant:
    """One grant (every grant concerns the city office, whose admins alone reach the pages)."""
    from anbiao.core.access import get_in_scope_or_404

    return get_in_scope_or_404(RoleGrant.objects.select_related("user", "requested_by"), pk=pk)
