"""Request-level policy: the user's organization, absolute session lifetime, forced password change."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

PASSWORD_EXEMPT_PREFIXES = ("/accounts/", "/static/")
PASSWORD_MAX_AGE_DAYS = 90


class OrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        request.organization = None  # type: ignore[attr-defined]
        if user.is_authenticated:
            started = request.session.get("anbiao_login_at")
            now = time.time()
            if started is None:
                request.session["anbiao_login_at"] = now
            elif now - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(f"{reverse('accounts:login')}?expired=1")
            request.organization = user.organization  # type: ignore[attr-defined]
            if self._must_change_password(user) and not request.path.startswith(
                PASSWORD_EXEMPT_PREFIXES
            ):
                return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change_password(user: object) -> bool:
        from django.utils import timezone

        from anbiao.core.vocabulary import ADMIN_ROLES

        if getattr(user, "must_change_password", False):
            return True
        org = getattr(user, "organization", None)
        government_or_admin = (org is not None and org.is_government) or bool(
            user.role_set() & ADMIN_ROLES  # type: ignore[attr-defined]
        )
        changed = getattr(user, "password_changed_at", None)
        if government_or_admin and changed is not None:
            return (timezone.now() - changed).days >= PASSWORD_MAX_AGE_DAYS
        return False
