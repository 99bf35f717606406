"""Sending notifications: ``notify(user=..., kind=..., title=..., dedupe_key=...)``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from anbiao.notifications.models import Notification, Preference

if TYPE_CHECKING:
    from anbiao.accounts.models import User

logger = logging.getLogger(__name__)


def _prefs(user: User, kind: str) -> tuple[bool, bool]:
    pref = Preference.objects.filter(user=user, kind=kind).first()
    return (pref.in_app, pref.email) if pref else (True, True)


def notify(
    *, user: User, kind: str, title: str, dedupe_key: str, body: str = "", url: str = ""
) -> Notification | None:
    """Send one notification unless the user turned the kind off or it was already sent.

    Idempotent: the same (user, dedupe_key) is delivered once, however often this is called.
    """
    if not user.is_active:
        return None
    in_app, email = _prefs(user, kind)
    if not in_app and not email:
        return None
    if Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                user=user,
                kind=kind,
                title=title[:200],
                body=body,
                url=url[:300],
                dedupe_key=dedupe_key[:200],
                read_at=None if in_app else timezone.now(),
            )
    except IntegrityError:
        return None  # a concurrent run delivered it first
    if email and user.email:
        try:
            EmailMessage(
                f"【安标回头看】{title}", f"{body}\n\n{url}".strip(), None, [user.email]
            ).send()
        except OSError:
            logger.warning("reminder e-mail to user %s failed", user.pk, exc_info=True)
        else:
            Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return note


def notify_many(
    *, users: Iterable[User], kind: str, title: str, dedupe_key: str, body: str = "", url: str = ""
) -> int:
    return sum(
        1
        for u in users
        if notify(user=u, kind=kind, title=title, dedupe_key=dedupe_key, body=body, url=url)
        is not None
    )


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    for kind, (in_app, email) in choices.items():
        Preference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "email": email}
        )
