"""The reporting chain of 附件3: the one state machine of a submission and who may move it.

``TRANSITIONS`` is the only table of status moves (a :class:`anbiao.core.transitions.Machine`,
the shape every state machine has); :mod:`anbiao.stats.services` is the only code that applies
them. :func:`transition_check` says, in Chinese, why a user may not make a move now.

The levels: a unit reports to the level above it — a sub-unit to its parent, a top-level
department or town to the city office (市安委办); the city office's own table (the city-wide
table it signs off) is reviewed inside the city office. Actors:

* ``unit`` — a writer (填报员/单位管理员/主要负责人) of the unit that reports (or of one of its
  sub-units, whose users fill in the table of their top-level unit);
* ``reviewer`` — a writer of the level above the unit (accepts or returns), never the person
  who submitted it;
* ``above`` — the level above the reviewer (unapproves an accepted table); above the city office
  there is no level, so there it is the city office's 单位管理员 or 主要负责人.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from anbiao.accounts.models import Role
from anbiao.core.access import WRITER_ROLES
from anbiao.core.transitions import Machine, Transition
from anbiao.orgs.models import Organization, OrgKind
from anbiao.orgs.scope import descendant_ids
from anbiao.stats.models import StatsSubmission, SubmissionStatus

if TYPE_CHECKING:
    from anbiao.accounts.models import User

S = SubmissionStatus
NEW = None  # no submission yet
LEADER_ROLES = (Role.ORG_ADMIN, Role.PRINCIPAL)
MAX_REASON = 2000


TRANSITIONS = Machine(
    "统计表（附件3）填报",
    S,
    [
        Transition(NEW, "submit", S.SUBMITTED, "填报", "unit"),
        Transition(S.RETURNED, "submit", S.SUBMITTED, "填报", "unit"),
        Transition(S.SUBMITTED, "accept", S.ACCEPTED, "接收", "reviewer"),
        Transition(S.SUBMITTED, "return", S.RETURNED, "退回", "reviewer"),
        Transition(S.ACCEPTED, "unapprove", S.RETURNED, "撤销接收并退回", "above"),
    ],
    initial=[NEW],
)
NEEDS_REASON = frozenset({"return", "unapprove"})

ACTOR_TEXT = {
    "unit": "填报单位的填报员、单位管理员或主要负责人",
    "reviewer": "上一级单位（下属单位的上级单位；成员单位、乡镇（街道）为市安委办）",
    "above": "接收单位的上一级单位（由市安委办接收的，为市安委办的单位管理员或主要负责人）",
}


def _gov_parent(org: Organization) -> Organization | None:
    parent = org.parent
    if parent is None or parent.kind == OrgKind.ENTERPRISE:
        return None
    return parent


def city_office() -> Organization | None:
    return (
        Organization.objects.filter(kind=OrgKind.CITY, parent__isnull=True, is_active=True)
        .order_by("sort_order", "name")
        .first()
    )


def levels_above(unit: Organization) -> list[Organization]:
    """The unit's parent, its parent's parent … up to the top-level unit, then the city office."""
    out: list[Organization] = []
    cur = _gov_parent(unit)
    seen = {unit.pk}
    while cur is not None and cur.pk not in seen:
        out.append(cur)
        seen.add(cur.pk)
        cur = _gov_parent(cur)
    city = city_office()
    if city is not None and city.pk not in seen:
        out.append(city)
    return out


def reviewer_of(unit: Organization) -> Organization | None:
    """The level the unit reports to (for the city office itself: the city office)."""
    above = levels_above(unit)
    if above:
        return above[0]
    return unit if unit.kind == OrgKind.CITY else None


def _writer_of(user: User, org: Organization | None) -> bool:
    return (
        org is not None
        and user is not None
        and user.is_active
        and user.organization_id == org.pk
        and user.has_role(*WRITER_ROLES)
    )


def is_unit_writer(user: User, unit: Organization) -> bool:
    """A writer of the unit, or of one of its sub-units (whose users fill in the table of the
    unit that reports, see :func:`anbiao.stats.selectors.unit_for_user`)."""
    if user is None or not user.is_active or not user.has_role(*WRITER_ROLES):
        return False
    return user.organization_id is not None and user.organization_id in descendant_ids(unit)


def is_reviewer(user: User, sub: StatsSubmission) -> bool:
    return _writer_of(user, reviewer_of(sub.unit))


def is_above(user: User, sub: StatsSubmission) -> bool:
    reviewer = reviewer_of(sub.unit)
    if reviewer is None:
        return False
    higher = levels_above(reviewer) if reviewer.pk != sub.unit.pk else []
    if not higher:  # the reviewer is the city office: its leaders
        return _writer_of(user, reviewer) and user.has_role(*LEADER_ROLES)
    return any(_writer_of(user, org) for org in higher)


def actor_allowed(user: User, sub: StatsSubmission | None, unit: Organization, actor: str) -> bool:
    if actor == "unit":
        return is_unit_writer(user, unit)
    if sub is None:
        return False
    if actor == "reviewer":
        return is_reviewer(user, sub)
    if actor == "above":
        return is_above(user, sub)
    return False


def sub_unit_submissions(*, unit: Organization, period: Any) -> list[StatsSubmission]:
    """The tables the unit's direct sub-units submitted for the period (the unit reviews them)."""
    children = Organization.objects.filter(parent=unit).exclude(kind=OrgKind.ENTERPRISE)
    return list(
        StatsSubmission.objects.filter(
            unit__in=children, period_start=period.start, period_end=period.end
        ).order_by("unit_name")
    )


