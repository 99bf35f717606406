"""Reads for the 工作台 (dashboards): every figure by GROUP BY, in a fixed number of queries.

The number of SQL queries of a dashboard does not depend on the number of enterprises: each
chart is one grouped query (or two), never one query per unit. Scopes follow the statistics
rule (domain.md): a department counts the enterprises whose PRIMARY department it is, a town
the enterprises located in it, the city office all of them. Problem figures use the same scope
as the 隐患清单 (``problems_for_user``) so that every number equals the list behind its link.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from anbiao.checklists.models import SUBMITTED_STATUSES, Checklist, ChecklistPurpose
from anbiao.orgs import scope
from anbiao.orgs.models import Enterprise, Organization, OrgKind, SizeClass
from anbiao.orgs.visibility import own_unit_ids

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.obligations.effective import Due

GOV_KIND_VALUES = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)


@dataclass
class ChartRow:
    label: str
    values: list[Any]
    url: str = ""


@dataclass
class Chart:
    """One chart and its table view: ``series`` names the value columns of every row."""

    key: str
    title: str
    kind: str  # "bar" (grouped bars), "line", "pie"
    category: str  # header of the label column
    series: list[str]
    rows: list[ChartRow] = field(default_factory=list)
    note: str = ""

    def as_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "category": self.category,
            "series": self.series,
            "rows": [{"label": r.label, "values": r.values, "url": r.url} for r in self.rows],
        }

    @property
    def headers(self) -> list[str]:
        return [self.category, *self.series]


@dataclass
class Dashboard:
    organization: Organization
    campaign: Campaign | None
    today: date
    charts: list[Chart] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    inspections_enabled: bool = False
    missing_reports: list[str] = field(default_factory=list)

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)


def _url(name: str, **params: Any) -> str:
    base = reverse(name)
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


# --- scope ------------------------------------------------------------------------------------


def dashboard_enterprises(user: User) -> QuerySet[Enterprise]:
    """Open enterprises in the user's statistics scope (primary department, town, city)."""
    org = user.organization
    qs = Enterprise.objects.filter(is_closed=False, organization__is_active=True)
    if org is None:
        return qs.none()
    ids = {org.pk} if org.kind == OrgKind.ENTERPRISE else own_unit_ids(user)
    return qs.filter(scope.counted_enterprises_q(org.kind, ids))


def dashboard_gov_units(user: User) -> QuerySet[Organization]:
    org = user.organization
    qs = Organization.objects.filter(kind__in=GOV_KIND_VALUES, is_active=True)
    if org is None:
        return qs.none()
    if org.kind == OrgKind.CITY:
        return qs
    return qs.filter(pk__in=own_unit_ids(user))


def inspections_enabled() -> bool:
    """Whether the 督导检查 module has landed (its models exist)."""
    return importlib.util.find_spec("anbiao.inspections.models") is not None


# --- charts -----------------------------------------------------------------------------------


def completion_charts(
    *, user: User, campaign: Campaign | None, enterprises: QuerySet[Enterprise]
) -> list[Chart]:
    """Look-back completion by town, department and class: one GROUP BY, two name lookups."""
    submitted_ids = Checklist.objects.filter(
        campaign=campaign, purpose=ChecklistPurpose.LOOKBACK, status__in=SUBMITTED_STATUSES
    ).values("organization_id")
    grouped: list[Mapping[str, Any]] = list(
        enterprises.order_by()
        .values("town_id", "department_id", "size_class")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(organization_id__in=submitted_ids)),
        )
    )
    by: dict[str, dict[Any, list[int]]] = {"town": {}, "department": {}, "size_class": {}}
    for g in grouped:
        for key in by:
            cell = by[key].setdefault(g[f"{key}_id" if key != "size_class" else key], [0, 0])
            cell[0] += g["total"]
            cell[1] += g["submitted"]
    ids = set(by["town"]) | set(by["department"])
    names = {
        o["pk"]: (o["name"], o["sort_order"])
        for o in Organization.objects.filter(pk__in=ids).values("pk", "name", "sort_order")
    }
    cid = campaign.pk if campaign else ""
    series = ["企业数", "已提交", "完成率%"]

    def row(label: str, cell: list[int], **filters: Any) -> ChartRow:
        rate = round(100 * cell[1] / cell[0], 1) if cell[0] else 0
        url = _url(
            "checklists:review_list", campaign=cid, kind="enterprise", state="all", **filters
        )
        return ChartRow(label, [cell[0], cell[1], rate], url)

    def org_rows(key: str) -> list[ChartRow]:
        items = sorted(
            by[key].items(),
            key=lambda kv: (names.get(kv[0], ("", 0))[1], names.get(kv[0], ("",))[0]),
        )
        return [row(names.get(pk, ("（未填）",))[0], cell, **{key: pk}) for pk, cell in items]

    class_rows = [
        row(label, by["size_class"][value], size_class=value)
        for value, label in SizeClass.choices
        if value in by["size_class"]
    ]
    charts = [
        Chart(
            "by_town",
            "“回头看”完成情况（按乡镇/街道）",
            "bar",
            "乡镇/街道",
            series,
            org_rows("town"),
        ),
        Chart(
            "by_department",
            "“回头看”完成情况（按主管部门）",
            "bar",
            "主管部门",
            series,
            org_rows("department"),
        ),
        Chart("by_class", "“回头看”完成情况（按企业类型）", "bar", "企业类型", series, class_rows),
    ]
    if user.organization is not None and user.organization.kind == OrgKind.TOWN:
        charts = [c for c in charts if c.key != "by_town"]
    return charts


