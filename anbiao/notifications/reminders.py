"""The daily reminder job: collects due reminders from every app and delivers each once.

An app contributes reminders with ``anbiao/<app>/reminders.py`` defining
``collect(today: date) -> Iterable[Reminder]``, and optionally
``for_event(event: str, object_id: str) -> Iterable[Reminder]`` for the messages sent as soon as
an event is saved (``anbiao/notifications/events.py``). The job is idempotent: every reminder has a
dedupe key that includes the date or the event it is about, so running it twice the same day
sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from anbiao.core.discovery import app_modules
from anbiao.notifications.services import notify


@dataclass(frozen=True)
class Reminder:
    user: Any
    kind: str
    title: str
    dedupe_key: str
    body: str = ""
    url: str = ""


def local_today() -> date:
    return timezone.localdate()  # Asia/Shanghai


def collect_all(today: date) -> Iterable[Reminder]:
    for module in app_modules("reminders"):
        if module.__name__ == __name__:
            continue
        collect = getattr(module, "collect", None)
        if collect is not None:
            yield from collect(today)


def _deliver(items: Iterable[Reminder]) -> int:
    sent = 0
    for r in items:
        if notify(
            user=r.user, kind=r.kind, title=r.title, dedupe_key=r.dedupe_key, body=r.body, url=r.url
        ):
            sent += 1
    return sent


def send_for_event(event: str, object_id: str) -> int:
    """Deliver the reminders of one event: each app's ``reminders.for_event(event, id)``."""
    sent = 0
    for module in app_modules("reminders"):
        hook = getattr(module, "for_event", None)
        if module.__name__ != __name__ and hook is not None:
            sent += _deliver(hook(event, object_id))
    return sent


def send_due_reminders(today: date | None = None) -> int:
    """Deliver every reminder due on ``today`` (local date); return how many were new."""
    return _deliver(collect_all(today or local_today()))