def pending_children(sub: StatsSubmission) -> list[StatsSubmission]:
    """Sub-units' submissions of the same period still awaiting review: the unit's own table
    is accepted only after its sub-units' tables are (DHIS2: approve only after all children)."""
    children = Organization.objects.filter(parent=sub.unit).exclude(kind=OrgKind.ENTERPRISE)
    return list(
        StatsSubmission.objects.filter(
            unit__in=children,
            period_start=sub.period_start,
            period_end=sub.period_end,
            status=S.SUBMITTED,
        ).order_by("unit_name")
    )


def transition_check(
    *,
    user: User,
    action: str,
    unit: Organization,
    sub: StatsSubmission | None,
    reason: str = "",
) -> str:
    """Why ``user`` may not do ``action`` now ("" when allowed). Chinese."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        return "未知的操作。"
    current = sub.status if sub is not None else NEW
    if current not in rule.sources:
        label = dict(S.choices).get(current or "", "未填报")
        return f"本期统计表当前为“{label}”，不能{rule.label}。"
    if not actor_allowed(user, sub, unit, rule.actor):
        return f"只有{ACTOR_TEXT[rule.actor]}可以{rule.label}。"
    if rule.actor == "reviewer" and sub is not None and sub.submitted_by_id == user.pk:
        return f"不能{rule.label}本人填报的统计表，请由本单位其他人员审核。"
    if action in NEEDS_REASON and not reason.strip():
        return f"请填写{rule.label}的原因。"
    if len(reason) > MAX_REASON:
        return f"原因不超过 {MAX_REASON} 字。"
    if action == "accept" and sub is not None:
        waiting = pending_children(sub)
        if waiting:
            names = "、".join(w.unit_name for w in waiting)
            return f"下属单位（{names}）的统计表尚待审核，请先接收或退回后再接收本单位的统计表。"
    return ""


def allowed_actions(*, user: User, sub: StatsSubmission) -> list[str]:
    """The moves ``user`` could make on ``sub`` now (reasons aside), for the detail page."""
    return [
        name
        for name, rule in TRANSITIONS.items()
        if name != "submit"
        and sub.status in rule.sources
        and actor_allowed(user, sub, sub.unit, rule.actor)
        and not (rule.actor == "reviewer" and sub.submitted_by_id == user.pk)
    ]
