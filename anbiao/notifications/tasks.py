"""Background tasks (``manage.py db_worker`` runs them)."""

from __future__ import annotations

from django.tasks import task

from anbiao.notifications.reminders import send_due_reminders, send_for_event


@task()
def send_daily_reminders() -> int:
    """The daily reminder run; safe to enqueue more than once a day."""
    return send_due_reminders()


@task()
def send_event_reminders(event: str, object_id: str) -> int:
    """The messages of one event (``anbiao.notifications.events.announce``)."""
    return send_for_event(event, object_id)
