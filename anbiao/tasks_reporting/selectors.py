"""Reads of reporting tasks: scoped to the issuer's units or to the recipient unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from anbiao.core.access import get_in_scope_or_404
from anbiao.enforcement.deadlines import deadline as case_deadline
from anbiao.obligations.deadlines import on_time
from anbiao.obligations.effective import deadline_for, effective_deadline, granted, granted_many
from anbiao.obligations.models import ObligationKind
from anbiao.orgs.visibility import own_unit_ids
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


def own_deadline(*, period: ReportPeriod, org: Any) -> dt.date:
    """The unit's deadline of a period: the period's, or the date of its granted extension."""
    return effective_deadline(ObligationKind.TASK, period.pk, org.pk, period.deadline).date


@dataclass
class Row:
    organization: Any
    submission: ReportSubmission | None
    state: str  # submitted | late | returned | draft | missing
    label: str
    deadline: dt.date | None = None  # the unit's: the period's, or its extended date
    reported_at: dt.datetime | None = None

    @property
    def deadline_text(self) -> str:
        return deadlines.deadline_text(self.deadline) if self.deadline else "—"


def _state(
    *, reported_at: dt.datetime | None, returned: bool, deadline: dt.date, now: dt.datetime
) -> tuple[str, str]:
    """The one status of a unit in a period (and the linked monthly report's)."""
    if reported_at is not None:
        late = not on_time(deadline, reported_at)
        return ("late", "逾期提交") if late else ("submitted", "已提交")
    if returned:
        return "returned", "已退回"
    if deadlines.is_overdue(deadline, now):
        return "missing", "逾期未报"
    return "draft", "未提交"


def period_rows(period: ReportPeriod, now: dt.datetime | None = None) -> list[Row]:
    """Who has submitted, late, returned, or not yet (missing once the deadline has passed),
    each against its own deadline (extended when an extension was granted). A task linked to
    the monthly case report reads every unit's status from that report."""
    now = now or timezone.now()
    recipients = list(period.task.recipients.order_by("kind", "name"))
    if period.task.is_case_monthly:
        return _case_monthly_rows(period, recipients, now)
    subs = {
        s.organization_id: s
        for s in period.submissions.select_related("organization").prefetch_related("files")
    }
    extended = granted(ObligationKind.TASK, period.pk)
    rows = []
    for org in recipients:
        sub = subs.get(org.pk)
        due = deadline_for(period.deadline, extended, org.pk)
        submitted = sub is not None and sub.status == SubmissionStatus.SUBMITTED
        state, label = _state(
            reported_at=sub.submitted_at if submitted and sub else None,
            returned=sub is not None and sub.status == SubmissionStatus.RETURNED,
            deadline=due,
            now=now,
        )
        rows.append(
            Row(org, sub, state, label, due, sub.submitted_at if submitted and sub else None)
        )
    return rows


def _case_monthly_rows(period: ReportPeriod, recipients: list[Any], now: dt.datetime) -> list[Row]:
    from anbiao.enforcement.selectors import report_grid

    month = period.deadline.replace(day=1)
    rows = []
    for org, (cell,) in report_grid(departments=recipients, months=[month], now=now):
        reported_at = cell.report.first_submitted_at if cell.report is not None else None
        assert cell.deadline is not None  # report_grid gives every cell its deadline
        state, label = _state(
            reported_at=reported_at, returned=False, deadline=cell.deadline, now=now
        )
        rows.append(Row(org, None, state, label, cell.deadline, reported_at))
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
    deadline: dt.date  # the unit's own: the period's, or its extended date
    state_label: str
    url: str
    done: bool  # reported (submitted, not returned)


def my_open_items(user: User, now: dt.datetime | None = None) -> list[MyItem]:
    """The unit's periods with status and time left, open ones first, nearest deadline first.
    A task linked to the monthly case report shows the unit's monthly report and links to it."""
    from anbiao.tasks_reporting.services import periods_ensure

    now = now or timezone.now()
    org = user.organization
    periods = [p for task in tasks_for_unit(user) for p in periods_ensure(task=task, now=now)]
    rows = _own_rows(org, periods, now)
    items = []
    for period, row in zip(periods, rows, strict=True):
        done = row.reported_at is not None
        if period.task.is_case_monthly:
            url = reverse(
                "enforcement:report_submit", args=[period.deadline.year, period.deadline.month]
            )
        else:
            url = reverse("reporting:my_period", args=[period.pk])
        assert row.deadline is not None
        items.append(
            MyItem(
                period,
                row.submission,
                not done and deadlines.is_overdue(row.deadline, now),
                "" if done else deadlines.time_left_text(row.deadline, now),
                row.deadline,
                row.label,
                url,
                done,
            )
        )
    items.sort(key=lambda i: (i.done, i.period.deadline))
    return items


def _own_rows(org: Any, periods: list[ReportPeriod], now: dt.datetime) -> list[Row]:
    """The unit's row in each period (one query for its submissions, one for its monthly
    reports, one for its extensions)."""
    from anbiao.enforcement.models import MonthlyReport
    from anbiao.enforcement.selectors import granted_deadlines

    saved = [p for p in periods if not p._state.adding]  # my_pending passes periods to come
    subs = {
        s.period_id: s for s in ReportSubmission.objects.filter(period__in=saved, organization=org)
    }
    months = [p.deadline.replace(day=1) for p in periods if p.task.is_case_monthly]
    reports = dict(
        MonthlyReport.objects.filter(department=org, month__in=months).values_list(
            "month", "first_submitted_at"
        )
    )
    by_month = granted_deadlines(months=months, org_ids=[org.pk]) if months else {}
    by_period = {
        ref: d
        for (ref, _), d in granted_many(
            ObligationKind.TASK, [p.pk for p in saved], [org.pk]
        ).items()
    }
    rows = []
    for p in periods:
        if p.task.is_case_monthly:
            month = p.deadline.replace(day=1)
            due = deadline_for(case_deadline(month), by_month, (month, org.pk))
            reported_at, sub, returned = reports.get(month), None, False
        else:
            sub = subs.get(p.pk)
            due = deadline_for(p.deadline, by_period, str(p.pk))
            submitted = sub is not None and sub.status == SubmissionStatus.SUBMITTED
            reported_at = sub.submitted_at if submitted and sub else None
            returned = sub is not None and sub.status == SubmissionStatus.RETURNED
        state, label = _state(reported_at=reported_at, returned=returned, deadline=due, now=now)
        rows.append(Row(org, sub, state, label, due, reported_at))
    return rows


@dataclass
class Pending:
    task: ReportTask
    deadline: dt.date
    overdue: bool
    left: str
    extended: bool = False  # the unit's granted extension moved the deadline


def my_pending(user: User, now: dt.datetime | None = None) -> list[Pending]:
    """Read-only (for menus and home cards): the unit's periods not yet submitted, including
    periods not yet created in the database, nearest deadline first — each against the
    unit's own deadline (extended when granted); the monthly case report's from that report."""
    from anbiao.tasks_reporting.services import period_deadlines

    now = now or timezone.now()
    org = user.organization
    if org is None:
        return []
    tasks = list(tasks_for_unit(user))
    if not tasks:  # most units on most pages (the menu badge): nothing more to ask
        return []
    existing = {
        (p.task_id, p.deadline): p
        for p in ReportPeriod.objects.filter(task__in=tasks).select_related("task")
    }
    periods = [
        existing.get((t.pk, d)) or ReportPeriod(task=t, deadline=d)
        for t in tasks
        for d in period_deadlines(t, now)
    ]
    out = []
    for period, row in zip(periods, _own_rows(org, periods, now), strict=True):
        if row.reported_at is not None:
            continue
        due = row.deadline or period.deadline
        left = deadlines.time_left_text(due, now)
        month = period.deadline.replace(day=1)
        own = case_deadline(month) if period.task.is_case_monthly else period.deadline
        extended = due != own
        out.append(Pending(period.task, due, deadlines.is_overdue(due, now), left, extended))
    out.sort(key=lambda p: p.deadline)
    return out
