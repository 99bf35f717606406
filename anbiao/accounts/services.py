"""Writes of account security: second factor (TOTP), unlocking logins, roles. All audited."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pyotp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from anbiao.accounts.lockout import clear_account, resolve_login
from anbiao.accounts.models import ADMIN_ROLES, Membership, Role, RoleGrant, TOTPDevice
from anbiao.accounts.roles import (
    CONFIRMED_ROLES,
    ONLY_CITY,
    can_confirm_grants,
    is_security_admin,
    is_system_admin,
    role_change_problems,
    role_set_problems,
)
from anbiao.core.audit import log_action
from anbiao.orgs.models import OrgKind

if TYPE_CHECKING:
    from anbiao.accounts.models import User

TOTP_ISSUER = "安标回头看"
TOTP_INTERVAL = 30
SESSION_2FA_KEY = "anbiao_2fa_ok"


def _step(at: float | None = None) -> int:
    return int((at if at is not None else time.time()) // TOTP_INTERVAL)


def totp_provisioning_uri(*, device: TOTPDevice) -> str:
    """The otpauth:// URI an authenticator app understands (typed in or scanned)."""
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.username, issuer_name=TOTP_ISSUER
    )


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A not-yet-confirmed device with a fresh secret (an unconfirmed one is reused)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        device = TOTPDevice(user=user, secret=pyotp.random_base32())
        device.full_clean()
        device.save()
    return device


def _accept(device: TOTPDevice, code: str) -> bool:
    """Whether ``code`` is valid now (±1 step for clock drift) and newer than the last one used."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(device.secret)
    now = time.time()
    for offset in (0, -1, 1):
        step = _step(now) + offset
        if step <= device.last_used_step:
            continue
        if totp.verify(code, for_time=step * TOTP_INTERVAL):
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return True
    return False


@transaction.atomic
def totp_device_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> TOTPDevice:
    """Confirm the device with the first code from the user's app; from now on it is asked."""
    device = TOTPDevice.objects.select_for_update().get(user=user)
    if not _accept(device, code):
        raise ValidationError({"code": "动态口令不正确或已过期，请输入应用中当前显示的 6 位数字。"})
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    log_action(user, "anbiao.auth.totp_enabled", user=user, request=request)
    return device


TOTP_MAX_FAILURES = 5
TOTP_OK, TOTP_WRONG, TOTP_LOCKED = "ok", "wrong", "locked"


@transaction.atomic
def totp_verify(*, user: User, code: str, request: HttpRequest | None = None) -> str:
    """Check a login code against the user's confirmed device; every outcome is audited.

    Returns ``TOTP_OK``, ``TOTP_WRONG`` or ``TOTP_LOCKED``. Five wrong codes in a row (over all
    sessions) lock the second factor for the lockout cool-off (30 minutes), so that knowing the
    password is not enough to guess the code by logging in again and again.
    """
    from anbiao.accounts.selectors import cool_off

    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    now = timezone.now()
    if device is None or not device.confirmed:
        result = TOTP_WRONG
    elif device.locked_until is not None and device.locked_until > now:
        result = TOTP_LOCKED
    elif _accept(device, code):
        device.failures, device.locked_until = 0, None
        device.save(update_fields=["failures", "locked_until"])
        result = TOTP_OK
        # The login is complete: the account's password failures are forgotten.
        clear_account(username=user.username)
    else:
        device.failures += 1
        result = TOTP_WRONG
        if device.failures >= TOTP_MAX_FAILURES:
            device.failures, device.locked_until = 0, now + cool_off()
            result = TOTP_LOCKED
            log_action(user, "anbiao.auth.totp_locked", user=user, request=request)
        device.save(update_fields=["failures", "locked_until"])
    log_action(
        user,
        "anbiao.auth.totp_verified" if result == TOTP_OK else "anbiao.auth.totp_failed",
        user=user,
        request=request,
        data={} if result == TOTP_OK else {"locked": result == TOTP_LOCKED},
    )
    return result


def totp_failures_left(*, user: User) -> int:
    device = TOTPDevice.objects.filter(user=user).first()
    return TOTP_MAX_FAILURES - (device.failures if device else 0)


@transaction.atomic
def totp_device_reset(*, by: User, user: User, request: HttpRequest | None = None) -> bool:
    """Remove a user's device (lost phone); the user sets up a new one at the next login.

    Only a 安全管理员 resets, and never its own device: whoever held its password could
    otherwise bind a new phone to it. Its own lost phone is reset by another 安全管理员 or
    on the server (``manage.py totp_reset``).
    """
    if not is_security_admin(by):
        raise ValidationError("只有安全管理员可以重置动态口令。")
    if by.pk == user.pk:
        raise ValidationError(
            "不能重置自己的动态口令：请由另一名安全管理员重置，或由运维人员在服务器上执行 "
            "manage.py totp_reset。"
        )
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        log_action(user, "anbiao.auth.totp_reset", user=by, request=request)
    return bool(deleted)