def government_chart(*, user: User, campaign: Campaign | None) -> Chart:
    """Government units (附件1) in scope: how many have submitted, by kind. One query."""
    submitted_ids = Checklist.objects.filter(
        campaign=campaign, purpose=ChecklistPurpose.LOOKBACK, status__in=SUBMITTED_STATUSES
    ).values("organization_id")
    rows = {
        r["kind"]: r
        for r in dashboard_gov_units(user)
        .order_by()
        .values("kind")
        .annotate(total=Count("pk"), submitted=Count("pk", filter=Q(pk__in=submitted_ids)))
    }
    cid = campaign.pk if campaign else ""
    chart = Chart("government", "政府部门“回头看”提交情况", "bar", "单位类别", ["单位数", "已提交"])
    for kind in GOV_KIND_VALUES:
        r = rows.get(kind)
        if r:
            chart.rows.append(
                ChartRow(
                    OrgKind(kind).label,
                    [r["total"], r["submitted"]],
                    _url("checklists:review_list", campaign=cid, kind="government", state="all"),
                )
            )
    return chart


def problem_chart(*, counts: dict[str, int]) -> Chart:
    from anbiao.rectification.models import ProblemStatus

    link = "rectification:problem_list"
    chart = Chart("problems", "问题整改情况", "bar", "状态", ["问题数"])
    chart.rows = [
        ChartRow("发现问题", [counts["total"]], _url(link)),
        ChartRow("未销号", [counts["open"]], _url(link, status="open")),
        ChartRow("已逾期", [counts["overdue"]], _url(link, status="open", overdue="1")),
        ChartRow("待验收", [counts[ProblemStatus.AWAITING]], _url(link, status="awaiting")),
        ChartRow("已销号", [counts[ProblemStatus.CLOSED]], _url(link, status="closed")),
    ]
    return chart


def trend_chart(*, problems: Any, campaign: Campaign | None, today: date) -> Chart:
    """动态清零: open problems per day (per week beyond 45 days) since the campaign began."""
    from anbiao.rectification.selectors import open_trend

    start = campaign.period_start if campaign else today - timedelta(days=29)
    start = max(min(start, today - timedelta(days=13)), today - timedelta(days=365))
    span = (today - start).days + 1
    step = 1 if span <= 45 else 7
    url = reverse("rectification:zeroing")
    chart = Chart(
        "trend",
        f"动态清零：未销号问题走势（{'按日' if step == 1 else '按周'}）",
        "line",
        "截至",
        ["未销号"],
    )
    for p in open_trend(problems, start=start, end=today, step_days=step):
        chart.rows.append(ChartRow(p.day.isoformat(), [p.open], url))
    return chart


def report_chart(*, user: User, campaign: Campaign | None, enterprises: Any) -> Chart:
    """自查自纠报告 finalized in the campaign: enterprises and government units. One query."""
    from anbiao.reports.selectors import finalized_reports

    qs = finalized_reports(campaign=campaign) if campaign else finalized_reports().none()
    ent = Q(organization_id__in=enterprises.values("organization_id"))
    gov = Q(organization_id__in=dashboard_gov_units(user).values("pk"))
    agg = qs.order_by().aggregate(ent=Count("pk", filter=ent), gov=Count("pk", filter=gov))
    url = reverse("reports:list")
    chart = Chart("reports", "自查自纠报告定稿情况", "bar", "类别", ["已定稿（份）"])
    chart.rows = [
        ChartRow("企业", [agg["ent"]], url),
        ChartRow("政府部门", [agg["gov"]], url),
    ]
    return chart


def case_report_chart(*, user: User, today: date) -> tuple[Chart, list[str]]:
    """Monthly typical-case reports (附件1 item 15) of this month: who has reported. Two queries."""
    from anbiao.enforcement.models import MonthlyReport
    from anbiao.enforcement.selectors import reporting_departments

    month = today.replace(day=1)
    departments = reporting_departments()
    org = user.organization
    if org is not None and org.kind == OrgKind.DEPARTMENT:
        departments = departments.filter(pk__in=own_unit_ids(user))
    depts = list(departments.order_by("sort_order", "name").values_list("pk", "name"))
    reported = set(
        MonthlyReport.objects.filter(
            month=month, department_id__in=[pk for pk, _ in depts]
        ).values_list("department_id", flat=True)
    )
    missing = [name for pk, name in depts if pk not in reported]
    # the city office's overview of every department; a department's own list of its reports
    own = org is not None and org.kind == OrgKind.DEPARTMENT
    url = reverse("enforcement:report_list" if own else "enforcement:report_overview")
    chart = Chart(
        "case_reports", f"典型案例月报（{month:%Y年%m月}，每月25日前）", "pie", "情况", ["部门数"]
    )
    chart.rows = [
        ChartRow("已报送", [len(depts) - len(missing)], url),
        ChartRow("未报送", [len(missing)], url),
    ]
    return chart, missing


