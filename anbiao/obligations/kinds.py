"""What each obligation is: what must be reported, by whom, for which period, by when.

An :class:`Obligation` is named by ``(kind, ref)`` and resolved by :func:`obligation_for`:

=============  ==================  ===========================================  ================
kind           ref                 who must report (应报)                        deadline
=============  ==================  ===========================================  ================
lookback_ent   campaign id         open enterprises in scope (附件2)             企业填报截止日期
lookback_gov   campaign id         government units in scope (附件1)             政府部门填报截止日期
report_ent     campaign id         open enterprises in scope (自查自纠报告)       企业填报截止日期
report_gov     campaign id         government units in scope (自查自纠报告)       政府部门填报截止日期
stats          campaign id         reporting units (附件3, the campaign period)  结束日期
case_month     ``YYYY-MM``         top-level member departments (月报)           that month's 25th
task           period id           the task's recipients (报送任务)               the period's
=============  ==================  ===========================================  ================

The scope of a user is the existing selectors' (``dashboards.selectors.dashboard_enterprises``
and ``dashboard_gov_units`` for the campaign's units, ``enforcement.selectors`` for the
departments that owe the monthly report, ``stats.selectors.reporting_units`` for 附件3).
What counts as reported (已报), and the time it counts from, is each source's own rule:
a submitted, not returned look-back (its current submission); a finalized report (its first
finalization); the month's case report (its first submission); a submitted, not returned task
submission; a submitted, not returned 附件3.

The 自查自纠报告 and 附件3 have no deadline field of their own: the report is the last step of a
unit's look-back, so it shares the look-back's deadline; 附件3 counts the campaign period and
is due at its end (``period_end``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from anbiao.core.access import own_unit_ids
from anbiao.obligations import deadlines
from anbiao.obligations.models import ObligationKind
from anbiao.orgs.models import Enterprise, Organization, OrgKind

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.tasks_reporting.models import ReportPeriod

K = ObligationKind
CAMPAIGN_KINDS = (
    K.LOOKBACK_ENTERPRISE,
    K.LOOKBACK_GOVERNMENT,
    K.REPORT_ENTERPRISE,
    K.REPORT_GOVERNMENT,
    K.STATS,
)
ENTERPRISE_KINDS = (K.LOOKBACK_ENTERPRISE, K.REPORT_ENTERPRISE)
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Expected:
    """Who must report, in a user's scope: enterprises (registry rows) and government units."""

    enterprises: QuerySet[Enterprise] | None = None
    governments: QuerySet[Organization] | None = None

    def organizations(self) -> QuerySet[Organization]:
        """Both, as one queryset of organizations."""
        from django.db.models import Q

        q = Q(pk__in=[])
        if self.enterprises is not None:
            q |= Q(pk__in=self.enterprises.values("organization_id"))
        if self.governments is not None:
            q |= Q(pk__in=self.governments.values("pk"))
        return Organization.objects.filter(q)


@dataclass(frozen=True)
class Source:
    """The rows that count as reported (at most one per unit), whose unit, and since when."""

    reports: QuerySet[Any]
    org_field: str  # FK to the reporting Organization
    time_field: str  # when the report counts as made


@dataclass(frozen=True)
class Obligation:
    kind: str
    ref: str
    title: str  # what: “企业“回头看”细则（附件2）”
    period: str  # for which period: the campaign, the month, the task and its period
    deadline: dt.date
    campaign: Campaign | None = None
    month: dt.date | None = None
    task_period: ReportPeriod | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"

    @property
    def label(self) -> str:
        return f"{self.title} · {self.period}"

    @property
    def deadline_text(self) -> str:
        return deadlines.deadline_text(self.deadline)

    @property
    def url(self) -> str:
        return reverse("obligations:detail", args=[self.kind, self.ref])

    @property
    def export_url(self) -> str:
        return reverse("obligations:export", args=[self.kind, self.ref])

    @property
    def extension_url(self) -> str:
        return reverse("obligations:extension_request", args=[self.kind, self.ref])

    def expected(self, user: User) -> Expected:
        return EXPECTED[self.kind](self, user)

    def source(self) -> Source:
        return SOURCES[self.kind](self)

    def decider(self, org: Organization) -> Organization | None:
        """The unit that grants or refuses ``org``'s extension (None: nobody above it)."""
        if self.task_period is not None:
            return self.task_period.task.issuer
        return level_above(org)


# --- resolving an obligation -----------------------------------------------------------------


