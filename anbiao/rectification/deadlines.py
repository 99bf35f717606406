"""The rules of a rectification deadline (整改期限) and the extension requests (延期申请).

Rules (dates are Asia/Shanghai calendar dates, :func:`models.local_today`), checked whenever a
deadline is set or changed:

- before today: refused, unless the user confirms it records a past rectification (补录既往整改)
  and gives the reason, which goes on the timeline and into the audit entry;
- more than a year after today: refused until the user confirms it is meant;
- an enterprise's problem 整改中: the enterprise cannot move the deadline itself. It asks for
  an extension (new deadline + reason, :func:`extension_request`); the problem's verifier
  (``rules.is_verifier``: its primary department or the city office) grants or refuses it
  (:func:`extension_decide`). A grant moves ``Problem.deadline`` — so overdue, the lists, the
  home cards and 动态清零 all use the granted date — and bumps the problem's version.

Each request and decision is a timeline event and an audit entry.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anbiao.core.audit import log_action
from anbiao.orgs.models import OrgKind
from anbiao.rectification.models import (
    DeadlineExtension,
    ExtensionStatus,
    Problem,
    ProblemStatus,
    local_today,
)
from anbiao.rectification.rules import MAX_REASON, is_owner_writer, is_verifier

if TYPE_CHECKING:
    from anbiao.accounts.models import User

OPEN_FOR_DECISION = (ProblemStatus.IN_PROGRESS, ProblemStatus.AWAITING)


def one_year_after(day: date) -> date:
    """The same calendar day a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def needs_extension(problem: Problem) -> bool:
    """Whether the deadline may move only by an extension the verifier grants."""
    return (
        problem.status == ProblemStatus.IN_PROGRESS
        and problem.organization.kind == OrgKind.ENTERPRISE
        and problem.deadline is not None
    )


def deadline_check(
    *,
    problem: Problem,
    deadline: date | None,
    confirm_past: bool = False,
    past_reason: str = "",
    confirm_far: bool = False,
) -> str:
    """Check a new deadline of ``problem`` (see the module doc); the note for the timeline.

    Raises ValidationError on ``deadline`` (codes ``needs_extension``, ``past``, ``far``) or
    ``past_reason``; returns "" or “补录既往整改：<reason>”.
    """
    if needs_extension(problem):
        raise ValidationError(
            {
                "deadline": ValidationError(
                    "整改中的问题不能直接修改整改期限。如需延期，请在问题页“申请延期”，"
                    "经验收单位同意后生效。",
                    code="needs_extension",
                )
            }
        )
    if deadline is None:
        return ""
    today = local_today()
    if deadline < today:
        reason = (past_reason or "").strip()
        if not confirm_past:
            raise ValidationError(
                {
                    "deadline": ValidationError(
                        f"整改期限 {deadline:%Y-%m-%d} 早于今天（{today:%Y-%m-%d}）。如确为补录"
                        "已完成或已过期限的整改，请勾选“补录既往整改”并填写原因后再保存。",
                        code="past",
                    )
                }
            )
        if not reason:
            raise ValidationError({"past_reason": "请填写补录既往整改的原因。"})
        if len(reason) > MAX_REASON:
            raise ValidationError({"past_reason": f"原因不超过 {MAX_REASON} 字。"})
        return f"补录既往整改（期限 {deadline:%Y-%m-%d}）：{reason}"
    far_check(deadline, confirm_far=confirm_far, field="deadline")
    return ""


def far_check(deadline: date, *, confirm_far: bool, field: str) -> None:
    """A deadline more than a year out needs ``confirm_far`` (ValidationError code ``far``)."""
    limit = one_year_after(local_today())
    if deadline > limit and not confirm_far:
        raise ValidationError(
            {
                field: ValidationError(
                    f"整改期限 {deadline:%Y-%m-%d} 距今超过一年，请核对；确需如此，"
                    "请勾选“确认期限超过一年”后再保存。",
                    code="far",
                )
            }
        )


def _locked(problem: Problem) -> Problem:
    return (
        Problem.objects.select_for_update(of=("self",))
        .select_related("organization__enterprise")
        .get(pk=problem.pk)
    )


