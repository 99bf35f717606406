"""The second factor: after the password, the 三员 (and anyone who enabled it) give a TOTP code.

Add after ``anbiao.core.middleware.OrganizationMiddleware`` in ``MIDDLEWARE``:
``"anbiao.accounts.middleware.SecondFactorMiddleware"``. Until the session carries the
``anbiao_2fa_ok`` flag, such a user reaches only the login, logout and second-factor pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from anbiao.accounts.models import ADMIN_ROLES, TOTPDevice
from anbiao.accounts.services import SESSION_2FA_KEY

EXEMPT_URL_NAMES = (
    "accounts:login",
    "accounts:logout",
    "accounts:totp_setup",
    "accounts:totp_verify",
)
EXEMPT_PREFIXES = ("/static/",)


@cache
def _exempt_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in EXEMPT_URL_NAMES)


def second_factor_required(user: object) -> bool:
    """Admins always; other users once they have confirmed an authenticator app."""
    if getattr(user, "role_set", None) and user.role_set() & ADMIN_ROLES:  # type: ignore[attr-defined]
        return True
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()  # type: ignore[misc]


def second_factor_pending(request: HttpRequest) -> bool:
    user = request.user
    return (
        user.is_authenticated
        and not request.session.get(SESSION_2FA_KEY)
        and second_factor_required(user)
    )


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if (
            path not in _exempt_paths()
            and not path.startswith(EXEMPT_PREFIXES)
            and second_factor_pending(request)
        ):
            confirmed = TOTPDevice.objects.filter(
                user_id=request.user.pk,  # type: ignore[misc]
                confirmed_at__isnull=False,
            ).exists()
            target = reverse("accounts:totp_verify" if confirmed else "accounts:totp_setup")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
