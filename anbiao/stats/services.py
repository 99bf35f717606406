"""Writes of the statistics table: submit (填报, freezing the numbers), return (退回).

``TRANSITIONS`` is the one state machine of a submission: a new submission and a returned one
can be submitted; only a submitted one can be returned. Every write is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anbiao.core.access import WRITER_ROLES
from anbiao.core.audit import log_action
from anbiao.core.uploads import store_upload
from anbiao.core.validators import validate_phone
from anbiao.orgs.models import Organization, OrgKind
from anbiao.stats.columns import COLUMN_BY_NO, Period
from anbiao.stats.models import StatsSubmission, SubmissionStatus
from anbiao.stats.selectors import unit_table

if TYPE_CHECKING:
    from anbiao.accounts.models import User

# action → (statuses it may start from; None = no submission yet), target status
TRANSITIONS: dict[str, tuple[tuple[str | None, ...], str]] = {
    "submit": ((None, SubmissionStatus.RETURNED), SubmissionStatus.SUBMITTED),
    "return": ((SubmissionStatus.SUBMITTED,), SubmissionStatus.RETURNED),
}


def can_submit(user: User, unit: Organization) -> bool:
    return user.organization_id is not None and user.has_role(*WRITER_ROLES)


def can_return(user: User) -> bool:
    org = user.organization
    return org is not None and org.kind == OrgKind.CITY and user.has_role(*WRITER_ROLES)


def _check(action: str, current: str | None) -> str:
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        label = dict(SubmissionStatus.choices).get(current or "", "未填报")
        verb = {"submit": "填报", "return": "退回"}[action]
        raise ValidationError(f"本期统计表当前为“{label}”，不能{verb}。")
    return target


def clean_adjustments(
    raw: dict[int, tuple[int | None, str]], computed: list[int | None]
) -> dict[str, dict[str, Any]]:
    """Keep the changed numbers; each needs a written reason. Errors name the column."""
    errors: dict[str, str] = {}
    out: dict[str, dict[str, Any]] = {}
    for no, (value, reason) in sorted(raw.items()):
        col = COLUMN_BY_NO[no]
        reason = (reason or "").strip()
        if value is None or value == computed[no - 1]:
            continue
        if value < 0:
            errors[f"c{no:02d}"] = f"第{no}列“{col.name}”不能为负数。"
        elif not reason:
            errors[f"c{no:02d}"] = (
                f"第{no}列“{col.name}”：调整数字（系统统计 {computed[no - 1] if computed[no - 1] is not None else '—'}）"
                "必须写明原因（如线下开展的工作）。"
            )
        else:
            out[str(no)] = {"value": int(value), "reason": reason[:500]}
    if errors:
        raise ValidationError(errors)
    return out


def submission_submit(
    *,
    by: User,
    unit: Organization,
    period: Period,
    filler_name: str,
    phone: str,
    adjustments: dict[int, tuple[int | None, str]] | None = None,
    stamp: UploadedFile | None = None,
    expected_computed: list[int | None] | None = None,
) -> StatsSubmission:
    """Freeze the unit's live numbers for the period with who filled it in and when.

    ``adjustments`` maps a column number to (reported number, reason). When
    ``expected_computed`` is given and the live numbers changed since the form was shown, the
    submission is refused so that the user reviews the new numbers.
    """
    if not can_submit(by, unit):
        raise ValidationError("没有填报权限。")
    errors = {}
    if not (filler_name or "").strip():
        errors["filler_name"] = "请填写填报人。"
    if not (phone or "").strip():
        errors["phone"] = "请填写联系电话。"
    else:
        try:
            phone = validate_phone(phone, field="phone")
        except ValidationError as exc:
            errors.update({k: "；".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = (
            StatsSubmission.objects.select_for_update()
            .filter(unit=unit, period_start=period.start, period_end=period.end)
            .first()
        )
        target = _check("submit", existing.status if existing else None)
        computed = unit_table(unit=unit, period=period).values
        if expected_computed is not None and list(expected_computed) != computed:
            raise ValidationError("统计数字在您填写期间发生了变化，请核对最新数字后再提交。")
        adj = clean_adjustments(adjustments or {}, computed)
        stored = None
        if stamp is not None:
            try:
                stored = store_upload(
                    stamp, by=by, organization=unit, purpose="stats_stamp", images_only=False
                )
            except ValidationError as exc:
                raise ValidationError({"stamp": "；".join(exc.messages)}) from exc
        sub = existing or StatsSubmission(
            unit=unit, period_start=period.start, period_end=period.end, times_submitted=0
        )
        sub.status = target
        sub.unit_name = unit.name
        sub.filler_name = filler_name.strip()
        sub.phone = phone
        sub.computed = computed
        sub.adjustments = adj
        if stored is not None:
            sub.stamp = stored
        sub.submitted_at = timezone.now()
        sub.submitted_by = by
        sub.times_submitted += 1
        sub.full_clean()
        sub.save()
        log_action(
            sub,
            "anbiao.stats.submitted",
            user=by,
            data={
                "unit": str(unit.pk),
                "period": [period.start.isoformat(), period.end.isoformat()],
                "computed": computed,
                "times": sub.times_submitted,
            },
        )
        for no, a in adj.items():
            log_action(
                sub,
                "anbiao.stats.adjusted",
                user=by,
                data={
                    "column": int(no),
                    "computed": computed[int(no) - 1],
                    "value": a["value"],
                    "reason": a["reason"],
                },
            )
    return sub


def submission_return(*, by: User, submission: StatsSubmission, reason: str) -> StatsSubmission:
    """The city office returns a submission for revision, with a reason the unit sees."""
    if not can_return(by):
        raise ValidationError("只有市安委办可以退回统计表。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因。"})
    with transaction.atomic():
        sub = StatsSubmission.objects.select_for_update().get(pk=submission.pk)
        sub.status = _check("return", sub.status)
        sub.return_reason = reason[:2000]
        sub.returned_at = timezone.now()
        sub.returned_by = by
        sub.full_clean()
        sub.save()
        log_action(sub, "anbiao.stats.returned", user=by, data={"reason": sub.return_reason})
    return sub
