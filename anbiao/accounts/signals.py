"""django-axes tells us when it locks a login; that goes to the audit trail with the IP."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver

from anbiao.core.audit import log_action


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    log_action(
        None,
        "anbiao.auth.locked_out",
        request=request,
        data={
            "username": str(username or "")[:150],
            "ip": str(kwargs.get("ip_address") or ""),
        },
    )
