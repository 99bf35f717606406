"""Navigation and home cards of the statistics table (附件3)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from anbiao.accounts.models import BUSINESS_ROLES
from anbiao.core.access import WRITER_ROLES
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.orgs.models import OrgKind

KINDS = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)


def _may_view(user: Any) -> bool:
    org = user.organization
    return org is not None and org.kind in KINDS and user.has_role(*BUSINESS_ROLES)


def nav_items(user: Any) -> list[NavItem]:
    if not _may_view(user):
        return []
    return [NavItem("统计表", link("stats:table"), order=60)]


def home_cards(user: Any) -> list[HomeCard]:
    if not _may_view(user):
        return []
    from anbiao.stats.selectors import default_period, submission_for, unit_for_user

    unit = unit_for_user(user)
    period = default_period()
    sub = submission_for(unit=unit, period=period)
    cards = []
    url = f"{reverse('stats:table')}?{period.query()}"
    if sub is None or not sub.is_submitted:
        returned = sub is not None
        body = (
            f"上一级单位已退回本期统计表：{sub.return_reason}"
            if sub is not None
            else f"统计期 {period.label}。数字由系统根据各项记录自动计算，核对后填报。"
        )
        if user.has_role(*WRITER_ROLES):
            cards.append(
                HomeCard(
                    "本期统计表已退回，请重新填报" if returned else "本期统计表尚未填报",
                    body,
                    url,
                    "查看统计表",
                    order=70,
                    tone="danger" if returned else "warn",
                )
            )
    if unit.kind == OrgKind.CITY:
        cards.append(
            HomeCard(
                "全市统计汇总表",
                "各成员单位、乡镇（街道）的统计数与全市合计（每家企业只计一次），以及各单位填报情况。",
                f"{reverse('stats:city')}?{period.query()}",
                "查看汇总表",
                order=71,
            )
        )
    return cards
