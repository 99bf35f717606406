"""Writes of problems: record, 五定, evidence, and the ONE state machine of rectification.

The state machine (``TRANSITIONS``; nothing else changes ``Problem.status``)::

    (record) ─▶ 待整改 ──start(责任单位)──▶ 整改中 ──submit(责任单位)──▶ 已整改待验收
                                             ▲                            │
                                             └──reject(监管单位, 原因)────┤
                                                                          └─verify(监管单位)─▶ 已销号
    any active state ──withdraw(系统：存在问题行被删除)──▶ 已撤销

Who acts (:func:`actor_allowed`):
- "owner" actions (start, submit, 五定, evidence): writers (单位管理员/填报员/主要负责人) of the
  responsible organization. 查看/网格员 and the 三员 may not.
- "supervisor" actions (verify, reject): writers of the supervising unit — for an enterprise its
  PRIMARY department (or a sub-unit of it) and the city office; for a government unit the city
  office. Towns and co-supervising departments see the problem but do not verify it.

Rules: leaving 待整改 needs 整改措施, 责任人 and 整改期限; a 重大 problem also needs 资金 and
应急预案 (text or file) — all of 五定. Submitting for verification needs at least one
整改后 evidence file. Rejecting needs a reason. Every step writes a :class:`ProblemTransition`
(the timeline) and an audit entry.
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

from anbiao.core.access import WRITER_ROLES, own_unit_ids
from anbiao.core.audit import log_action
from anbiao.core.uploads import store_upload
from anbiao.orgs.models import OrgKind
from anbiao.rectification.models import (
    ACTIVE_STATUSES,
    EvidenceStage,
    Problem,
    ProblemEvidence,
    ProblemGrade,
    ProblemSource,
    ProblemStatus,
    ProblemTransition,
)

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.checklists.models import Clause
    from anbiao.orgs.models import Organization


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    actor: str  # "owner" | "supervisor" | "system"
    label: str


TRANSITIONS: dict[str, Transition] = {
    "start": Transition((ProblemStatus.PENDING,), ProblemStatus.IN_PROGRESS, "owner", "开始整改"),
    "submit": Transition((ProblemStatus.IN_PROGRESS,), ProblemStatus.AWAITING, "owner", "提交验收"),
    "verify": Transition(
        (ProblemStatus.AWAITING,), ProblemStatus.CLOSED, "supervisor", "验收通过并销号"
    ),
    "reject": Transition(
        (ProblemStatus.AWAITING,), ProblemStatus.IN_PROGRESS, "supervisor", "验收不通过"
    ),
    "withdraw": Transition(tuple(ACTIVE_STATUSES), ProblemStatus.WITHDRAWN, "system", "撤销"),
}

# Timeline labels of the events that do not change the status.
EVENT_LABELS = {
    "record": "登记问题",
    "plan": "填写五定",
    "describe": "问题描述变更",
    "evidence": "上传佐证",
    "evidence_removed": "删除佐证",
    **{name: t.label for name, t in TRANSITIONS.items()},
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
    from anbiao.core.access import supervises

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
    return problem


# --- 五定 -----------------------------------------------------------------------------------


@dataclass
class PlanInput:
    """The 五定 as typed by the user (and the grade, which the responsible unit may raise)."""

    measures: str = ""
    responsible_person: str = ""
    deadline: date | None = None
    funds: Decimal | None = None
    contingency_plan: str = ""
    grade: str = ProblemGrade.GENERAL


@transaction.atomic
def problem_plan_save(
    *,
    by: User,
    problem: Problem,
    data: PlanInput,
    contingency_upload: UploadedFile | None = None,
) -> Problem:
    """Save the 五定 of a problem (责任单位 writers; 待整改 and 整改中 only).

    While 整改中 the 五定 must stay complete (a 重大 problem keeps funds and plan).
    Raises ValidationError naming the field; nothing written on error.
    """
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
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
    if data.deadline is not None and data.deadline < timezone.localtime(problem.recorded_at).date():
        errors["deadline"] = "整改期限不能早于问题登记日期。"
    if errors:
        raise ValidationError(errors)
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
    _event(
        problem,
        action="plan",
        by=by,
        from_status=problem.status,
        to_status=problem.status,
        reason="修改：" + "、".join(_PLAN_LABELS[k] for k in changed) if changed else "",
    )
    log_action(
        problem,
        "anbiao.problem.plan_saved",
        user=by,
        organization=problem.organization,
        data={"changed": changed, "grade": problem.grade},
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
    elif action == "withdraw":
        problem.withdrawn_at = now
    problem.save()
    _event(
        problem, action=action, by=by, from_status=previous, to_status=rule.target, reason=reason
    )
    log_action(
        problem,
        f"anbiao.problem.{action}",
        user=by,
        organization=problem.organization,
        data={"from": previous, "to": rule.target, "reason": reason},
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

    ``lock_version`` (from the page the user saw) refuses a change made on a stale page.
    """
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("organization__enterprise")
        .get(pk=problem.pk)
    )
    if TRANSITIONS.get(action) is not None and TRANSITIONS[action].actor == "system":
        raise ValidationError(_actor_message("system", TRANSITIONS[action].label, problem))
    if lock_version is not None and lock_version != problem.lock_version:
        raise ValidationError("该问题的状态已被他人更新，请刷新页面后再操作。")
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


def problem_withdraw(*, by: User | None, problem: Problem, reason: str) -> Problem:
    """撤销 (system): the 存在问题 line behind the problem was deleted. Kept for history."""
    return _apply(problem, by=by, action="withdraw", reason=reason)
