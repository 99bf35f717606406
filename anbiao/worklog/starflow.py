"""The star-rating state machine, in one place.

草稿 → 已申请 (the enterprise submits) → 部门已审核 (its primary department proposes a level)
→ 已批准 / 未批准 (the city office decides). The department may also refuse at 已申请
(→ 未批准). Only the writer roles (单位管理员, 填报员, 主要负责人) of the right unit may move it;
the 三员 and viewers never can.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from anbiao.core.access import WRITER_ROLES, own_unit_ids
from anbiao.orgs.models import OrgKind
from anbiao.worklog.models import StarStatus

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.worklog.models import StarApplication


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    source: str
    target: str
    actor: str  # enterprise | department | city


MOVES: dict[str, Move] = {
    m.action: m
    for m in (
        Move("submit", "提交申请", StarStatus.DRAFT, StarStatus.APPLIED, "enterprise"),
        Move("propose", "审核并建议星级", StarStatus.APPLIED, StarStatus.PROPOSED, "department"),
        Move("refuse", "部门不予推荐", StarStatus.APPLIED, StarStatus.REJECTED, "department"),
        Move("approve", "批准", StarStatus.PROPOSED, StarStatus.APPROVED, "city"),
        Move("reject", "不予批准", StarStatus.PROPOSED, StarStatus.REJECTED, "city"),
    )
}


def actor_of(user: User, app: StarApplication) -> str | None:
    """Which party the user acts for on this application (writers only)."""
    org = user.organization
    if org is None or not org.is_active or not user.has_role(*WRITER_ROLES):
        return None
    if org.kind == OrgKind.ENTERPRISE and app.enterprise.organization_id == org.pk:
        return "enterprise"
    if org.kind == OrgKind.DEPARTMENT and app.enterprise.department_id in own_unit_ids(user):
        return "department"
    if org.kind == OrgKind.CITY:
        return "city"
    return None


def may(user: User, app: StarApplication, action: str) -> bool:
    move = MOVES.get(action)
    return move is not None and app.status == move.source and actor_of(user, app) == move.actor


def allowed_moves(user: User, app: StarApplication) -> list[Move]:
    return [m for m in MOVES.values() if may(user, app, m.action)]
