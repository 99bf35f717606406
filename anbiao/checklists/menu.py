"""Navigation and home cards for look-back checklists."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from anbiao.accounts.models import BUSINESS_ROLES
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.orgs.models import OrgKind


def _business(user: Any) -> bool:
    return user.organization is not None and user.has_role(*BUSINESS_ROLES)


def nav_items(user: Any) -> list[NavItem]:
    if not _business(user):
        return []
    items = [NavItem("回头看细则填报", link("checklists:mine"), order=20)]
    if user.organization.kind != OrgKind.ENTERPRISE:
        from anbiao.checklists.supervision import pending_review_count

        items.append(
            NavItem(
                "填报情况与审核",
                link("checklists:review_list"),
                order=21,
                badge=pending_review_count(user) or None,
            )
        )
        items.append(NavItem("专项行动", link("campaigns:list"), order=25))
    return items


def home_cards(user: Any) -> list[HomeCard]:
    if not _business(user):
        return []
    from anbiao.campaigns.selectors import current_campaign
    from anbiao.campaigns.services import days_left
    from anbiao.checklists.models import Checklist, ChecklistPurpose
    from anbiao.checklists.selectors import progress
    from anbiao.checklists.supervision import pending_review_count
    from anbiao.obligations.effective import lookback_deadline

    campaign = current_campaign()
    if campaign is None:
        return []
    org = user.organization
    cards: list[HomeCard] = []
    checklist = Checklist.objects.filter(
        campaign=campaign, organization=org, purpose=ChecklistPurpose.LOOKBACK
    ).first()
    due = lookback_deadline(campaign, org)
    deadline = due.date
    left = days_left(deadline)
    when = (
        f"距截止还有 {left} 天（{deadline:%Y-%m-%d}{due.mark}）"
        if left >= 0
        else f"已逾期 {-left} 天（截止 {deadline:%Y-%m-%d}{due.mark}）"
    )
    if checklist is None:
        total = campaign.template_version_for(org).clauses.count()
        cards.append(
            HomeCard(
                f"填写回头看细则（0/{total}）",
                f"{campaign.name}：尚未开始填写。{when}。",
                link("checklists:mine"),
                "开始填写",
                order=5,
                tone="danger" if left < 0 else "warn",
            )
        )
    elif checklist.status == "returned":
        cards.append(
            HomeCard(
                "回头看细则被退回",
                f"退回原因：{checklist.return_reason}　请修改后重新签字提交。{when}。",
                reverse("checklists:detail", args=[checklist.pk]),
                "去修改",
                order=5,
                tone="danger",
            )
        )
    elif checklist.status == "draft":
        answered, total = progress(checklist)
        cards.append(
            HomeCard(
                f"填写回头看细则（{answered}/{total}）",
                f"{campaign.name}：{when}。全部填写后由主要负责人签字提交。",
                reverse("checklists:detail", args=[checklist.pk]),
                "继续填写",
                order=5,
                tone="danger" if left < 0 else "warn",
            )
        )
    else:
        cards.append(
            HomeCard(
                "回头看细则",
                f"{checklist.get_status_display()}（{checklist.submitted_at:%Y-%m-%d}）。",
                reverse("checklists:detail", args=[checklist.pk]),
                "查看",
                order=80,
                tone="ok",
            )
        )
    if org.kind in (OrgKind.CITY, OrgKind.DEPARTMENT):
        pending = pending_review_count(user, campaign)
        if pending:
            cards.append(
                HomeCard(
                    f"待审核回头看细则（{pending}）",
                    f"有 {pending} 份已提交的回头看细则等待审核。",
                    link("checklists:review_list") + "?state=submitted",
                    "去审核",
                    order=6,
                    tone="warn",
                )
            )
    return cards
