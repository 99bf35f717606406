"""Small builders for obligation tests: a campaign, look-backs and reports at given times,
monthly case reports, task submissions, extensions — written straight to the tables, so
that a test states the situation it counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from anbiao.obligations.deadlines import SHANGHAI
from anbiao.obligations.models import Extension, ExtensionStatus


def at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> dt.datetime:
    """An instant in Shanghai."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def campaign(**overrides: Any) -> Any:
    from anbiao.checklists.tests.helpers import campaign as build

    return build(**overrides)


def lookback(campaign: Any, org: Any, *, status: str = "submitted", when: dt.datetime | None):
    """A look-back checklist of ``org`` in ``campaign`` (no answers: only its state counts)."""
    from anbiao.checklists.models import Checklist

    return Checklist.objects.create(
        campaign=campaign,
        organization=org,
        template_version=campaign.template_version_for(org),
        status=status,
        submitted_at=when,
    )


def report(campaign: Any, org: Any, *, when: dt.datetime | None) -> Any:
    """A 自查自纠报告: finalized at ``when`` (first finalization), or a draft when None."""
    from anbiao.reports.models import Report, ReportStatus, ReportVersion

    rep = Report.objects.create(campaign=campaign, organization=org, first_finalized_at=when)
    version = ReportVersion.objects.create(
        report=rep,
        number=1,
        status=ReportStatus.FINALIZED if when else ReportStatus.DRAFT,
        finalized_at=when,
    )
    if when is not None:
        rep.counted_version = version
        rep.finalized_at = when
        rep.save(update_fields=["counted_version", "finalized_at"])
    return rep


def monthly(
    department: Any, month: dt.date, *, first: dt.datetime, last: dt.datetime | None = None
):
    from anbiao.enforcement.models import MonthlyReport

    return MonthlyReport.objects.create(
        department=department,
        month=month,
        no_cases=True,
        submitted_at=last or first,
        first_submitted_at=first,
    )


def stats_table(campaign: Any, unit: Any, *, when: dt.datetime, status: str = "submitted") -> Any:
    from anbiao.stats.models import StatsSubmission

    return StatsSubmission.objects.create(
        unit=unit,
        period_start=campaign.period_start,
        period_end=campaign.period_end,
        status=status,
        unit_name=unit.name,
        filler_name="填报人",
        phone="13800000000",
        computed=[0] * 15,
        submitted_at=when,
    )


def task_period(issuer: Any, recipients: list, deadline: dt.date, **kw: Any) -> Any:
    from anbiao.tasks_reporting.tests import builders as b

    t = b.task(issuer, recipients, deadline=deadline, **kw)
    return b.period(t)


def task_submission(period: Any, org: Any, *, when: dt.datetime, status: str = "submitted"):
    from anbiao.tasks_reporting.models import ReportSubmission

    return ReportSubmission.objects.create(
        period=period, organization=org, status=status, submitted_at=when
    )


def extension(
    kind: str,
    ref: Any,
    org: Any,
    decider: Any,
    *,
    to: dt.date,
    status: str = ExtensionStatus.GRANTED,
    original: dt.date | None = None,
) -> Extension:
    return Extension.objects.create(
        kind=kind,
        ref=str(ref),
        title="测试事项",
        organization=org,
        decider=decider,
        original_deadline=original or to - dt.timedelta(days=7),
        requested_deadline=to,
        reason="测试",
        status=status,
        requested_at=at(2024, 1, 1),
    )


def client_for(user: Any) -> Any:
    """A signed-in test client past the second factor."""
    from django.test import Client

    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    session = c.session
    session["anbiao_2fa_ok"] = True
    session.save()
    return c
