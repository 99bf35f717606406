"""Navigation (隐患清单/整改清单, 动态清零) and home cards (what to fix, what to verify)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from anbiao.accounts.models import BUSINESS_ROLES
from anbiao.core.access import GOV_KINDS, WRITER_ROLES, own_unit_ids
from anbiao.core.menu import HomeCard, NavItem
from anbiao.orgs.models import OrgKind
from anbiao.rectification.models import Problem, ProblemStatus, local_today


def _business(user: Any) -> bool:
    return user.organization is not None and user.has_role(*BUSINESS_ROLES)


def nav_items(user: Any) -> list[NavItem]:
    if not _business(user):
        return []
    items = [NavItem("整改清单", reverse("rectification:ledger"), order=40)]
    if user.organization.kind in GOV_KINDS:
        items.append(NavItem("动态清零", reverse("rectification:zeroing"), order=41))
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
        awaiting = Problem.objects.filter(status=ProblemStatus.AWAITING).exclude(organization=org)
        if org.kind == OrgKind.DEPARTMENT:
            awaiting = awaiting.filter(
                Q(organization__enterprise__department_id__in=own_unit_ids(user))
            )
        elif org.kind == OrgKind.TOWN:
            awaiting = awaiting.none()  # towns watch; departments and the city office verify
        n = awaiting.count()
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
    return cards
