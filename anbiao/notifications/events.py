"""Messages about an event, sent as soon as the event is saved (not only at the daily run).

A service that writes an event calls ``announce("checklist_returned", submission.pk)``; once
its transaction commits, the ``send_event_reminders`` task is queued (``manage.py db_worker``
runs it; ``make run`` starts the worker). The task asks every app's ``reminders.for_event``
for the messages of that event and delivers each once: the dedupe keys are those of the daily
run (``anbiao/dashboards/reminders.py``), so the daily run never repeats them, and an event
whose task was lost is still announced by the next daily run.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

EVENTS = ("checklist_returned", "problem_recorded")


def announce(event: str, object_id: object) -> None:
    """Queue the messages of ``event`` about ``object_id`` after the current commit."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    transaction.on_commit(lambda: _enqueue(event, str(object_id)))


def _enqueue(event: str, object_id: str) -> None:
    from anbiao.notifications.tasks import send_event_reminders

    try:
        send_event_reminders.enqueue(event, object_id)
    except Exception:  # a queue outage must not fail the user's saved work; the daily run
        logger.warning("could not queue %s %s", event, object_id, exc_info=True)  # catches up