def lockout_lifted(*, user: User, request: HttpRequest | None = None) -> None:
    """Record that the owner lifted its account's lock with password and TOTP code."""
    log_action(user, "anbiao.auth.lock_lifted", user=user, request=request)


def lockout_reset(*, by: User, username: str, request: HttpRequest | None = None) -> int:
    """Unlock an account (every IP; username or mobile) through django-axes; audited.

    Returns the attempts removed.
    """
    from axes.utils import reset

    username = resolve_login(username or "")
    if not username:
        raise ValidationError({"username": "请指定要解锁的用户名。"})
    with transaction.atomic():
        removed = reset(username=username)
        # The second factor's lock of the same account ends too.
        removed += TOTPDevice.objects.filter(
            user__username=username, locked_until__isnull=False
        ).update(locked_until=None, failures=0)
        log_action(
            None,
            "anbiao.auth.unlocked",
            user=by,
            request=request,
            data={"username": username, "attempts_removed": removed},
        )
    return removed


def lockout_reset_ip(*, by: User, ip: str, request: HttpRequest | None = None) -> int:
    """Unlock a client address (all accounts tried from it); audited. Returns attempts removed."""
    import ipaddress

    from axes.utils import reset

    try:
        ip = str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        raise ValidationError({"ip": "请指定要解锁的 IP 地址。"}) from None
    with transaction.atomic():
        removed = reset(ip=ip)
        log_action(
            None,
            "anbiao.auth.ip_unlocked",
            user=by,
            request=request,
            data={"ip": ip, "attempts_removed": removed},
        )
    return removed


# --- roles (三员分立: anbiao.accounts.roles) ---------------------------------------------------


def _roles_write(
    *,
    by: User | None,
    user: User,
    before: set[str],
    after: set[str],
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    user.memberships.exclude(role__in=after).delete()
    for role in sorted(after - before):
        membership = Membership(user=user, role=role)
        membership.full_clean(validate_unique=False)
        membership.save()
    user.__dict__.pop("_role_cache", None)
    staff = Role.SYSADMIN in after  # the 系统管理员 works in /django-admin/ too
    if user.is_staff != staff and not user.is_superuser:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    log_action(
        user,
        "anbiao.user.roles_changed",
        user=by,
        request=request,
        data={"before": sorted(before), "after": sorted(after), **(data or {})},
    )


@transaction.atomic
def roles_set(
    *, by: User | None, user: User, roles: list[str], request: HttpRequest | None = None
) -> RoleGrant | None:
    """Give ``user`` exactly ``roles`` under the separation rules; audited.

    A role change that the rules refuse raises ``ValidationError`` on ``roles`` and changes
    nothing. Making an account 安全管理员 or 审计管理员 does not change it yet: it opens a
    ``RoleGrant`` (returned) that another admin confirms (``role_grant_confirm``).
    """
    valid = set(Role.values)
    bad = [r for r in roles if r not in valid]
    if bad:
        raise ValidationError({"roles": f"未知角色：{'、'.join(bad)}"})
    if not roles:
        raise ValidationError({"roles": "至少选择一个角色"})
    before = set(user.memberships.values_list("role", flat=True))
    after = set(roles)
    kind = user.organization.kind if user.organization else ""
    problems = role_change_problems(by=by, user=user, kind=kind, before=before, after=after)
    if problems:
        raise ValidationError({"roles": problems})
    if after == before:
        return None
    confirmed = (after - before) & CONFIRMED_ROLES
    if not confirmed:
        # A grant still waiting would undo this change when confirmed: it is withdrawn.
        for waiting in RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING):
            _withdraw(_pending(waiting), by=by, request=request, reason="roles_changed")
        _roles_write(by=by, user=user, before=before, after=after, request=request)
        return None
    # The rules leave exactly one role here: the admin role, alone.
    (role,) = confirmed
    open_grant = RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING).first()
    if open_grant is not None:
        raise ValidationError(
            {
                "roles": f"该账号已有一项待确认的授权（{open_grant.get_role_display()}），"
                "请等待确认，或先在“角色授权”中撤回。"
            }
        )
    assert by is not None  # role_change_problems lets only a 系统管理员 grant admin roles
    grant = RoleGrant(user=user, role=role, requested_by=by)
    grant.full_clean()
    grant.save()
    log_action(
        user,
        "anbiao.user.role_grant_requested",
        user=by,
        request=request,
        data={"grant": grant.pk, "role": role, "roles_before": sorted(before)},
    )
    return grant