def campaign_obligation(kind: str, campaign: Campaign) -> Obligation:
    by_kind: dict[str, dt.date] = {
        K.LOOKBACK_ENTERPRISE: campaign.enterprise_deadline,
        K.REPORT_ENTERPRISE: campaign.enterprise_deadline,
        K.LOOKBACK_GOVERNMENT: campaign.government_deadline,
        K.REPORT_GOVERNMENT: campaign.government_deadline,
        K.STATS: campaign.period_end,
    }
    deadline = by_kind[kind]
    return Obligation(
        kind=kind,
        ref=str(campaign.pk),
        title=K(kind).label,
        period=campaign.name,
        deadline=deadline,
        campaign=campaign,
    )


def month_obligation(month: dt.date) -> Obligation:
    month = deadlines.month_start(month)
    return Obligation(
        kind=K.CASE_MONTHLY,
        ref=f"{month:%Y-%m}",
        title=K.CASE_MONTHLY.label,
        period=f"{month.year}年{month.month}月",
        deadline=deadlines.month_deadline(month),
        month=month,
    )


def task_obligation(period: ReportPeriod) -> Obligation:
    return Obligation(
        kind=K.TASK,
        ref=str(period.pk),
        title=period.task.title,
        period=f"{period.label}（{period.task.issuer.name}发布）",
        deadline=period.deadline,
        task_period=period,
    )


def obligation_for(kind: str, ref: str) -> Obligation:
    """The obligation named ``(kind, ref)``, or 404 (unknown kind, campaign, month, period)."""
    if kind in CAMPAIGN_KINDS:
        from anbiao.campaigns.selectors import campaign_list

        if not ref.isdigit():
            raise Http404("报送事项不存在")
        campaign = campaign_list().filter(pk=int(ref)).first()
        if campaign is None:
            raise Http404("报送事项不存在")
        return campaign_obligation(kind, campaign)
    if kind == K.CASE_MONTHLY:
        m = MONTH_RE.match(ref)
        if m is None or not 1 <= int(m.group(2)) <= 12:
            raise Http404("报送事项不存在")
        return month_obligation(dt.date(int(m.group(1)), int(m.group(2)), 1))
    if kind == K.TASK:
        from anbiao.tasks_reporting.models import ReportPeriod

        try:
            pk = uuid.UUID(ref)
        except ValueError as exc:
            raise Http404("报送事项不存在") from exc
        period = ReportPeriod.objects.select_related("task__issuer").filter(pk=pk).first()
        # A task linked to the monthly case report is that obligation, not one of its own.
        if period is None or period.task.linked:
            raise Http404("报送事项不存在")
        return task_obligation(period)
    raise Http404("报送事项不存在")


# --- who decides an extension ----------------------------------------------------------------


def city_office() -> Organization | None:
    return (
        Organization.objects.filter(kind=OrgKind.CITY, parent=None, is_active=True)
        .order_by("sort_order", "name")
        .first()
    )


def level_above(org: Organization) -> Organization | None:
    """The level above a unit: an enterprise's 主管部门 (the department that reviews its
    look-back); a government sub-unit's parent; a top-level department or town's city office;
    the city office has none."""
    if org.kind == OrgKind.ENTERPRISE:
        ent = Enterprise.objects.select_related("department").filter(organization=org).first()
        return ent.department if ent is not None else None
    if org.parent_id is not None:
        parent = Organization.objects.filter(pk=org.parent_id).first()
        if parent is not None and parent.kind != OrgKind.ENTERPRISE:
            return parent
    if org.kind in (OrgKind.DEPARTMENT, OrgKind.TOWN):
        return city_office()
    return None


# --- who must report, in a user's scope ------------------------------------------------------


def _enterprises(ob: Obligation, user: User) -> Expected:
    from anbiao.dashboards.selectors import dashboard_enterprises

    return Expected(enterprises=dashboard_enterprises(user))


def _governments(ob: Obligation, user: User) -> Expected:
    from anbiao.dashboards.selectors import dashboard_gov_units

    return Expected(governments=dashboard_gov_units(user))


def _case_departments(ob: Obligation, user: User) -> Expected:
    from anbiao.enforcement.selectors import reporting_departments

    org = user.organization
    departments = reporting_departments()
    if org is None or org.kind not in (OrgKind.CITY, OrgKind.DEPARTMENT):
        departments = departments.none()
    elif org.kind == OrgKind.DEPARTMENT:
        departments = departments.filter(pk__in=own_unit_ids(user))
    return Expected(governments=departments)


def _stats_units(ob: Obligation, user: User) -> Expected:
    from anbiao.stats.selectors import reporting_units

    org = user.organization
    units = reporting_units()
    if org is None or org.kind == OrgKind.ENTERPRISE:
        units = units.none()
    elif org.kind != OrgKind.CITY:
        units = units.filter(pk__in=own_unit_ids(user))
    return Expected(governments=units)


