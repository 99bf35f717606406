"""Login lockout per account and per client address; django-axes records, this module decides.

Three locks, each for the cool-off (30 minutes) after the last failure that counts:

- the account from one address: ``AXES_FAILURE_LIMIT`` (5) failures of that account there;
- the account everywhere: 5 failures of the account in all, from any addresses;
- the address: ``LOGIN_IP_FAILURE_LIMIT`` (20) failures there, for any accounts.

Failures count against the account, whichever of its names was typed (username or mobile
number, as ``UsernameOrMobileBackend`` accepts them): ``account_username`` hands axes the
account's username. A name that is no account is counted as typed.

The account-wide lock would let anyone keep an account (the 安全管理员, the only unlocker)
locked by sending five wrong passwords every half hour. So it can be lifted by the account's
owner: the correct password together with the account's current TOTP code, typed on the lock
page from an address that is not locked itself. The lift checks the code only after the
password was right, so the answer to a wrong password, a wrong code or an unknown name is the
same lock page, and guessing passwords learns nothing while the account is locked. Accounts
without an authenticator app are unlocked by the 安全管理员 (or when the cool-off ends).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.http import HttpRequest

LIFT_FLAG = "anbiao_lock_lift"  # request attribute: the account is locked, a lift is tried
LIFTED_FLAG = "anbiao_lock_lifted"  # request attribute: password and code were both right


def resolve_login(typed: str) -> str:
    """The username of the one account that ``typed`` names (username or mobile), else ``typed``."""
    typed = (typed or "").strip()
    if not typed:
        return typed
    names = list(
        get_user_model()
        .objects.filter(Q(username=typed) | Q(mobile=typed))
        .values_list("username", flat=True)[:2]
    )
    return names[0] if len(names) == 1 else typed


def account_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> Any:
    """``AXES_USERNAME_CALLABLE``: the account's username for whatever name was typed."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        typed = credentials.get(field)
    else:
        typed = getattr(request, "POST", {}).get(field) if request is not None else None
    if typed is None:
        return None
    # Axes asks several times per login; one lookup per request and name is enough.
    memo: dict[str, str] = {}
    if request is not None:
        memo = request.__dict__.setdefault("_anbiao_account_names", {})
    if typed not in memo:
        memo[typed] = resolve_login(str(typed))
    return memo[typed]


@dataclass(frozen=True)
class LockState:
    here: int  # failures of the account from this address
    account: int  # failures of the account from all addresses
    address: int  # failures from this address, all accounts

    @property
    def locked_here(self) -> bool:
        """Locked for this address: the account from here, or the address for everyone."""
        return (
            self.here >= settings.AXES_FAILURE_LIMIT
            or self.address >= settings.LOGIN_IP_FAILURE_LIMIT
        )

    @property
    def account_locked(self) -> bool:
        return self.account >= settings.AXES_FAILURE_LIMIT


def _failures(attempts: Any) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def lock_state(request: HttpRequest, credentials: dict[str, Any] | None = None) -> LockState:
    """The failures within the cool-off that count for this login (account and address)."""
    username = get_client_username(request, credentials)
    ip = request.axes_ip_address  # type: ignore[attr-defined]
    recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
    account = recent.filter(username=username) if username else recent.none()
    return LockState(
        here=_failures(account.filter(ip_address=ip)),
        account=_failures(account),
        address=_failures(recent.filter(ip_address=ip)),
    )


def lift_requested(credentials: dict[str, Any] | None) -> bool:
    code = str((credentials or {}).get("code") or "").strip()
    return len(code) == 6 and code.isdigit()


class AccountLockHandler(AxesDatabaseHandler):
    """Axes' database handler with the three locks above and the owner's lift."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        state = lock_state(request, credentials)
        if state.locked_here:
            return True
        if state.account_locked:
            if lift_requested(credentials):
                # The backend checks the code after the password (UsernameOrMobileBackend).
                setattr(request, LIFT_FLAG, True)
                return False
            return True
        return False

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        # Axes compares this with AXES_FAILURE_LIMIT after a failure to decide whether the
        # answer is the lock page: any of the three locks reaches the limit.
        state = lock_state(request, credentials)
        if state.locked_here or state.account_locked:
            return max(settings.AXES_FAILURE_LIMIT, state.account)
        return state.account


def clear_account(*, username: str) -> int:
    """Forget an account's failures (all addresses) once its owner has signed in completely."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted
