"""The star-rating state machine, in one place.

草稿 → 已申请 (the enterprise submits) → 部门已审核 (its primary department proposes a level)
→ 已批准 / 未批准 (the city office decides). The department may also refuse at 已申请
(→ 未批准). Only the writer roles (单位管理员, 填报员, 主要负责人) of the right unit may move it;
the 三员 and viewers never can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anbiao.core.access import WRITER_ROLES, own_unit_ids
from anbiao.core.transitions import Machine, Move, Transition
from anbiao.orgs.models import OrgKind
from anbiao.worklog.models import StarStatus

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.worklog.models import StarApplication


S = StarStatus
# who: the enterprise itself, its primary department, the city office (writers only)
MOVES = Machine(
    "星级评定申请 (worklog.StarApplication)",
    StarStatus,
    [
        Transition(S.DRAFT, "submit", S.APPLIED, "提交申请", "enterprise"),
        Transition(S.APPLIED, "propose", S.PROPOSED, "审核并建议星级", "department"),
        Transition(S.APPLIED, "refuse", S.REJECTED, "部门不予推荐", "department"),
        Transition(S.PROPOSED, "approve", S.APPROVED, "批准", "city"),
        Transition(S.PROPOSED, "reject", S.REJECTED, "不予批准", "city"),
    ],
    initial=[S.DRAFT],
)


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
    return move is not None and MOVES.can(action, app.status) and actor_of(user, app) == move.actor


def allowed_moves(user: User, app: StarApplication) -> list[Move]:
    actor = actor_of(user, app)
    return [] if actor is None else MOVES.allowed(app.status, actor=actor)
