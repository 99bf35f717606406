"""Reads of obligations: which a user may follow, their rates, a unit's own ones, extensions.

* a government unit follows the campaign's obligations over its scope, the monthly case
  report (the city office and the departments), and the tasks its units issued (the city
  office: every task) — :func:`obligation_get` answers 404 for any other;
* every unit sees its own obligations with its status and effective deadline, and asks for
  extensions from there (:func:`own_obligations`);
* an extension is seen by the unit that asked, the unit that decides, and the city office.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from anbiao.core.access import get_in_scope_or_404
from anbiao.obligations import deadlines, rates
from anbiao.obligations.kinds import (
    CAMPAIGN_KINDS,
    ENTERPRISE_KINDS,
    Obligation,
    campaign_obligation,
    month_obligation,
    obligation_for,
    task_obligation,
)
from anbiao.obligations.models import Extension, ExtensionStatus, ObligationKind
from anbiao.orgs.models import OrgKind
from anbiao.orgs.visibility import own_unit_ids

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.tasks_reporting.models import ReportPeriod

K = ObligationKind
GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)


# --- which obligations a user follows ----------------------------------------------------------


def follows(user: User, ob: Obligation) -> bool:
    """Whether the user's unit may see the obligation's rates and the units behind them."""
    org = user.organization
    if org is None or org.kind not in GOV:
        return False
    if ob.kind == K.CASE_MONTHLY:
        return org.kind in (OrgKind.CITY, OrgKind.DEPARTMENT)
    if ob.kind == K.TASK:
        assert ob.task_period is not None
        return org.kind == OrgKind.CITY or ob.task_period.task.issuer_id in own_unit_ids(user)
    return True


def obligation_get(*, user: User, kind: str, ref: str) -> Obligation:
    """The obligation, if the user follows it; else 404."""
    ob = obligation_for(kind, ref)
    if not follows(user, ob):
        raise Http404("报送事项不存在或无权访问")
    return ob


def campaign_months(campaign: Campaign | None, today: dt.date) -> list[dt.date]:
    """The months a monthly case report is owed for: the campaign's (“回头看”期间) through
    the current month, newest first; without a campaign, this year's."""
    if campaign is not None:
        start, end = campaign.period_start, min(campaign.period_end, today)
    else:
        start, end = dt.date(today.year, 1, 1), today
    return list(reversed(deadlines.months_between(start, end))) if start <= end else []


def task_periods_followed(user: User) -> QuerySet[ReportPeriod]:
    """Periods of the tasks the user's units issued (the city office: every task), newest
    deadline first; tasks linked to the monthly case report are that obligation instead."""
    from anbiao.tasks_reporting.models import ReportPeriod

    qs = ReportPeriod.objects.filter(task__linked="").select_related("task__issuer")
    org = user.organization
    if org is None or org.kind not in (OrgKind.CITY, OrgKind.DEPARTMENT):
        return qs.none()
    if org.kind != OrgKind.CITY:
        qs = qs.filter(task__issuer_id__in=own_unit_ids(user))
    return qs.order_by("-deadline", "task__title", "pk")


@dataclass
class Listed:
    obligation: Obligation
    rates: rates.Rates


def campaign_listed(user: User, campaign: Campaign | None) -> list[Listed]:
    """The campaign's five obligations with their rates over the user's scope."""
    if campaign is None:
        return []
    obs = [campaign_obligation(kind, campaign) for kind in CAMPAIGN_KINDS]
    return [Listed(ob, rates.totals(ob, user)) for ob in obs if follows(user, ob)]


def month_listed(user: User, months: list[dt.date]) -> list[Listed]:
    obs = [month_obligation(m) for m in months]
    obs = [ob for ob in obs if follows(user, ob)]
    found = rates.month_totals(obs, user)
    return [Listed(ob, found[ob.key]) for ob in obs]


def task_listed(periods: list[ReportPeriod]) -> list[Listed]:
    obs = [task_obligation(p) for p in periods]
    found = rates.task_totals(obs)
    return [Listed(ob, found[ob.key]) for ob in obs]


# --- the dashboard card ----------------------------------------------------------------------


@dataclass
class Card:
    rows: list[Listed]
    list_url: str


def rates_card(*, user: User, campaign: Campaign | None, today: dt.date | None = None) -> Card:
    """What the dashboard shows: the campaign's obligations and this month's case report,
    each with 应报 / 已报 / 按时报 and the two rates, linking to its page."""
    today = today or timezone.localdate()
    rows = campaign_listed(user, campaign)
    rows += month_listed(user, [today.replace(day=1)])
    url = reverse("obligations:list")
    if campaign is not None:
        url += f"?campaign={campaign.pk}"
    return Card(rows=rows, list_url=url)


# --- a unit's own obligations ----------------------------------------------------------------


@dataclass
class OwnItem:
    obligation: Obligation
    deadline: dt.date  # effective: extended when an extension was granted
    extended: bool
    reported_at: dt.datetime | None
    state: str  # on_time | late | overdue | missing
    label: str
    report_url: str
    pending: Extension | None = None
    decidable: bool = True  # someone above the unit decides its extension

    @property
    def deadline_text(self) -> str:
        return deadlines.deadline_text(self.deadline)

    @property
    def can_request(self) -> bool:
        """An extension may be asked while the unit has not reported, none is pending, and a
        unit above it decides (the city office sets its own deadlines)."""
        return self.decidable and self.reported_at is None and self.pending is None


def _decidable(ob: Obligation, org: Any) -> bool:
    """Whether a unit above decides ``org``'s extension (see ``Obligation.decider``), without a
    query: a task's issuer does; otherwise only the city office itself has none above it."""
    return ob.task_period is not None or org.kind != OrgKind.CITY or org.parent_id is not None


