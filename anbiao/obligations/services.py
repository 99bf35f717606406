"""Writes of deadline extensions (延期): a unit asks, the level above grants or refuses.

Who decides (:meth:`anbiao.obligations.kinds.Obligation.decider`): for a reporting task its
issuer (the unit that set the deadline); otherwise the level above the unit — an enterprise's
主管部门, a government sub-unit's parent, a top-level department or town's city office. The
city office has no level above: its own deadlines are the campaign's, which it sets itself.

A granted extension moves only that unit's deadline, to the date it asked for; its
timeliness is then judged against that date. Every step is audited, and the deciding unit
(then the asking unit) is notified.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anbiao.core.access import can_write
from anbiao.core.audit import log_action
from anbiao.obligations import deadlines
from anbiao.obligations.kinds import Obligation
from anbiao.obligations.models import Extension, ExtensionStatus
from anbiao.orgs.models import Organization
from anbiao.orgs.visibility import own_unit_ids

if TYPE_CHECKING:
    from anbiao.accounts.models import User

REASON_MAX = 1000


@transaction.atomic
def extension_request(
    *,
    by: User,
    obligation: Obligation,
    requested_deadline: dt.date,
    reason: str,
    now: dt.datetime | None = None,
) -> Extension:
    """Ask the level above to move the user's unit's deadline of ``obligation``.

    Refused when the unit is not expected to report it, has already reported, already waits
    for a decision, or asks for a date not later than its current deadline or already past.
    """
    from anbiao.obligations.selectors import own_item

    now = now or timezone.now()
    org = by.organization
    if org is None or not can_write(by):
        raise ValidationError("只有本单位的单位管理员、填报员或主要负责人可以申请延期。")
    # Lock the unit's row so that two requests at once cannot both pass the pending check.
    Organization.objects.select_for_update().get(pk=org.pk)
    item = own_item(user=by, ob=obligation, now=now)
    if item is None:
        raise ValidationError("本单位不是该事项的报送单位，无需申请延期。")
    if item.reported_at is not None:
        raise ValidationError("本单位已报送该事项，无需申请延期。")
    if item.pending is not None:
        raise ValidationError("本单位已有一项待审批的延期申请，请等待审批结果。")
    decider = obligation.decider(org)
    if decider is None:
        raise ValidationError("本单位没有上级审批单位；截止日期请在专项行动设置中调整。")
    reason = reason.strip()
    errors: dict[str, str] = {}
    if requested_deadline <= item.deadline:
        errors["requested_deadline"] = (
            f"须晚于当前截止日期（{deadlines.deadline_text(item.deadline)}）。"
        )
    elif requested_deadline < deadlines.local_today(now):
        errors["requested_deadline"] = "不能早于今天。"
    if not reason:
        errors["reason"] = "请填写申请延期的理由。"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"不能超过 {REASON_MAX} 字。"
    if errors:
        raise ValidationError(errors)
    ext = Extension(
        kind=obligation.kind,
        ref=obligation.ref,
        title=obligation.label[:300],
        organization=org,
        decider=decider,
        original_deadline=item.deadline,
        requested_deadline=requested_deadline,
        reason=reason,
        requested_by=by,
        requested_at=now,
    )
    ext.full_clean()
    ext.save()
    log_action(
        ext,
        "anbiao.obligations.extension_requested",
        user=by,
        data={
            "obligation": obligation.key,
            "from": item.deadline.isoformat(),
            "to": requested_deadline.isoformat(),
        },
    )
    _notify(
        ext,
        org_id=decider.pk,
        title=f"{org.name}申请延期：{ext.title}",
        body=(
            f"原截止时间 {deadlines.deadline_text(ext.original_deadline)}，申请延期至 "
            f"{deadlines.deadline_text(requested_deadline)}。理由：{reason}"
        ),
        event="requested",
    )
    return ext


@transaction.atomic
def extension_decide(
    *, by: User, extension: Extension, grant: bool, note: str = "", now: dt.datetime | None = None
) -> Extension:
    """Grant or refuse a pending extension (the deciding unit only); refusing needs a reason."""
    now = now or timezone.now()
    ext = Extension.objects.select_for_update().get(pk=extension.pk)
    if not can_write(by) or ext.decider_id not in own_unit_ids(by):
        raise ValidationError("只有审批单位的单位管理员、填报员或主要负责人可以审批该延期申请。")
    if not ext.is_pending:
        raise ValidationError(f"该延期申请已{ext.get_status_display()}，不能再审批。")
    note = note.strip()
    if not grant and not note:
        raise ValidationError({"note": "不同意延期时请填写理由。"})
    if len(note) > REASON_MAX:
        raise ValidationError({"note": f"不能超过 {REASON_MAX} 字。"})
    ext.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    ext.decided_by = by
    ext.decided_at = now
    ext.decision_note = note
    ext.full_clean()
    ext.save()
    log_action(
        ext,
        "anbiao.obligations.extension_granted" if grant else "anbiao.obligations.extension_refused",
        user=by,
        data={"to": ext.requested_deadline.isoformat(), "note": note},
    )
    verdict = (
        f"已同意延期至 {deadlines.deadline_text(ext.requested_deadline)}" if grant else "不同意延期"
    )
    _notify(
        ext,
        org_id=ext.organization_id,
        title=f"延期申请{verdict}：{ext.title}",
        body=f"审批意见：{note}" if note else "",
        event=ext.status,
    )
    return ext


def _notify(ext: Extension, *, org_id: object, title: str, body: str, event: str) -> None:
    """Tell the writers and principals of a unit (once per extension and event)."""
    from anbiao.dashboards.reminders import recipients
    from anbiao.notifications.models import Kind
    from anbiao.notifications.services import notify_many

    notify_many(
        users=recipients([org_id]).get(org_id, []),
        kind=Kind.EXTENSION,
        title=title,
        body=body,
        url=reverse("obligations:extension_detail", args=[ext.pk]),
        dedupe_key=f"extension:{ext.pk}:{event}",
    )
