"""Writes of problems: record, 五定, evidence, and the ONE state machine of rectification.

The state machine (the table ``TRANSITIONS`` and who may act live in :mod:`.rules`; nothing but
this module changes ``Problem.status``)::

    (record) ─▶ 待整改 ──start(责任单位)──▶ 整改中 ──submit(责任单位)──▶ 已整改待验收
                                             ▲                            │
                                             └──reject(监管单位, 原因)────┤
                                                                          └─verify(监管单位)─▶ 已销号
    已销号 ──reopen(责任单位, 原因)──▶ 整改中 (验收 cleared: it must be verified again)
    any active state ──withdraw(系统：存在问题行被删除)──▶ 已撤销

Who acts (:func:`actor_allowed`):
- "owner" actions (start, submit, reopen, 五定, evidence): writers (单位管理员/填报员/主要负责人) of the
  responsible organization. 查看/网格员 and the 三员 may not.
- "supervisor" actions (verify, reject): writers of the supervising unit — for an enterprise its
  PRIMARY department (or a sub-unit of it) and the city office; for a government unit the city
  office. Towns and co-supervising departments see the problem but do not verify it.

Rules: leaving 待整改 needs 整改措施, 责任人 and 整改期限; a 重大 problem also needs 资金 and
应急预案 (text or file) — all of 五定. Submitting for verification needs at least one
整改后 evidence file. Rejecting and reopening need a reason (a 已销号 problem's text is
fixed: the checklist changes it only after a reopen). Every step writes a :class:`ProblemTransition`
(the timeline) and an audit entry. The deadline rules (past, more than a year out, an
enterprise's deadline while 整改中) and the extension requests live in :mod:`.deadlines`.

Versioning (:mod:`anbiao.core.versioning`): ``Problem.lock_version`` is the version of the
whole problem. The 五定 form and the transition buttons carry it back; a stale one raises
``EditConflict`` (nothing written). Every status change, 五定 save and granted extension
bumps it and logs it as ``data["edit"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anbiao.core.access import WRITER_ROLES
from anbiao.core.audit import log_action
from anbiao.core.uploads import store_upload
from anbiao.core.versioning import EditConflict, claim, conflict
from anbiao.notifications.events import announce
from anbiao.orgs.models import OrgKind
from anbiao.rectification.models import (
    EvidenceStage,
    Problem,
    ProblemEvidence,
    ProblemGrade,
    ProblemSource,
    ProblemStatus,
    ProblemTransition,
)

# The table and who may act (rules.py); callers read them through services too.
from anbiao.rectification.rules import (  # noqa: F401
    CONFLICT_VERBS,
    EVENT_LABELS,
    MAX_DESCRIPTION,
    MAX_REASON,
    PLAN_EDITABLE,
    TRANSITIONS,
    Transition,
    _actor_message,
    actor_allowed,
    allowed_actions,
    is_owner_writer,
    is_verifier,
    transition_check,
)

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.checklists.models import Clause
    from anbiao.orgs.models import Organization


# --- timeline ------------------------------------------------------------------------------


def _event(
    problem: Problem,
    *,
    action: str,
    by: User | None,
    from_status: str,
    to_status: str,
    reason: str = "",
    at: Any = None,
) -> ProblemTransition:
    return ProblemTransition.objects.create(
        problem=problem,
        action=action,
        from_status=from_status,
        to_status=to_status,
        by=by if by is not None and by.pk else None,
        by_org=getattr(by, "organization", None) if by is not None else None,
        at=at or timezone.now(),
        reason=reason[:MAX_REASON],
    )


# --- record --------------------------------------------------------------------------------


def _clean_description(description: str) -> str:
    text = (description or "").strip()
    if not text:
        raise ValidationError({"description": "请填写问题描述。"})
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError({"description": f"问题描述不超过 {MAX_DESCRIPTION} 字。"})
    return text


@transaction.atomic
def problem_record(
    *,
    by: User | None,
    organization: Organization,
    description: str,
    grade: str = ProblemGrade.GENERAL,
    source: str = ProblemSource.INSPECTION,
    clause: Clause | None = None,
    campaign: Campaign | None = None,
    deadline: date | None = None,
    measures: str = "",
    responsible_person: str = "",
    before_files: Sequence[UploadedFile] = (),
    check_permission: bool = True,
) -> Problem:
    """Record a problem found outside a look-back checklist (督导检查) or by hand.

    The inspections app calls this for each finding and keeps its own link table to the
    returned :class:`Problem`. ``by`` must belong to a unit that supervises ``organization``
    (city office; for an enterprise also its departments and its town) unless
    ``check_permission`` is False (system imports). ``deadline``/``measures``/
    ``responsible_person`` may carry what the inspector required (限期整改). ``before_files``
    are stored as 整改前 evidence. Raises ValidationError with Chinese messages; nothing is
    written on error.
    """
    from anbiao.orgs.visibility import supervises

    if source not in ProblemSource.values:
        raise ValidationError({"source": "问题来源不正确。"})
    if grade not in ProblemGrade.values:
        raise ValidationError({"grade": "问题等级只能是“一般”或“重大”。"})
    if source == ProblemSource.ENTERPRISE_SELF and organization.kind != OrgKind.ENTERPRISE:
        raise ValidationError({"source": "“企业自查”问题的责任单位须为企业。"})
    if source == ProblemSource.GOVERNMENT_SELF and organization.kind == OrgKind.ENTERPRISE:
        raise ValidationError({"source": "“政府部门自查”问题的责任单位须为政府部门。"})
    if check_permission:
        if by is None or not by.has_role(*WRITER_ROLES):
            raise ValidationError("您没有登记问题的权限。")
        own = by.organization_id == organization.pk
        if source == ProblemSource.INSPECTION and not supervises(by, organization):
            raise ValidationError(
                f"您的单位不监管“{organization.name}”，不能为其登记督导检查问题。"
            )
        if source != ProblemSource.INSPECTION and not own:
            raise ValidationError("自查问题只能由本单位登记。")
    text = _clean_description(description)
    problem = Problem(
        organization=organization,
        source=source,
        campaign=campaign,
        clause=clause,
        description=text,
        grade=grade,
        recorded_by=by if by is not None and by.pk else None,
        recorded_org=getattr(by, "organization", None),
        deadline=deadline,
        measures=(measures or "").strip(),
        responsible_person=(responsible_person or "").strip(),
    )
    problem.full_clean()
    problem.save()
    _event(problem, action="record", by=by, from_status="", to_status=problem.status)
    for upload in before_files:
        _evidence_store(problem, by=by, stage=EvidenceStage.BEFORE, upload=upload)
    log_action(
        problem,
        "anbiao.problem.recorded",
        user=by,
        organization=organization,
        data={"source": source, "grade": grade, "clause": getattr(clause, "pk", None)},
    )
    if problem.recorded_org_id and problem.recorded_org_id != organization.pk:
        announce("problem_recorded", problem.pk)  # 新问题待整改, to the responsible unit
    return problem


# --- 五定 -----------------------------------------------------------------------------------


@dataclass
class PlanInput:
    """The 五定 as typed by the user (and the grade, which the responsible unit may raise).

    ``confirm_past`` + ``past_reason``: the user confirms a deadline before today records a
    past rectification (补录); ``confirm_far``: a deadline more than a year out is meant.
    """

    measures: str = ""
    responsible_person: str = ""
    deadline: date | None = None
    funds: Decimal | None = None
    contingency_plan: str = ""
    grade: str = ProblemGrade.GENERAL
    confirm_past: bool = False
    past_reason: str = ""
    confirm_far: bool = False


def plan_conflict(problem: Problem) -> EditConflict:
    """The conflict on a problem someone changed since the page was loaded."""
    return conflict(
        problem, what="五定", field="lock_version", labels=_PLAN_LABELS, verbs=CONFLICT_VERBS
    )


@transaction.atomic
def problem_plan_save(
    *,
    by: User,
    problem: Problem,
    data: PlanInput,
    contingency_upload: UploadedFile | None = None,
    expected_version: int | None = None,
) -> Problem:
    """Save the 五定 of a problem (责任单位 writers; 待整改 and 整改中 only).

    While 整改中 the 五定 must stay complete (a 重大 problem keeps funds and plan), and an
    enterprise keeps its deadline (it asks for an extension instead, :mod:`.deadlines`).
    ``expected_version`` is the ``lock_version`` the form showed (None only for system
    callers); a stale one raises EditConflict. Raises ValidationError naming the field;
    nothing written on either error.
    """
    from anbiao.rectification.deadlines import deadline_check

    if not claim(Problem, pk=problem.pk, expected=expected_version, field="lock_version"):
        raise plan_conflict(problem)
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=problem.pk)
    )
    if not is_owner_writer(by, problem):
        raise ValidationError(_actor_message("owner", "填写五定", problem))
    if problem.status not in PLAN_EDITABLE:
        raise ValidationError(f"当前状态为“{problem.get_status_display()}”，五定已锁定，不能修改。")
    errors: dict[str, str] = {}
    if data.grade not in ProblemGrade.values:
        errors["grade"] = "问题等级只能是“一般”或“重大”。"
    recorded_elsewhere = (
        problem.recorded_org_id is not None and problem.recorded_org_id != problem.organization_id
    )
    if (
        recorded_elsewhere
        and problem.grade == ProblemGrade.MAJOR
        and data.grade == ProblemGrade.GENERAL
    ):
        assert problem.recorded_org is not None  # recorded_elsewhere: its id is set
        errors["grade"] = (
            f"该问题由{problem.recorded_org.name}登记为重大问题，责任单位不能降低等级。"
        )
    if data.funds is not None and data.funds < 0:
        errors["funds"] = "资金不能为负数。"
    if errors:
        raise ValidationError(errors)
    deadline_note = ""
    if data.deadline != problem.deadline:
        deadline_note = deadline_check(
            problem=problem,
            deadline=data.deadline,
            confirm_past=data.confirm_past,
            past_reason=data.past_reason,
            confirm_far=data.confirm_far,
        )
    before = {
        "measures": problem.measures,
        "responsible_person": problem.responsible_person,
        "deadline": problem.deadline,
        "funds": problem.funds,
        "contingency_plan": problem.contingency_plan,
        "grade": problem.grade,
    }
    problem.measures = data.measures.strip()
    problem.responsible_person = data.responsible_person.strip()
    problem.deadline = data.deadline
    problem.funds = data.funds
    problem.contingency_plan = data.contingency_plan.strip()
    problem.grade = data.grade
    if contingency_upload is not None:
        problem.contingency_file = store_upload(
            contingency_upload,
            by=by,
            organization=problem.organization,
            purpose="problem_contingency",
        )
    if problem.status != ProblemStatus.PENDING and problem.five_missing:
        missing = "、".join(problem.five_missing)
        raise ValidationError(f"整改中的问题须保持五定完整，请填写：{missing}。")
    problem.full_clean()
    problem.save()
    changed = [k for k, v in before.items() if getattr(problem, k) != v]
    if contingency_upload is not None:
        changed.append("contingency_file")
    reason = "修改：" + "、".join(_PLAN_LABELS[k] for k in changed) if changed else ""
    if deadline_note:
        reason = f"{reason}；{deadline_note}" if reason else deadline_note
    _event(
        problem,
        action="plan",
        by=by,
        from_status=problem.status,
        to_status=problem.status,
        reason=reason,
    )
    log_action(
        problem,
        "anbiao.problem.plan_saved",
        user=by,
        organization=problem.organization,
        data={
            "changed": changed,
            "grade": problem.grade,
            "edit": problem.lock_version,
            **({"deadline_note": deadline_note} if deadline_note else {}),
        },
    )
    return problem


_PLAN_LABELS = {
    "measures": "整改措施",
    "responsible_person": "责任人",
    "deadline": "整改期限",
    "funds": "资金",
    "contingency_plan": "应急预案",
    "contingency_file": "应急预案文件",
    "grade": "等级",
}


# --- evidence ------------------------------------------------------------------------------


def _evidence_store(
    problem: Problem, *, by: User | None, stage: str, upload: UploadedFile
) -> ProblemEvidence:
    stored = store_upload(
        upload, by=by, organization=problem.organization, purpose=f"problem_{stage}"
    )
    return ProblemEvidence.objects.create(
        problem=problem, stage=stage, stored_file=stored, added_by=by if by and by.pk else None
    )


@transaction.atomic
def problem_evidence_add(
    *, by: User, problem: Problem, stage: str, upload: UploadedFile
) -> ProblemEvidence:
    """Attach a before/after photo or file (责任单位 writers).

    整改前 evidence: while 待整改 or 整改中; 整改后 evidence: while 整改中 only.
    """
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if stage not in EvidenceStage.values:
        raise ValidationError({"stage": "请选择整改前或整改后。"})
    if not is_owner_writer(by, problem):
        raise ValidationError(_actor_message("owner", "上传佐证", problem))
    if stage == EvidenceStage.AFTER and problem.status != ProblemStatus.IN_PROGRESS:
        raise ValidationError(
            {"file": "整改后佐证须在“整改中”状态上传（请先填写五定并开始整改）。"}
        )
    if stage == EvidenceStage.BEFORE and problem.status not in PLAN_EDITABLE:
        raise ValidationError(
            {"file": f"当前状态为“{problem.get_status_display()}”，不能再上传整改前佐证。"}
        )
    try:
        evidence = _evidence_store(problem, by=by, stage=stage, upload=upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    _event(
        problem,
        action="evidence",
        by=by,
        from_status=problem.status,
        to_status=problem.status,
        reason=f"{evidence.get_stage_display()}：{evidence.stored_file.original_name}",
    )
    log_action(
        evidence,
        "anbiao.problem.evidence_added",
        user=by,
        organization=problem.organization,
        data={
            "problem": str(problem.pk),
            "stage": stage,
            "sha256": evidence.stored_file.sha256,
        },
    )
    return evidence


@transaction.atomic
def problem_evidence_remove(*, by: User, evidence: ProblemEvidence) -> None:
    """Detach a wrongly uploaded file (责任单位 writers, while it may still be added; only the
    files the responsible unit put there itself, never another unit's such as the inspector's
    on-site photos).

    The stored file itself is kept (the audit trail names it by SHA-256).
    """
    problem = Problem.objects.select_for_update().get(pk=evidence.problem_id)
    if not is_owner_writer(by, problem):
        raise ValidationError(_actor_message("owner", "删除佐证", problem))
    if evidence.added_by_other_unit:
        raise ValidationError(
            f"“{evidence.stored_file.original_name}”由其他单位（如检查单位）上传，"
            "责任单位不能删除或替换；请另行上传本单位的整改佐证。"
        )
    allowed = (
        (ProblemStatus.IN_PROGRESS,) if evidence.stage == EvidenceStage.AFTER else PLAN_EDITABLE
    )
    if problem.status not in allowed:
        raise ValidationError(
            f"当前状态为“{problem.get_status_display()}”，不能删除{evidence.get_stage_display()}佐证。"
        )
    name = evidence.stored_file.original_name
    _event(
        problem,
        action="evidence_removed",
        by=by,
        from_status=problem.status,
        to_status=problem.status,
        reason=f"{evidence.get_stage_display()}：{name}",
    )
    log_action(
        evidence,
        "anbiao.problem.evidence_removed",
        user=by,
        organization=problem.organization,
        data={"problem": str(problem.pk), "stored_file": str(evidence.stored_file_id)},
    )
    evidence.delete()


# --- transitions ---------------------------------------------------------------------------


def _apply(problem: Problem, *, by: User | None, action: str, reason: str) -> Problem:
    rule = TRANSITIONS[action]
    now = timezone.now()
    previous = problem.status
    problem.status = rule.target
    problem.lock_version += 1
    if action == "verify":
        problem.verified_by = by
        problem.verified_at = now
        problem.closed_at = now
    elif action == "reopen":  # open again: the old verification stays on the timeline only
        problem.verified_by = None
        problem.verified_at = problem.closed_at = None
    elif action == "withdraw":
        problem.withdrawn_at = now
    problem.save()
    if (previous == ProblemStatus.WITHDRAWN) != (rule.target == ProblemStatus.WITHDRAWN):
        # it stops (or starts again) counting: the stored count of the inspection that
        # found it follows in this transaction (anbiao.inspections, ADR 0014)
        problem.inspections.all().recount_problems()
    _event(
        problem, action=action, by=by, from_status=previous, to_status=rule.target, reason=reason
    )
    log_action(
        problem,
        f"anbiao.problem.{action}",
        user=by,
        organization=problem.organization,
        data={"from": previous, "to": rule.target, "reason": reason, "edit": problem.lock_version},
    )
    return problem


@transaction.atomic
def problem_transition(
    *,
    by: User,
    problem: Problem,
    action: str,
    reason: str = "",
    lock_version: int | None = None,
) -> Problem:
    """Move a problem along ``TRANSITIONS[action]`` if ``by`` may; else ValidationError.

    ``lock_version`` (from the page the user saw) refuses a change made on a stale page
    with EditConflict (None only for system callers; the page and the API always send it).
    """
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("organization__enterprise")
        .get(pk=problem.pk)
    )
    if TRANSITIONS.get(action) is not None and TRANSITIONS[action].actor == "system":
        raise ValidationError(_actor_message("system", TRANSITIONS[action].label, problem))
    if lock_version is not None and lock_version != problem.lock_version:
        raise plan_conflict(problem)
    reason = (reason or "").strip()
    message = transition_check(user=by, problem=problem, action=action, reason=reason)
    if message:
        raise ValidationError(message)
    return _apply(problem, by=by, action=action, reason=reason)


@transaction.atomic
def problem_bulk_verify(
    *, by: User, problems: Iterable[Problem], reason: str = ""
) -> list[Problem]:
    """验收通过并销号 several problems at once: all or nothing.

    Each problem is checked by the state machine; if any fails, ValidationError lists every
    failing one by unit and description, and nothing is written.
    """
    ids = [p.pk for p in problems]
    if not ids:
        raise ValidationError("请至少选择一个问题。")
    locked = list(
        Problem.objects.select_for_update(of=("self",))
        .select_related("organization__enterprise")
        .filter(pk__in=ids)
        .order_by("recorded_at", "id")
    )
    if len(locked) != len(set(ids)):
        raise ValidationError("所选问题中有已不存在的记录，请刷新页面后重试。")
    reason = (reason or "").strip()
    failures = []
    for problem in locked:
        message = transition_check(user=by, problem=problem, action="verify", reason=reason)
        if message:
            failures.append(f"{problem.organization.name}“{problem.description[:30]}”：{message}")
    if failures:
        raise ValidationError([f"以下 {len(failures)} 个问题不能验收销号，全部未处理：", *failures])
    return [_apply(p, by=by, action="verify", reason=reason) for p in locked]


@transaction.atomic
def problem_withdraw(*, by: User | None, problem: Problem, reason: str) -> Problem:
    """撤销 (system): the 存在问题 line behind the problem was deleted. Kept for history."""
    return _apply(problem, by=by, action="withdraw", reason=reason)