def inspection_chart(*, user: User) -> Chart:
    """督导检查 (the inspections app): completed inspections in the user's scope, of which of
    enterprises, and the enterprises in scope never inspected in the open campaign. Two queries;
    each figure equals the list behind its link."""
    from anbiao.campaigns.selectors import current_campaign
    from anbiao.inspections.models import InspectionStatus
    from anbiao.inspections.selectors import NeverFilter, inspections_for_user, never_inspected

    done = Q(status=InspectionStatus.COMPLETED)
    agg = (
        inspections_for_user(user)
        .order_by()
        .aggregate(
            done=Count("pk", filter=done),
            ent=Count("pk", filter=done & Q(target__kind=OrgKind.ENTERPRISE)),
        )
    )
    never = never_inspected(user=user, campaign=current_campaign(), filters=NeverFilter())
    chart = Chart("inspections", "督导检查", "bar", "项目", ["数量"])
    chart.rows = [
        ChartRow(
            "已完成检查（次）",
            [agg["done"]],
            _url("inspections:inspection_list", status="completed"),
        ),
        ChartRow(
            "检查企业（次）",
            [agg["ent"]],
            _url("inspections:inspection_list", status="completed", target_kind="enterprise"),
        ),
        ChartRow("本期从未检查的企业", [never.count()], _url("inspections:never_inspected")),
    ]
    return chart


def dashboard_for(*, user: User, campaign: Campaign | None, today: date | None = None) -> Dashboard:
    """Everything the government dashboard shows, in a fixed number of queries."""
    from anbiao.rectification.selectors import problems_for_user, status_counts

    today = today or timezone.localdate()
    org = user.organization
    assert org is not None
    dash = Dashboard(organization=org, campaign=campaign, today=today)
    enterprises = dashboard_enterprises(user)
    dash.charts.extend(completion_charts(user=user, campaign=campaign, enterprises=enterprises))
    dash.charts.append(government_chart(user=user, campaign=campaign))
    problems = problems_for_user(user)
    counts = status_counts(problems, today=today)
    dash.figures["problems"] = counts
    dash.charts.append(problem_chart(counts=counts))
    dash.charts.append(trend_chart(problems=problems, campaign=campaign, today=today))
    dash.charts.append(report_chart(user=user, campaign=campaign, enterprises=enterprises))
    if org.kind in (OrgKind.CITY, OrgKind.DEPARTMENT):
        chart, missing = case_report_chart(user=user, today=today)
        dash.charts.append(chart)
        dash.missing_reports = missing
    dash.inspections_enabled = inspections_enabled()
    if dash.inspections_enabled:
        dash.charts.append(inspection_chart(user=user))
    return dash


# --- the enterprise's to-do list --------------------------------------------------------------


@dataclass
class Todo:
    checklist: Checklist | None
    deadline: Due | None  # the unit's effective look-back deadline
    answered: int
    total: int
    problems: list[Any]
    notices: list[Any]

    @property
    def clauses_left(self) -> int:
        return self.total - self.answered


def enterprise_todo(*, user: User, campaign: Campaign | None) -> Todo:
    """The enterprise's own look-back progress, open problems by deadline, notices to sign."""
    from anbiao.checklists.selectors import progress
    from anbiao.obligations.effective import lookback_deadline
    from anbiao.rectification.models import Problem

    org = user.organization
    checklist = None
    answered = total = 0
    if campaign is not None:
        checklist = Checklist.objects.filter(
            campaign=campaign, organization=org, purpose=ChecklistPurpose.LOOKBACK
        ).first()
        if checklist is not None:
            answered, total = progress(checklist)
    problems = list(
        Problem.objects.open()
        .filter(organization=org)
        .with_overdue()
        .order_by("deadline", "recorded_at")[:50]
    )
    notices: list[Any] = []
    try:
        from anbiao.notices.models import NoticeDelivery

        notices = list(
            NoticeDelivery.objects.filter(
                enterprise__organization=org, acknowledged_at__isnull=True
            ).select_related("notice")
        )
    except ImportError:  # pragma: no cover - the notices app is optional
        pass
    return Todo(
        checklist=checklist,
        deadline=lookback_deadline(campaign, org) if campaign and org else None,
        answered=answered,
        total=total,
        problems=problems,
        notices=notices,
    )
