"""Writes of account security: second factor (TOTP) and unlocking locked logins. All audited."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pyotp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from anbiao.accounts.models import TOTPDevice
from anbiao.core.audit import log_action

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
    """Remove a user's device (lost phone); the user sets up a new one at the next login."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        log_action(user, "anbiao.auth.totp_reset", user=by, request=request)
    return bool(deleted)


def lockout_reset(*, by: User, username: str, request: HttpRequest | None = None) -> int:
    """Unlock a username (every IP) through django-axes; audited. Returns attempts removed."""
    from axes.utils import reset

    username = (username or "").strip()
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
