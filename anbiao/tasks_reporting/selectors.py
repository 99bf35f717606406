"""Reads of reporting tasks: scoped to the issuer's units or to the recipient unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from anbiao.core.access import get_in_scope_or_404, own_unit_ids
from anbiao.tasks_reporting import deadlines
from anbiao.tasks_reporting.models import (
    ReportPeriod,
    ReportSubmission,
    ReportTask,
    SubmissionStatus,
)

if TYPE_CHECKING:
    from anbiao.accounts.models import User


def tasks_issued_by(user: User) -> QuerySet[ReportTask]:
    """Tasks issued by the user's unit (or its sub-units)."""
    return ReportTask.objects.filter(issuer_id__in=own_unit_ids(user)).select_related("issuer")


def tasks_for_unit(user: User) -> QuerySet[ReportTask]:
    """Tasks the user's unit must answer."""
    org = user.organization
    if org is None:
        return ReportTask.objects.none()
    return ReportTask.objects.filter(recipients=org).select_related("issuer")


def issued_task_get(*, user: User, pk: Any) -> ReportTask:
    return get_in_scope_or_404(tasks_issued_by(user), pk=pk)


def issued_period_get(*, user: User, pk: Any) -> ReportPeriod:
    qs = ReportPeriod.objects.filter(task__issuer_id__in=own_unit_ids(user)).select_related("task")
    return get_in_scope_or_404(qs, pk=pk)


def my_period_get(*, user: User, pk: Any) -> ReportPeriod:
    org = user.organization
    qs = ReportPeriod.objects.filter(task__recipients=org).select_related("task", "task__issuer")
    return get_in_scope_or_404(qs, pk=pk)


def issued_submission_get(*, user: User, pk: Any) -> ReportSubmission:
    qs = ReportSubmission.objects.filter(
        period__task__issuer_id__in=own_unit_ids(user)
    ).select_related("period__task", "organization")
    return get_in_scope_or_404(qs, pk=pk)


@dataclass
class Row:
    organization: Any
    submission: ReportSubmission | None
    state: str  # submitted | late | returned | draft | missing
    label: str


def period_rows(period: ReportPeriod, now: dt.datetime | None = None) -> list[Row]:
    """Who has submitted, late, returned, or not yet (missing once the deadline has passed)."""
    now = now or timezone.now()
    subs = {
        s.organization_id: s
        for s in period.submissions.select_related("organization").prefetch_related("files")
    }
    overdue = deadlines.is_overdue(period.deadline, now)
    rows = []
    for org in period.task.recipients.order_by("kind", "name"):
        sub = subs.get(org.pk)
        if sub and sub.status == SubmissionStatus.SUBMITTED:
            assert sub.submitted_at is not None  # submission_submit stamps it
            late = sub.submitted_at >= deadlines.overdue_from(period.deadline)
            rows.append(
                Row(org, sub, "late" if late else "submitted", "逾期提交" if late else "已提交")
            )
        elif sub and sub.status == SubmissionStatus.RETURNED:
            rows.append(Row(org, sub, "returned", "已退回"))
        else:
            rows.append(
                Row(
                    org, sub, "missing" if overdue else "draft", "逾期未报" if overdue else "未提交"
                )
            )
    return rows


def summary(rows: list[Row]) -> dict[str, int]:
    out = {"total": len(rows), "submitted": 0, "late": 0, "returned": 0, "missing": 0, "draft": 0}
    for r in rows:
        out[r.state] += 1
    return out


@dataclass
class MyItem:
    period: ReportPeriod
    submission: ReportSubmission | None
    overdue: bool
    left: str


def my_open_items(user: User, now: dt.datetime | None = None) -> list[MyItem]:
    """The unit's periods with status and time left, open ones first, nearest deadline first."""
    from anbiao.tasks_reporting.services import periods_ensure

    now = now or timezone.now()
    org = user.organization
    items = []
    for task in tasks_for_unit(user):
        for period in periods_ensure(task=task, now=now):
            sub = ReportSubmission.objects.filter(period=period, organization=org).first()
            done = sub is not None and sub.status == SubmissionStatus.SUBMITTED
            items.append(
                MyItem(
                    period,
                    sub,
                    not done and deadlines.is_overdue(period.deadline, now),
                    "" if done else deadlines.time_left_text(period.deadline, now),
                )
            )
    items.sort(
        key=lambda i: (
            i.submission is not None and i.submission.status == "submitted",
            i.period.deadline,
        )
    )
    return items


@dataclass
class Pending:
    task: ReportTask
    deadline: dt.date
    overdue: bool
    left: str


def my_pending(user: User, now: dt.datetime | None = None) -> list[Pending]:
    """Read-only (for menus and home cards): the unit's periods not yet submitted, including
    periods not yet created in the database, nearest deadline first."""
    from anbiao.tasks_reporting.services import period_deadlines

    now = now or timezone.now()
    org = user.organization
    if org is None:
        return []
    done = set(
        ReportSubmission.objects.filter(
            organization=org, status=SubmissionStatus.SUBMITTED
        ).values_list("period__task_id", "period__deadline")
    )
    out = []
    for task in tasks_for_unit(user):
        for d in period_deadlines(task, now):
            if (task.pk, d) not in done:
                out.append(
                    Pending(task, d, deadlines.is_overdue(d, now), deadlines.time_left_text(d, now))
                )
    out.sort(key=lambda p: p.deadline)
    return out
