from __future__ import annotations

from typing import Any

from anbiao.core.access import can_write, is_admin_only
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.orgs.models import OrgKind


def _business(user: Any) -> bool:
    return user.organization is not None and not is_admin_only(user) and bool(user.role_set())


def nav_items(user: Any) -> list[NavItem]:
    if not _business(user):
        return []
    return [
        NavItem("培训宣传", link("worklog:record_list"), order=85),
        NavItem("星级评定", link("worklog:star_list"), order=86),
    ]


def home_cards(user: Any) -> list[HomeCard]:
    if not _business(user) or not can_write(user):
        return []
    from anbiao.orgs.scope import counted_enterprises_q
    from anbiao.worklog.models import StarStatus
    from anbiao.worklog.selectors import applications_for_user

    org = user.organization
    cards = []
    if org.kind == OrgKind.DEPARTMENT:
        n = (
            applications_for_user(user)
            # the department's own enterprises (primary department), not its sub-units'
            .filter(counted_enterprises_q(org.kind, [org.pk], "enterprise"))
            .filter(status=StarStatus.APPLIED)
            .count()
        )
        if n:
            cards.append(
                HomeCard(
                    "星级评定待审核",
                    f"有 {n} 家主管企业提交了星级评定申请，请审核并提出建议星级。",
                    link("worklog:star_list") + "?status=applied",
                    "去审核",
                    order=60,
                    tone="warn",
                )
            )
    if org.kind == OrgKind.CITY:
        n = applications_for_user(user).filter(status=StarStatus.PROPOSED).count()
        if n:
            cards.append(
                HomeCard(
                    "星级评定待批准",
                    f"有 {n} 份经部门审核的星级评定申请等待市安委办决定。",
                    link("worklog:star_list") + "?status=proposed",
                    "去决定",
                    order=60,
                    tone="warn",
                )
            )
    if org.is_government:
        cards.append(
            HomeCard(
                "培训、宣传与会议记录",
                "登记培训（按人员类别统计人数）、宣传报道、会议与领导督导、观摩调度推进会和方案，"
                "并一键关联为附件1相应条款的佐证。",
                link("worklog:record_list"),
                "登记记录",
                order=120,
            )
        )
    if org.kind == OrgKind.ENTERPRISE:
        cards.append(
            HomeCard(
                "星级评定",
                "企业可自愿申请星级评定：填写申请星级和自评得分，上传佐证材料后提交主管部门审核。",
                link("worklog:star_list"),
                "查看",
                order=120,
            )
        )
    return cards
