"""The state machine table of rectification and who may act (read by :mod:`.services`).

``TRANSITIONS`` is the only table of status moves; :mod:`.services` is the only code that
applies them. :func:`transition_check` says why a user may not make a move now (Chinese).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anbiao.core.access import WRITER_ROLES, own_unit_ids
from anbiao.core.transitions import Machine, Transition
from anbiao.orgs.models import OrgKind
from anbiao.rectification.models import (
    ACTIVE_STATUSES,
    EvidenceStage,
    Problem,
    ProblemGrade,
    ProblemStatus,
)

if TYPE_CHECKING:
    from anbiao.accounts.models import User


S = ProblemStatus
# (from, action, to, label, who): owner = the unit that must fix it, supervisor = its
# primary department or the city office, system = the platform (a withdrawn checklist line).
TRANSITIONS = Machine(
    "整改问题 (rectification.Problem)",
    ProblemStatus,
    [
        Transition(S.PENDING, "start", S.IN_PROGRESS, "开始整改", "owner"),
        Transition(S.IN_PROGRESS, "submit", S.AWAITING, "提交验收", "owner"),
        Transition(S.AWAITING, "verify", S.CLOSED, "验收通过并销号", "supervisor"),
        Transition(S.AWAITING, "reject", S.IN_PROGRESS, "验收不通过", "supervisor"),
        Transition(S.CLOSED, "reopen", S.IN_PROGRESS, "重新打开", "owner"),
        *(Transition(s, "withdraw", S.WITHDRAWN, "撤销", "system") for s in ACTIVE_STATUSES),
    ],
    initial=[S.PENDING],
)

# Timeline labels of the events that do not change the status.
EVENT_LABELS = {
    "record": "登记问题",
    "plan": "填写五定",
    "describe": "问题描述变更",
    "evidence": "上传佐证",
    "evidence_removed": "删除佐证",
    "extend_request": "申请延期",
    "extend_grant": "同意延期",
    "extend_refuse": "不同意延期",
    **{name: t.label for name, t in TRANSITIONS.items()},
}
# What another person's save did, by the last part of its audit action (for EditConflict).
CONFLICT_VERBS = {
    **{name: t.label for name, t in TRANSITIONS.items()},
    "extension_granted": "同意了延期申请（整改期限已变更）",
}
PLAN_EDITABLE = (ProblemStatus.PENDING, ProblemStatus.IN_PROGRESS)
MAX_DESCRIPTION = 1000
MAX_REASON = 1000


# --- who may act ---------------------------------------------------------------------------


def is_owner_writer(user: User, problem: Problem) -> bool:
    """A writer (单位管理员/填报员/主要负责人) of the organization that must fix the problem."""
    return (
        user is not None
        and user.is_active
        and user.organization_id == problem.organization_id
        and user.has_role(*WRITER_ROLES)
    )


def is_verifier(user: User, problem: Problem) -> bool:
    """A writer of the problem's supervising unit (primary department or city office)."""
    if user is None or not user.is_active or not user.has_role(*WRITER_ROLES):
        return False
    mine = user.organization
    if mine is None or not mine.is_active or mine.pk == problem.organization_id:
        return False
    if mine.kind == OrgKind.CITY:
        return True
    org = problem.organization
    if mine.kind == OrgKind.DEPARTMENT and org.kind == OrgKind.ENTERPRISE:
        enterprise = getattr(org, "enterprise", None)
        return enterprise is not None and enterprise.department_id in own_unit_ids(user)
    return False


def actor_allowed(user: User, problem: Problem, actor: str) -> bool:
    if actor == "owner":
        return is_owner_writer(user, problem)
    if actor == "supervisor":
        return is_verifier(user, problem)
    return False


def _actor_message(actor: str, label: str, problem: Problem) -> str:
    if actor == "owner":
        return (
            f"只有责任单位（{problem.organization.name}）的填报员、单位管理员或主要负责人"
            f"可以{label}。"
        )
    if actor == "supervisor":
        return f"只有该问题的监管单位（主管部门或市安委办）可以{label}。"
    return f"“{label}”由系统根据细则中的存在问题自动完成，不能手工操作。"


def transition_check(*, user: User, problem: Problem, action: str, reason: str = "") -> str:
    """Why ``user`` may not do ``action`` on ``problem`` now ("" when allowed). Chinese."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        return "未知的操作。"
    if problem.status not in rule.sources:
        return f"当前状态为“{problem.get_status_display()}”，不能{rule.label}。"
    if not actor_allowed(user, problem, rule.actor):
        return _actor_message(rule.actor, rule.label, problem)
    if action == "start":
        missing = problem.five_missing
        if missing:
            prefix = "重大问题须落实五定" if problem.grade == ProblemGrade.MAJOR else "开始整改前"
            return f"{prefix}，请先填写：{'、'.join(missing)}。"
    if action == "submit":
        missing = problem.five_missing
        if missing:
            return f"请先填写：{'、'.join(missing)}。"
        if not problem.evidence.filter(stage=EvidenceStage.AFTER).exists():
            return "请至少上传一份整改后的佐证材料（照片或文件）再提交验收。"
    if action == "reject" and not reason.strip():
        return "请填写验收不通过的原因。"
    if action == "reopen" and not reason.strip():
        return "请填写重新打开的原因。"
    if len(reason) > MAX_REASON:
        return f"说明不超过 {MAX_REASON} 字。"
    return ""


def allowed_actions(*, user: User, problem: Problem) -> list[str]:
    """The transitions ``user`` could start now (reasons aside), for the detail page buttons."""
    return [
        name
        for name, rule in TRANSITIONS.items()
        if rule.actor != "system"
        and problem.status in rule.sources
        and actor_allowed(user, problem, rule.actor)
    ]
