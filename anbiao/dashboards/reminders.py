"""Every reminder of issue 8, produced for the daily job (``manage.py send_reminders``, the
``send_daily_reminders`` task): ``collect(today)`` yields :class:`Reminder` objects; the job
delivers each (user, dedupe key) once, so the job may run any number of times a day.

``today`` is the calendar date in Asia/Shanghai. Dedupe keys name the event, never the run:

- ``deadline:<campaign>:<org>:<3|1>`` — look-back deadline in 3 days / in 1 day, not submitted
  (``…:<YYYY-MM-DD>`` appended when a granted extension moved the unit's deadline);
- ``returned:<submission>`` — a submission returned (once per return event);
- ``problem_assigned:<problem>`` — a problem recorded for a unit by another unit (once);
- ``problem_due:<problem>:<deadline>`` — deadline in 3 days (again only if the deadline moves);
- ``problem_overdue:<problem>:<deadline>`` — once when it becomes overdue (per deadline);
- ``problem_rejected:<transition>`` — verification sent it back (once per event);
- ``case_report:<department>:<YYYY-MM>:<22|25>`` — monthly case report not yet given
  (for a department granted an extension: 3 days before and on its date, the key ending
  ``:<3|0>:<YYYY-MM-DD>``);
- ``notice:<delivery>`` — a notice to acknowledge (once per delivery).

Events older than :data:`EVENT_WINDOW_DAYS` are not announced (a first run on an old database
would otherwise flood every bell with history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from anbiao.accounts.models import Role, User
from anbiao.notifications.models import Kind
from anbiao.notifications.reminders import Reminder

EVENT_WINDOW_DAYS = 14
DEADLINE_DAYS = (3, 1)
CASE_REPORT_DAYS = (22, 25)
RECIPIENT_ROLES = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)


def recipients(org_ids: Iterable[Any]) -> dict[Any, list[User]]:
    """Active writers and principals of each organization, in one query."""
    ids = list(set(org_ids))
    found: dict[Any, list[User]] = defaultdict(list)
    if not ids:
        return found
    users = (
        User.objects.filter(
            organization_id__in=ids, is_active=True, memberships__role__in=RECIPIENT_ROLES
        )
        .distinct()
        .order_by("pk")
    )
    for u in users:
        found[u.organization_id].append(u)
    return found


def _since(today: date) -> datetime:
    tz = timezone.get_current_timezone()
    return datetime.combine(today - timedelta(days=EVENT_WINDOW_DAYS), time.min, tzinfo=tz)


def _fan_out(items: list[tuple[Any, str, str, str, str]], kind: str) -> Iterator[Reminder]:
    """items: (org_id, dedupe_key, title, body, url)."""
    people = recipients(i[0] for i in items)
    for org_id, key, title, body, url in items:
        for user in people.get(org_id, []):
            yield Reminder(user=user, kind=kind, title=title, dedupe_key=key, body=body, url=url)


def checklist_deadlines(today: date) -> Iterator[Reminder]:
    """Look-backs not submitted 3 days / 1 day before each unit's effective deadline: the
    campaign's, or the date of the unit's granted extension (then the key names that date,
    so that a reminder sent for the original date does not silence the new one)."""
    from django.urls import reverse

    from anbiao.campaigns.models import CampaignStatus
    from anbiao.campaigns.selectors import campaign_list
    from anbiao.checklists.models import SUBMITTED_STATUSES, Checklist, ChecklistPurpose
    from anbiao.obligations.effective import due_for, granted, lookback_kind
    from anbiao.orgs.models import Organization, OrgKind

    items = []
    url = reverse("checklists:mine")
    for campaign in campaign_list().filter(status=CampaignStatus.OPEN):
        done = Checklist.objects.filter(
            campaign=campaign, purpose=ChecklistPurpose.LOOKBACK, status__in=SUBMITTED_STATUSES
        ).values("organization_id")
        for kind, default in (
            ("enterprise", campaign.enterprise_deadline),
            ("government", campaign.government_deadline),
        ):
            extended = granted(lookback_kind(kind), campaign.pk)
            dates = {default, *extended.values()}
            if not any((d - today).days in DEADLINE_DAYS for d in dates):
                continue  # nobody's deadline is 3 days or 1 day away: skip the query
            orgs = Organization.objects.filter(is_active=True).exclude(pk__in=done)
            if kind == "enterprise":
                orgs = orgs.filter(kind=OrgKind.ENTERPRISE, enterprise__is_closed=False)
            else:
                orgs = orgs.filter(kind__in=(OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN))
            for pk in orgs.values_list("pk", flat=True):
                due = due_for(default, extended, pk)
                days = (due.date - today).days
                if days not in DEADLINE_DAYS:
                    continue
                title = f"“回头看”细则还有 {days} 天截止（{due.date:%Y-%m-%d}{due.mark}），尚未提交"
                body = f"{campaign.name}：请在截止日期前填报并提交。"
                key = f"deadline:{campaign.pk}:{pk}:{days}"
                if due.extended:
                    key += f":{due.date:%Y-%m-%d}"
                items.append((pk, key, title, body, url))
    yield from _fan_out(items, Kind.DEADLINE)


def submissions_returned(today: date, *, pk: Any = None) -> Iterator[Reminder]:
    """Returned submissions of the last days (or the one with ``pk``, however old)."""
    from django.urls import reverse

    from anbiao.checklists.models import ReviewOutcome, Submission

    rows = Submission.objects.filter(outcome=ReviewOutcome.RETURNED).select_related("checklist")
    rows = rows.filter(pk=pk) if pk is not None else rows.filter(reviewed_at__gte=_since(today))
    items = [
        (
            s.checklist.organization_id,
            f"returned:{s.pk}",
            f"“回头看”细则第{s.number}次提交被退回",
            f"退回原因：{s.review_reason}",
            reverse("checklists:detail", args=[s.checklist_id]),
        )
        for s in rows
    ]
    yield from _fan_out(items, Kind.RETURNED)


def _problem_url(pk: Any) -> str:
    from django.urls import reverse

    return reverse("rectification:problem_detail", args=[pk])


def problems_assigned(today: date, *, pk: Any = None) -> Iterator[Reminder]:
    """Problems another unit recorded for a unit (督导检查 findings), of the last days or the
    one with ``pk``."""
    from django.db.models import F

    from anbiao.rectification.models import Problem

    assigned = (
        Problem.objects.open()
        .filter(recorded_org__isnull=False)
        .exclude(recorded_org_id=F("organization_id"))
    )
    assigned = (
        assigned.filter(pk=pk)
        if pk is not None
        else assigned.filter(recorded_at__gte=_since(today))
    )
    items = [
        (
            p.organization_id,
            f"problem_assigned:{p.pk}",
            "新问题待整改",
            p.description[:200],
            _problem_url(p.pk),
        )
        for p in assigned
    ]
    yield from _fan_out(items, Kind.PROBLEM_ASSIGNED)


def problems(today: date) -> Iterator[Reminder]:
    from anbiao.rectification.models import Problem, ProblemStatus, ProblemTransition

    url = _problem_url
    yield from problems_assigned(today)

    due = Problem.objects.open().filter(deadline=today + timedelta(days=3))
    items = [
        (
            p.organization_id,
            f"problem_due:{p.pk}:{p.deadline}",
            f"整改期限还有 3 天（{p.deadline:%Y-%m-%d}）",
            p.description[:200],
            url(p.pk),
        )
        for p in due
    ]
    yield from _fan_out(items, Kind.PROBLEM_DUE)

    overdue = Problem.objects.overdue(today)
    items = [
        (
            p.organization_id,
            f"problem_overdue:{p.pk}:{p.deadline}",
            f"整改已逾期（期限 {p.deadline:%Y-%m-%d}）",
            p.description[:200],
            url(p.pk),
        )
        for p in overdue
    ]
    yield from _fan_out(items, Kind.PROBLEM_OVERDUE)

    rejected = ProblemTransition.objects.filter(
        action="reject", from_status=ProblemStatus.AWAITING, at__gte=_since(today)
    ).select_related("problem")
    items = [
        (
            t.problem.organization_id,
            f"problem_rejected:{t.pk}",
            "整改验收未通过，请继续整改",
            f"原因：{t.reason}",
            url(t.problem_id),
        )
        for t in rejected
    ]
    yield from _fan_out(items, Kind.PROBLEM_REJECTED)


def case_reports(today: date) -> Iterator[Reminder]:
    """The month's case report not yet given: on the 22nd and the 25th; a department granted
    an extension for a month is reminded 3 days before and on its own date instead."""
    from django.urls import reverse

    from anbiao.enforcement.models import MonthlyReport
    from anbiao.enforcement.selectors import reporting_departments
    from anbiao.obligations.effective import granted, granted_on
    from anbiao.obligations.models import ObligationKind

    kind = ObligationKind.CASE_MONTHLY
    items = []
    if today.day in CASE_REPORT_DAYS:
        month = today.replace(day=1)
        reported = MonthlyReport.objects.filter(month=month).values("department_id")
        extended = granted(kind, f"{month:%Y-%m}")
        missing = (
            reporting_departments()
            .exclude(pk__in=reported)
            .exclude(pk__in=list(extended))
            .values_list("pk", flat=True)
        )
        title = (
            f"今天是报送 {month:%Y年%m月} 典型案例的最后一天"
            if today.day == 25
            else f"请于 25 日前报送 {month:%Y年%m月} 执法典型案例"
        )
        url = reverse("enforcement:report_submit", args=[month.year, month.month])
        items += [
            (pk, f"case_report:{pk}:{month:%Y-%m}:{today.day}", title, "", url) for pk in missing
        ]
    later = granted_on(kind, [today, today + timedelta(days=3)])
    if later:
        months = {ref: date(int(ref[:4]), int(ref[5:7]), 1) for ref, _ in later}
        done = set(
            MonthlyReport.objects.filter(month__in=set(months.values())).values_list(
                "month", "department_id"
            )
        )
        owing = set(
            reporting_departments()
            .filter(pk__in={org for _, org in later})
            .values_list("pk", flat=True)
        )
        for (ref, pk), due in sorted(later.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            month = months[ref]
            if pk not in owing or (month, pk) in done:
                continue
            days = (due - today).days
            title = (
                f"今天是报送 {month:%Y年%m月} 典型案例的最后一天（已延期至 {due:%m月%d日}）"
                if days == 0
                else f"请于 {due:%m月%d日} 前报送 {month:%Y年%m月} 执法典型案例（已延期）"
            )
            url = reverse("enforcement:report_submit", args=[month.year, month.month])
            key = f"case_report:{pk}:{ref}:{days}:{due:%Y-%m-%d}"
            items.append((pk, key, title, "", url))
    yield from _fan_out(items, Kind.CASE_REPORT)


def notices(today: date) -> Iterator[Reminder]:
    from django.urls import reverse

    from anbiao.notices.models import NoticeDelivery

    rows = NoticeDelivery.objects.filter(
        acknowledged_at__isnull=True, delivered_at__gte=_since(today)
    ).select_related("notice")
    items = [
        (
            d.enterprise_id,
            f"notice:{d.pk}",
            f"请签收告知书：{d.notice.title}",
            "",
            reverse("notices:delivery", args=[d.pk]),
        )
        for d in rows
    ]
    yield from _fan_out(items, Kind.NOTICE)


def for_event(event: str, object_id: str) -> Iterator[Reminder]:
    """The messages of one event, sent when it is saved (``anbiao.notifications.events``)."""
    from anbiao.notifications.reminders import local_today

    if event == "checklist_returned":
        yield from submissions_returned(local_today(), pk=object_id)
    elif event == "problem_recorded":
        yield from problems_assigned(local_today(), pk=object_id)


def collect(today: date) -> Iterator[Reminder]:
    """All reminders due on ``today`` (Asia/Shanghai calendar date)."""
    yield from checklist_deadlines(today)
    yield from submissions_returned(today)
    yield from problems(today)
    yield from case_reports(today)
    yield from notices(today)