def _task_recipients(ob: Obligation, user: User) -> Expected:
    """Every recipient of the task (fixed when it was issued) for its issuer and the city
    office; a recipient itself is expected only once, for its own status."""
    assert ob.task_period is not None
    recipients = ob.task_period.task.recipients.all()
    org = user.organization
    if org is None:
        recipients = recipients.none()
    elif org.kind != OrgKind.CITY and ob.task_period.task.issuer_id not in own_unit_ids(user):
        recipients = recipients.filter(pk=org.pk)
    return Expected(
        enterprises=Enterprise.objects.filter(organization__in=recipients),
        governments=recipients.exclude(kind=OrgKind.ENTERPRISE),
    )


EXPECTED: dict[str, Callable[[Obligation, User], Expected]] = {
    K.LOOKBACK_ENTERPRISE: _enterprises,
    K.REPORT_ENTERPRISE: _enterprises,
    K.LOOKBACK_GOVERNMENT: _governments,
    K.REPORT_GOVERNMENT: _governments,
    K.CASE_MONTHLY: _case_departments,
    K.STATS: _stats_units,
    K.TASK: _task_recipients,
}


# --- what counts as reported -----------------------------------------------------------------


def _lookbacks(ob: Obligation) -> Source:
    from anbiao.checklists.models import SUBMITTED_STATUSES, Checklist, ChecklistPurpose

    qs = Checklist.objects.filter(
        campaign=ob.campaign, purpose=ChecklistPurpose.LOOKBACK, status__in=SUBMITTED_STATUSES
    )
    return Source(qs, "organization", "submitted_at")


def _reports(ob: Obligation) -> Source:
    from anbiao.reports.selectors import finalized_reports

    return Source(finalized_reports(campaign=ob.campaign), "organization", "first_finalized_at")


def _case_reports(ob: Obligation) -> Source:
    from anbiao.enforcement.models import MonthlyReport

    assert ob.month is not None
    return Source(MonthlyReport.objects.filter(month=ob.month), "department", "first_submitted_at")


def _stats_tables(ob: Obligation) -> Source:
    from anbiao.stats.models import REPORTED_STATUSES, StatsSubmission

    assert ob.campaign is not None
    qs = StatsSubmission.objects.filter(
        period_start=ob.campaign.period_start,
        period_end=ob.campaign.period_end,
        status__in=REPORTED_STATUSES,
    )
    return Source(qs, "unit", "submitted_at")


def _task_submissions(ob: Obligation) -> Source:
    from anbiao.tasks_reporting.models import ReportSubmission, SubmissionStatus

    qs = ReportSubmission.objects.filter(period=ob.task_period, status=SubmissionStatus.SUBMITTED)
    return Source(qs, "organization", "submitted_at")


SOURCES: dict[str, Callable[[Obligation], Source]] = {
    K.LOOKBACK_ENTERPRISE: _lookbacks,
    K.LOOKBACK_GOVERNMENT: _lookbacks,
    K.REPORT_ENTERPRISE: _reports,
    K.REPORT_GOVERNMENT: _reports,
    K.CASE_MONTHLY: _case_reports,
    K.STATS: _stats_tables,
    K.TASK: _task_submissions,
}

# What each obligation asks, as its page explains it.
NOTES: dict[str, str] = {
    K.LOOKBACK_ENTERPRISE: (
        "应报：范围内未关闭的企业（乡镇/街道为辖区企业，成员单位为其主管的企业，市安委办为全部）。"
        "已报：附件2 细则已提交且未被退回；按时：最近一次提交在截止时间前。"
    ),
    K.LOOKBACK_GOVERNMENT: (
        "应报：范围内的政府部门（市安委办、成员单位、乡镇/街道及其下属单位）。"
        "已报：附件1 细则已提交且未被退回；按时：最近一次提交在截止时间前。"
    ),
    K.REPORT_ENTERPRISE: (
        "应报：范围内未关闭的企业。已报：自查自纠报告已定稿；按时：首次定稿在截止时间前"
        "（自查自纠报告与“回头看”细则同一截止日期）。"
    ),
    K.REPORT_GOVERNMENT: (
        "应报：范围内的政府部门。已报：自查自纠报告已定稿；按时：首次定稿在截止时间前"
        "（自查自纠报告与“回头看”细则同一截止日期）。"
    ),
    K.CASE_MONTHLY: (
        "应报：各成员单位（一级部门）。每月25日 23:59 前报送当月处罚决定的典型案例，"
        "没有的须明确报送“本月无典型案例”。按时：首次报送在截止时间前（之后修改不影响按时）。"
    ),
    K.STATS: (
        "应报：市安委办、各成员单位、各乡镇/街道（填报附件3的单位）。已报：专项行动期间的统计表已填报且未被退回；"
        "统计表于专项行动结束日期截止。"
    ),
    K.TASK: "应报：任务发布时确定的报送单位。已报：已提交且未被退回；按时：最近一次提交在截止时间前。",
}