@transaction.atomic
def extension_request(
    *,
    by: User,
    problem: Problem,
    new_deadline: date | None,
    reason: str,
    confirm_far: bool = False,
) -> DeadlineExtension:
    """The enterprise asks to move the deadline of its problem 整改中 (one pending at a time).

    Raises ValidationError naming the field; nothing written on error.
    """
    from anbiao.rectification.services import _actor_message, _event

    problem = _locked(problem)
    if not is_owner_writer(by, problem):
        raise ValidationError(_actor_message("owner", "申请延期", problem))
    if not needs_extension(problem):
        if problem.status != ProblemStatus.IN_PROGRESS:
            raise ValidationError(
                f"当前状态为“{problem.get_status_display()}”，不能申请延期"
                "（只有“整改中”的问题需要申请延期）。"
            )
        raise ValidationError("该问题的整改期限可在“填写五定”中直接修改，无需申请延期。")
    if problem.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError("该问题已有一个待审批的延期申请，请等待验收单位审批。")
    errors: dict[str, str] = {}
    text = (reason or "").strip()
    if not text:
        errors["reason"] = "请填写延期原因。"
    elif len(text) > MAX_REASON:
        errors["reason"] = f"延期原因不超过 {MAX_REASON} 字。"
    assert problem.deadline is not None  # needs_extension
    if new_deadline is None:
        errors["new_deadline"] = "请填写延期后的整改期限。"
    elif new_deadline <= problem.deadline:
        errors["new_deadline"] = (
            f"延期后的整改期限须晚于现在的整改期限（{problem.deadline:%Y-%m-%d}）。"
        )
    elif new_deadline < local_today():
        errors["new_deadline"] = "延期后的整改期限不能早于今天。"
    if errors:
        raise ValidationError(errors)
    assert new_deadline is not None
    far_check(new_deadline, confirm_far=confirm_far, field="new_deadline")
    extension = DeadlineExtension(
        problem=problem,
        old_deadline=problem.deadline,
        new_deadline=new_deadline,
        reason=text,
        requested_by=by,
    )
    extension.full_clean()
    try:
        with transaction.atomic():
            extension.save()
    except IntegrityError as exc:  # a second request in the same instant
        raise ValidationError("该问题已有一个待审批的延期申请，请等待验收单位审批。") from exc
    _event(
        problem,
        action="extend_request",
        by=by,
        from_status=problem.status,
        to_status=problem.status,
        reason=f"申请将整改期限由 {problem.deadline:%Y-%m-%d} 延至 {new_deadline:%Y-%m-%d}：{text}",
    )
    log_action(
        extension,
        "anbiao.problem.extension_requested",
        user=by,
        organization=problem.organization,
        data={
            "problem": str(problem.pk),
            "old": problem.deadline.isoformat(),
            "new": new_deadline.isoformat(),
            "reason": text,
        },
    )
    return extension


@transaction.atomic
def extension_decide(
    *, by: User, extension: DeadlineExtension, grant: bool, reason: str = ""
) -> DeadlineExtension:
    """The verifier grants (the deadline moves) or refuses (a reason is needed) a request.

    Raises ValidationError; nothing written on error.
    """
    from anbiao.rectification.services import _actor_message, _event

    extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    problem = _locked(extension.problem)
    label = "审批延期申请"
    if not is_verifier(by, problem):
        raise ValidationError(_actor_message("supervisor", label, problem))
    if not extension.is_pending:
        who = extension.decided_by.display_name if extension.decided_by else "他人"
        raise ValidationError(f"该延期申请已由{who}审批（{extension.get_status_display()}）。")
    if problem.status not in OPEN_FOR_DECISION:
        raise ValidationError(
            f"当前状态为“{problem.get_status_display()}”，不能再审批该问题的延期申请。"
        )
    text = (reason or "").strip()
    if not grant and not text:
        raise ValidationError({"reason": "请填写不同意延期的原因。"})
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": f"审批意见不超过 {MAX_REASON} 字。"})
    now = timezone.now()
    extension.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    extension.decided_by = by
    extension.decided_org = by.organization
    extension.decided_at = now
    extension.decision_reason = text
    extension.full_clean()
    extension.save()
    old = problem.deadline
    if grant:
        problem.deadline = extension.new_deadline
        problem.lock_version += 1  # an open 五定 form of the old deadline is now stale
        problem.save(update_fields=["deadline", "lock_version", "updated_at"])
    span = f"{old:%Y-%m-%d} → {extension.new_deadline:%Y-%m-%d}" if old else ""
    _event(
        problem,
        action="extend_grant" if grant else "extend_refuse",
        by=by,
        from_status=problem.status,
        to_status=problem.status,
        reason=f"整改期限 {span}" + (f"：{text}" if text else "")
        if grant
        else f"申请延至 {extension.new_deadline:%Y-%m-%d}，不同意：{text}",
    )
    log_action(
        problem,
        "anbiao.problem.extension_granted" if grant else "anbiao.problem.extension_refused",
        user=by,
        organization=problem.organization,
        data={
            "extension": extension.pk,
            "old": old.isoformat() if old else None,
            "new": extension.new_deadline.isoformat(),
            "reason": text,
            **({"edit": problem.lock_version} if grant else {}),
        },
    )
    return extension