def _pending(grant: RoleGrant) -> RoleGrant:
    locked = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("user", "user__organization", "requested_by")
        .get(pk=grant.pk)
    )
    if locked.status != RoleGrant.Status.PENDING:
        raise ValidationError(f"该申请已处理（{locked.get_status_display()}）。")
    return locked


def _decide(grant: RoleGrant, *, by: User, status: str) -> None:
    grant.status = status
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.full_clean()
    grant.save(update_fields=["status", "decided_by", "decided_at"])


def _check_second_admin(*, by: User, grant: RoleGrant) -> None:
    if not can_confirm_grants(by):
        raise ValidationError("只有安全管理员或审计管理员可以确认或拒绝角色授权。")
    if by.pk == grant.requested_by_id:
        raise ValidationError("不能处理自己提出的申请。")
    if by.pk == grant.user_id:
        raise ValidationError("不能处理授予自己的角色。")


@transaction.atomic
def role_grant_confirm(
    *, by: User, grant: RoleGrant, request: HttpRequest | None = None
) -> RoleGrant:
    """A second admin confirms a grant: the account then holds that role alone. Audited."""
    grant = _pending(grant)
    _check_second_admin(by=by, grant=grant)
    if not is_system_admin(grant.requested_by):
        raise ValidationError("申请人已不再是系统管理员，该申请不能确认，请拒绝。")
    user = grant.user
    kind = user.organization.kind if user.organization else ""
    if kind != OrgKind.CITY:
        raise ValidationError("该账号已不属于市安委办，不能授予三员角色，请拒绝。")
    _decide(grant, by=by, status=RoleGrant.Status.CONFIRMED)
    before = set(user.memberships.values_list("role", flat=True))
    _roles_write(
        by=by,
        user=user,
        before=before,
        after={grant.role},
        request=request,
        data={"grant": grant.pk, "requested_by": grant.requested_by.username},
    )
    log_action(
        user,
        "anbiao.user.role_grant_confirmed",
        user=by,
        request=request,
        data={"grant": grant.pk, "role": grant.role, "requested_by": grant.requested_by.username},
    )
    return grant


@transaction.atomic
def role_grant_refuse(
    *, by: User, grant: RoleGrant, request: HttpRequest | None = None
) -> RoleGrant:
    """A second admin refuses a grant; the account keeps its roles. Audited."""
    grant = _pending(grant)
    _check_second_admin(by=by, grant=grant)
    _decide(grant, by=by, status=RoleGrant.Status.REFUSED)
    log_action(
        grant.user,
        "anbiao.user.role_grant_refused",
        user=by,
        request=request,
        data={"grant": grant.pk, "role": grant.role, "requested_by": grant.requested_by.username},
    )
    return grant


@transaction.atomic
def role_grant_cancel(
    *, by: User, grant: RoleGrant, request: HttpRequest | None = None
) -> RoleGrant:
    """A 系统管理员 withdraws a grant that is still waiting. Audited."""
    grant = _pending(grant)
    if not is_system_admin(by):
        raise ValidationError("只有系统管理员可以撤回角色授权申请。")
    _withdraw(grant, by=by, request=request, reason="withdrawn")
    return grant


def _withdraw(
    grant: RoleGrant, *, by: User | None, request: HttpRequest | None, reason: str
) -> None:
    grant.status = RoleGrant.Status.CANCELLED
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.full_clean()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    log_action(
        grant.user,
        "anbiao.user.role_grant_cancelled",
        user=by,
        request=request,
        data={"grant": grant.pk, "role": grant.role, "reason": reason},
    )


@transaction.atomic
def roles_set_on_server(*, user: User, roles: list[str], via: str) -> None:
    """Set roles from the server's command line (the first admins of a new installation).

    The operator stands in for the second admin, so no confirmation is asked; the rules on
    which roles may sit together still hold. Audited with ``via``.
    """
    valid = set(Role.values)
    bad = [r for r in roles if r not in valid]
    if bad or not roles:
        raise ValidationError({"roles": f"请指定角色（可选：{'、'.join(sorted(valid))}）。"})
    after = set(roles)
    problems = role_set_problems(after)
    kind = user.organization.kind if user.organization else ""
    if after & ADMIN_ROLES and kind != OrgKind.CITY:
        problems.append(ONLY_CITY)
    if problems:
        raise ValidationError({"roles": problems})
    before = set(user.memberships.values_list("role", flat=True))
    if before != after:
        for waiting in RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING):
            _withdraw(_pending(waiting), by=None, request=None, reason=via)
        _roles_write(by=None, user=user, before=before, after=after, data={"via": via})
