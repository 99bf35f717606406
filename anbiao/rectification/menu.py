"""Navigation (隐患清单/整改清单, 动态清零) and home cards (what to fix, what to verify)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from anbiao.accounts.models import BUSINESS_ROLES
from anbiao.core.access import GOV_KINDS, WRITER_ROLES
from anbiao.core.menu import HomeCard, NavItem
from anbiao.orgs.models import OrgKind
from anbiao.rectification import selectors
from anbiao.rectification.models import Problem, ProblemStatus, local_today


def _business(user: Any) -> bool:
    return user.organization is not None and user.has_role(*BUSINESS_ROLES)


def nav_items(user: Any) -> list[NavItem]:
    if not _business(user):
        return []
    items = [NavItem("整改清单", reverse("rectification:ledger"), order=40)]
    if user.organization.kind in GOV_KINDS:
        items.append(NavItem("动态清零", reverse("rectification:zeroing"), order=41))
        if user.has_role(*WRITER_ROLES) and user.organization.kind != OrgKind.TOWN:
            items.append(NavItem("延期申请", reverse("rectification:extension_list"), order=42))
    return items


def home_cards(user: Any) -> list[HomeCard]:
    if not _business(user):
        return []
    org = user.organization
    cards: list[HomeCard] = []
    today = local_today()
    own = Problem.objects.filter(organization=org)
    to_fix = own.filter(status__in=(ProblemStatus.PENDING, ProblemStatus.IN_PROGRESS))
    n_fix = to_fix.count()
    if n_fix:
        n_overdue = own.overdue(today).count()
        body = f"{n_fix} 个问题待整改"
        body += f"，{n_overdue} 个已逾期。" if n_overdue else "。"
        cards.append(
            HomeCard(
                "问题整改",
                body + "请落实五定、上传整改后照片并提交验收。",
                reverse("rectification:ledger") + "?status=open",
                "去整改",
                order=30,
                tone="danger" if n_overdue else "warn",
            )
        )
    if org.kind in GOV_KINDS and user.has_role(*WRITER_ROLES):
        verified = selectors.problems_verified_by(user)
        n = verified.filter(status=ProblemStatus.AWAITING).count()
        if n:
            cards.append(
                HomeCard(
                    "整改验收",
                    f"{n} 个问题待验收。核对整改后佐证，验收通过后销号。",
                    reverse("rectification:ledger") + "?status=awaiting",
                    "去验收",
                    order=31,
                    tone="warn",
                )
            )
        n_ext = selectors.extensions_to_decide(user).count()
        if n_ext:
            cards.append(
                HomeCard(
                    "延期申请",
                    f"{n_ext} 个整改期限延期申请待审批。同意后按新的期限计算是否逾期。",
                    reverse("rectification:extension_list"),
                    "去审批",
                    order=32,
                    tone="warn",
                )
            )
    return cards