def _report_url(ob: Obligation) -> str:
    if ob.kind in (K.LOOKBACK_ENTERPRISE, K.LOOKBACK_GOVERNMENT):
        return reverse("checklists:mine")
    if ob.kind in (K.REPORT_ENTERPRISE, K.REPORT_GOVERNMENT):
        return reverse("reports:list")
    if ob.kind == K.STATS:
        return reverse("stats:table")
    if ob.kind == K.CASE_MONTHLY:
        assert ob.month is not None
        return reverse("enforcement:report_submit", args=[ob.month.year, ob.month.month])
    assert ob.task_period is not None
    return reverse("reporting:my_period", args=[ob.task_period.pk])


def own_obligations(
    *, user: User, campaign: Campaign | None, now: dt.datetime | None = None
) -> list[OwnItem]:
    """The obligations the user's own unit must report, with its status, its effective deadline
    and its extension request (one query per campaign obligation, one for the months, one for
    the tasks, one for the extensions)."""
    from anbiao.enforcement.models import MonthlyReport
    from anbiao.tasks_reporting.models import ReportPeriod, ReportSubmission, SubmissionStatus

    now = now or timezone.now()
    org = user.organization
    if org is None:
        return []
    found: list[tuple[Obligation, dt.datetime | None]] = []
    if campaign is not None:
        for kind in CAMPAIGN_KINDS:
            if (kind in ENTERPRISE_KINDS) != (org.kind == OrgKind.ENTERPRISE):
                continue
            ob = campaign_obligation(kind, campaign)
            row = rates.unit_statuses(ob, user).filter(pk=org.pk).first()
            if row is not None:
                found.append((ob, getattr(row, "reported_at", None)))
    if org.kind == OrgKind.DEPARTMENT:
        from anbiao.enforcement.selectors import reporting_departments

        if reporting_departments().filter(pk=org.pk).exists():
            months = campaign_months(campaign, deadlines.local_today(now))
            done = dict(
                MonthlyReport.objects.filter(department=org, month__in=months).values_list(
                    "month", "first_submitted_at"
                )
            )
            found += [(month_obligation(m), done.get(m)) for m in months]
    periods = list(
        ReportPeriod.objects.filter(task__recipients=org, task__linked="")
        .select_related("task__issuer")
        .order_by("-deadline")
    )
    submitted = dict(
        ReportSubmission.objects.filter(
            period__in=periods, organization=org, status=SubmissionStatus.SUBMITTED
        ).values_list("period_id", "submitted_at")
    )
    found += [(task_obligation(p), submitted.get(p.pk)) for p in periods]

    granted: dict[tuple[str, str], dt.date] = {}
    pending: dict[tuple[str, str], Extension] = {}
    for ext in Extension.objects.filter(organization=org).exclude(status=ExtensionStatus.REFUSED):
        key = (ext.kind, ext.ref)
        if ext.status == ExtensionStatus.PENDING:
            pending[key] = ext
        else:
            granted[key] = max(granted.get(key, ext.requested_deadline), ext.requested_deadline)
    items = []
    for ob, reported_at in found:
        key = (ob.kind, ob.ref)
        deadline = granted.get(key, ob.deadline)
        state, label = rates.state_of(deadline, reported_at, now)
        items.append(
            OwnItem(
                obligation=ob,
                deadline=deadline,
                extended=key in granted,
                reported_at=reported_at,
                state=state,
                label=label,
                report_url=_report_url(ob),
                pending=pending.get(key),
                decidable=_decidable(ob, org),
            )
        )
    return items


def own_item(*, user: User, ob: Obligation, now: dt.datetime | None = None) -> OwnItem | None:
    """The user's unit's status on one obligation, or None when it is not expected to report."""
    org = user.organization
    if org is None:
        return None
    now = now or timezone.now()
    row = rates.unit_statuses(ob, user).filter(pk=org.pk).first()
    if row is None:
        return None
    extended_to = getattr(row, "extended_to", None)
    deadline = extended_to or ob.deadline
    reported_at = getattr(row, "reported_at", None)
    state, label = rates.state_of(deadline, reported_at, now)
    pending = Extension.objects.filter(
        kind=ob.kind, ref=ob.ref, organization=org, status=ExtensionStatus.PENDING
    ).first()
    return OwnItem(
        obligation=ob,
        deadline=deadline,
        extended=extended_to is not None,
        reported_at=reported_at,
        state=state,
        label=label,
        report_url=_report_url(ob),
        pending=pending,
        decidable=_decidable(ob, org),
    )


# --- extensions --------------------------------------------------------------------------------


def extensions_for_user(user: User) -> QuerySet[Extension]:
    """Extensions the user's unit asked for or decides; the city office sees every one."""
    org = user.organization
    qs = Extension.objects.select_related("organization", "decider", "requested_by", "decided_by")
    if org is None:
        return qs.none()
    if org.kind == OrgKind.CITY:
        return qs
    units = own_unit_ids(user)
    return qs.filter(Q(organization_id__in=units) | Q(decider_id__in=units))


def extension_get(*, user: User, pk: Any) -> Extension:
    return get_in_scope_or_404(extensions_for_user(user), pk=pk)


def can_decide(user: User, ext: Extension) -> bool:
    """Whether the user decides this extension: a writer of the deciding unit (or of a unit
    above it in its own tree)."""
    from anbiao.core.access import can_write

    return ext.is_pending and can_write(user) and ext.decider_id in own_unit_ids(user)


def to_decide(user: User) -> QuerySet[Extension]:
    """Pending extensions the user's unit decides."""
    return extensions_for_user(user).filter(
        decider_id__in=own_unit_ids(user), status=ExtensionStatus.PENDING
    )
