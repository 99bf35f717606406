from __future__ import annotations

from typing import Any

from anbiao.accounts.models import BUSINESS_ROLES
from anbiao.core.access import can_write
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem


def nav_items(user: Any) -> list[NavItem]:
    if user.organization is None or not user.has_role(*BUSINESS_ROLES):
        return []
    return [NavItem("自查自纠报告", link("reports:list"), order=45)]


def home_cards(user: Any) -> list[HomeCard]:
    org = user.organization
    if org is None or not can_write(user):
        return []
    from anbiao.campaigns.models import Campaign, CampaignStatus
    from anbiao.reports.models import Report

    open_ids = list(
        Campaign.objects.filter(status=CampaignStatus.OPEN).values_list("pk", flat=True)
    )
    if not open_ids:
        return []
    done = Report.objects.filter(
        organization=org, campaign_id__in=open_ids, counted_version__isnull=False
    ).count()
    if done >= len(open_ids):
        return []
    return [
        HomeCard(
            "自查自纠报告",
            "“回头看”完成后，根据本单位的问题与整改记录形成自查自纠报告，主要负责人签字后定稿。",
            link("reports:list"),
            "编写报告",
            order=60,
        )
    ]
