"""Writes of the statistics table: submit (填报, freezing the numbers), accept (接收, locking
them), return (退回) and unapprove (撤销接收).

The moves and who may make them are the one table :data:`anbiao.stats.chain.TRANSITIONS`;
these services apply it (:func:`anbiao.stats.chain.transition_check`). Every write is audited.
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
from anbiao.stats import chain
from anbiao.stats.columns import COLUMN_BY_NO, Period
from anbiao.stats.models import StatsSubmission
from anbiao.stats.selectors import unit_table
from anbiao.stats.validation import check_submission

if TYPE_CHECKING:
    from anbiao.accounts.models import User


def can_submit(user: User, unit: Organization) -> bool:
    return chain.is_unit_writer(user, unit)


def can_return(user: User) -> bool:
    """Whether the user is a reviewer at all (the city office); per submission see
    :func:`anbiao.stats.chain.allowed_actions`."""
    org = user.organization
    return org is not None and org.kind == OrgKind.CITY and user.has_role(*WRITER_ROLES)


def _refuse(message: str, *, field: str | None = None) -> None:
    if message:
        raise ValidationError({field: message} if field else message)


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
        raise ValidationError(f"只有{chain.ACTOR_TEXT['unit']}可以填报。")
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
        _refuse(chain.transition_check(user=by, action="submit", unit=unit, sub=existing))
        target = chain.TRANSITIONS["submit"].target
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
        sub.accepted_at = None
        sub.accepted_by = None
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
                # the validation rules run on submission: the codes of those that warned
                "warnings": [w.rule.code for w in check_submission(sub, computed)],
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


def _move(
    *, by: User, submission: StatsSubmission, action: str, reason: str = ""
) -> StatsSubmission:
    """Apply one reviewing move of :data:`chain.TRANSITIONS` (accept, return, unapprove)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        sub = (
            StatsSubmission.objects.select_for_update(of=("self",))
            .select_related("unit", "unit__parent")
            .get(pk=submission.pk)
        )
        message = chain.transition_check(
            user=by, action=action, unit=sub.unit, sub=sub, reason=reason
        )
        _refuse(message, field="reason" if message.startswith("请填写") else None)
        before = sub.status
        sub.status = chain.TRANSITIONS[action].target
        now = timezone.now()
        if action == "accept":
            sub.accepted_at, sub.accepted_by = now, by
        else:
            sub.return_reason = reason[: chain.MAX_REASON]
            sub.returned_at, sub.returned_by = now, by
            sub.accepted_at, sub.accepted_by = None, None
        sub.full_clean()
        sub.save()
        data: dict[str, Any] = {"from": before, "to": sub.status}
        if reason:
            data["reason"] = reason[: chain.MAX_REASON]
        log_action(
            sub,
            "anbiao.stats.accepted"
            if action == "accept"
            else ("anbiao.stats.returned" if action == "return" else "anbiao.stats.unapproved"),
            user=by,
            data=data,
        )
    submission.refresh_from_db()
    return sub


def submission_accept(*, by: User, submission: StatsSubmission) -> StatsSubmission:
    """The level above accepts a submitted table: its numbers are locked (no resubmission)."""
    return _move(by=by, submission=submission, action="accept")


def submission_return(*, by: User, submission: StatsSubmission, reason: str) -> StatsSubmission:
    """The level above returns a submitted table for revision, with a reason the unit sees."""
    return _move(by=by, submission=submission, action="return", reason=reason)


def submission_unapprove(*, by: User, submission: StatsSubmission, reason: str) -> StatsSubmission:
    """The level above the accepting one unlocks an accepted table and sends it back (退回),
    with a reason; audited as its own action."""
    return _move(by=by, submission=submission, action="unapprove", reason=reason)
