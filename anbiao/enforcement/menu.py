from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from anbiao.core.access import WRITER_ROLES, is_admin_only
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.enforcement import deadlines
from anbiao.enforcement.selectors import (
    missing_report_this_month,
    month_due,
    report_grid,
    reporting_departments,
)
from anbiao.orgs.models import OrgKind


def nav_items(user: Any) -> list[NavItem]:
    org = user.organization
    if org is None or is_admin_only(user):
        return []
    if org.kind == OrgKind.DEPARTMENT:
        return [NavItem("执法案例", link("enforcement:case_list"), order=70)]
    if org.kind == OrgKind.CITY:
        return [NavItem("执法案例", link("enforcement:report_overview"), order=70)]
    if org.kind == OrgKind.TOWN:
        return [NavItem("执法重点对象", link("enforcement:priority_list"), order=70)]
    return []


def home_cards(user: Any) -> list[HomeCard]:
    org = user.organization
    if org is None or is_admin_only(user):
        return []
    now = timezone.now()
    month = deadlines.month_start(deadlines.local_today(now))
    if (
        org.kind == OrgKind.DEPARTMENT
        and user.has_role(*WRITER_ROLES)
        and missing_report_this_month(user, now)
    ):
        due = month_due(month=month, org_id=org.pk)
        overdue = due.is_overdue(now)
        when = f"截止 {due.date:%m月%d日}（已延期）" if due.extended else "截止 25 日"
        return [
            HomeCard(
                "典型案例月度报送",
                f"本月（{month:%Y年%m月}）典型案例"
                + ("已逾期未报送，请尽快报送。" if overdue else f"尚未报送，{when}。"),
                reverse("enforcement:report_submit", args=[month.year, month.month]),
                "去报送",
                order=40,
                tone="danger" if overdue else "warn",
            )
        ]
    if org.kind == OrgKind.CITY:
        rows = report_grid(departments=reporting_departments(), months=[month], now=now)
        missing = sum(1 for _, cells in rows if cells[0].report is None)
        if missing:
            overdue = deadlines.is_overdue(month, now)
            return [
                HomeCard(
                    "典型案例月度报送",
                    f"本月还有 {missing} 个部门未报送典型案例"
                    + ("（已逾期）。" if overdue else "，截止 25 日。"),
                    link("enforcement:report_overview"),
                    "查看",
                    order=60,
                    tone="danger" if overdue else "warn",
                )
            ]
    return []
