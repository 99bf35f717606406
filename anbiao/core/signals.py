"""Login events go to the audit trail (the audit trail is the only consumer of these signals)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from anbiao.core.audit import log_action


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    import time

    if request is not None and hasattr(request, "session"):
        request.session["anbiao_login_at"] = time.time()
    log_action(user, "anbiao.auth.login", user=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        log_action(user, "anbiao.auth.logout", user=user, request=request)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    log_action(
        None,
        "anbiao.auth.login_failed",
        request=request,
        data={"username": str(credentials.get("username", ""))[:150]},
    )
