from __future__ import annotations

from typing import Any

from anbiao.core.access import WRITER_ROLES, is_admin_only
from anbiao.core.links import link
from anbiao.core.menu import HomeCard, NavItem
from anbiao.notices import selectors
from anbiao.orgs.models import OrgKind


def nav_items(user: Any) -> list[NavItem]:
    org = user.organization
    if org is None or is_admin_only(user):
        return []
    if org.kind == OrgKind.ENTERPRISE:
        pending = selectors.pending_acknowledgements(user)
        return [NavItem("告知书", link("notices:inbox"), order=30, badge=pending or None)]
    return [NavItem("告知书", link("notices:issued_list"), order=65)]


def home_cards(user: Any) -> list[HomeCard]:
    org = user.organization
    if org is None or is_admin_only(user):
        return []
    cards: list[HomeCard] = []
    if org.kind == OrgKind.ENTERPRISE:
        pending = selectors.pending_acknowledgements(user)
        if pending:
            cards.append(
                HomeCard(
                    "告知书待签收",
                    f"{pending} 份告知书待签收。",
                    link("notices:inbox"),
                    "去签收",
                    order=20,
                    tone="warn",
                )
            )
        unsigned = selectors.pending_commitments(user)
        if unsigned:
            cards.append(
                HomeCard(
                    "承诺书待签订",
                    f"{unsigned} 份承诺书待主要负责人签订。",
                    link("notices:inbox"),
                    "去签订",
                    order=21,
                    tone="warn",
                )
            )
    elif (
        selectors.can_issue(user)
        and user.has_role(*WRITER_ROLES)
        and not selectors.notices_for_gov(user).exists()
    ):
        cards.append(
            HomeCard(
                "下发告知书",
                "向范围内企业逐家送达两份告知书，并督促签订承诺书、公示。",
                link("notices:create"),
                "下发",
                order=45,
            )
        )
    return cards
