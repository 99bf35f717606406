"""Writes of supervision inspections. Each service validates, writes in one transaction and
audits.

State machine: draft 草稿 → completed 已完成 (``inspection_complete``). Only drafts change;
on completion each finding becomes a tracked rectification problem (source 督导检查) of the
inspected organization, linked back through :class:`InspectionProblem`, and the finding's
photos become the problem's 整改前 evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from anbiao.core.audit import log_action
from anbiao.core.transitions import Machine, Transition
from anbiao.core.versioning import claim, conflict
from anbiao.inspections.models import (
    ChecklistDraft,
    Finding,
    FindingPhoto,
    Inspection,
    InspectionProblem,
    InspectionStatus,
)
from anbiao.inspections.photos import parse_browser_position, photo_store
from anbiao.inspections.selectors import can_record, targets_for_user

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.orgs.models import Organization

TRANSITIONS = Machine(
    "督导检查 (inspections.Inspection)",
    InspectionStatus,
    [Transition(InspectionStatus.DRAFT, "complete", InspectionStatus.COMPLETED, "完成检查")],
    initial=[InspectionStatus.DRAFT],
)
MAX_FINDINGS = 100
MAX_PHOTOS = 30


def _check_recorder(by: User) -> None:
    if not can_record(by):
        raise ValidationError("您没有记录督导检查的权限。")


def _check_target(by: User, target: Organization) -> None:
    if not targets_for_user(by).filter(pk=target.pk).exists():
        raise ValidationError({"target": f"“{target.name}”不在本单位的检查范围内。"})


def _check_date(value: date | None) -> None:
    if value is None:
        raise ValidationError({"date": "请填写检查日期。"})
    if value > timezone.localdate():
        raise ValidationError({"date": "检查日期不能晚于今天。"})


def _ensure_draft(inspection: Inspection) -> None:
    if not inspection.is_draft:
        raise ValidationError("该检查已完成，不能再修改。")


@transaction.atomic
def inspection_create(
    *,
    by: User,
    target: Organization,
    date: date,
    inspectors: str,
    summary: str = "",
    campaign: Campaign | None = None,
) -> Inspection:
    """Record a new inspection (草稿) made by the user's unit. Raises ValidationError."""
    _check_recorder(by)
    _check_target(by, target)
    _check_date(date)
    inspection = Inspection(
        inspector=by.organization,
        target=target,
        date=date,
        inspectors=(inspectors or "").strip(),
        summary=(summary or "").strip(),
        campaign=campaign,
        recorded_by=by,
    )
    inspection.full_clean()
    inspection.save()
    log_action(
        inspection,
        "anbiao.inspection.created",
        user=by,
        organization=by.organization,
        data={"target": str(target.pk), "date": date.isoformat()},
    )
    return inspection


INSPECTION_LABELS = {
    "target": "被检查单位",
    "date": "检查日期",
    "inspectors": "检查人员",
    "summary": "检查情况",
}


@transaction.atomic
def inspection_update(
    *,
    by: User,
    inspection: Inspection,
    target: Organization,
    date: date,
    inspectors: str,
    summary: str = "",
    expected_version: int | None = None,
) -> Inspection:
    """Change a draft inspection's header.

    ``expected_version`` is the version the form showed (None only for system callers); a
    stale one raises ``core.versioning.EditConflict`` and nothing is written.
    """
    if not claim(Inspection, pk=inspection.pk, expected=expected_version):
        raise conflict(inspection, what="检查记录", labels=INSPECTION_LABELS)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_recorder(by)
    _ensure_draft(inspection)
    _check_target(by, target)
    _check_date(date)
    before = {k: getattr(inspection, k) for k in ("target_id", "date", "inspectors", "summary")}
    inspection.target = target
    inspection.date = date
    inspection.inspectors = (inspectors or "").strip()
    inspection.summary = (summary or "").strip()
    changed = [k.removesuffix("_id") for k, v in before.items() if getattr(inspection, k) != v]
    inspection.full_clean()
    inspection.save()
    log_action(
        inspection,
        "anbiao.inspection.updated",
        user=by,
        organization=by.organization,
        data={"edit": inspection.version, "changed": changed},
    )
    return inspection


def _store_photos(
    inspection: Inspection,
    *,
    by: User,
    finding: Finding | None,
    photos: list[UploadedFile],
    location: str = "",
) -> list[FindingPhoto]:
    """Each photo kept as it came and watermarked (:mod:`.photos`); ``location`` is the
    browser's geolocation for this upload (empty: none given)."""
    if inspection.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"每次检查最多 {MAX_PHOTOS} 张照片。"})
    browser = parse_browser_position(location)
    stored = []
    for i, upload in enumerate(photos, start=1):
        try:
            kept = photo_store(upload, by=by, inspection=inspection, browser=browser)
        except ValidationError as exc:
            raise ValidationError(
                {"photos": [f"第 {i} 张照片：{m}" for m in exc.messages]}
            ) from exc
        photo = FindingPhoto(inspection=inspection, finding=finding, added_by=by, **kept.fields())
        photo.full_clean()
        photo.save()
        stored.append(photo)
    return stored


def _photo_audit(photos: list[FindingPhoto]) -> list[dict[str, str]]:
    return [{"sha256": p.sha256, "original_sha256": p.original_sha256} for p in photos]


@transaction.atomic
def finding_add(
    *,
    by: User,
    inspection: Inspection,
    description: str,
    grade: str = "general",
    deadline: date | None = None,
    photos: list[UploadedFile] | None = None,
    location: str = "",
) -> Finding:
    """Add one problem found (with optional on-site photos, watermarked; ``location``: the
    browser's geolocation, "纬度,经度[,精度]") to a draft inspection."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_recorder(by)
    _ensure_draft(inspection)
    text = (description or "").strip()
    if not text:
        raise ValidationError({"description": "请填写问题描述。"})
    if grade not in ("general", "major"):
        raise ValidationError({"grade": "问题等级只能是“一般”或“重大”。"})
    if deadline is not None and deadline < inspection.date:
        raise ValidationError({"deadline": "整改期限不能早于检查日期。"})
    if inspection.findings.count() >= MAX_FINDINGS:
        raise ValidationError({"description": f"每次检查最多 {MAX_FINDINGS} 条问题。"})
    last = inspection.findings.aggregate(m=Max("position"))["m"] or 0
    finding = Finding(
        inspection=inspection,
        position=last + 1,
        description=text,
        grade=grade,
        deadline=deadline,
    )
    finding.full_clean()
    finding.save()
    kept = _store_photos(
        inspection, by=by, finding=finding, photos=list(photos or []), location=location
    )
    log_action(
        inspection,
        "anbiao.inspection.finding_added",
        user=by,
        organization=by.organization,
        data={"finding": finding.pk, "grade": grade, "photos": _photo_audit(kept)},
    )
    return finding


@transaction.atomic
def finding_remove(*, by: User, finding: Finding) -> None:
    """Remove a finding (and its photos) from a draft inspection."""
    inspection = Inspection.objects.select_for_update().get(pk=finding.inspection_id)
    _check_recorder(by)
    _ensure_draft(inspection)
    data = {"finding": finding.pk, "description": finding.description[:200]}
    finding.delete()
    log_action(
        inspection,
        "anbiao.inspection.finding_removed",
        user=by,
        organization=by.organization,
        data=data,
    )


@transaction.atomic
def photo_add(
    *, by: User, inspection: Inspection, photos: list[UploadedFile], location: str = ""
) -> int:
    """Attach on-site photos (watermarked, see :func:`finding_add`) to the inspection as a
    whole."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_recorder(by)
    _ensure_draft(inspection)
    if not photos:
        raise ValidationError({"photos": "请选择或拍摄照片。"})
    stored = _store_photos(inspection, by=by, finding=None, photos=photos, location=location)
    log_action(
        inspection,
        "anbiao.inspection.photos_added",
        user=by,
        organization=by.organization,
        data={"count": len(stored), "photos": _photo_audit(stored)},
    )
    return len(stored)


@transaction.atomic
def inspection_complete(*, by: User, inspection: Inspection) -> list[InspectionProblem]:
    """草稿 → 已完成: each finding becomes a tracked problem of the inspected organization.

    The problems have source 督导检查, the inspection's campaign, the finding's grade and
    deadline, the inspecting user as 登记人, and the finding's photos as 整改前 evidence.
    """
    from anbiao.rectification.models import EvidenceStage, ProblemEvidence, ProblemSource
    from anbiao.rectification.services import problem_record

    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_recorder(by)
    _ensure_draft(inspection)
    _check_target(by, inspection.target)
    links = []
    for finding in inspection.findings.order_by("position"):
        # The inspecting unit's scope was checked above; a 网格员 is not a WRITER_ROLE of the
        # rectification app, so its own permission check is skipped here on purpose.
        problem = problem_record(
            by=by,
            organization=inspection.target,
            description=finding.description,
            grade=finding.grade,
            source=ProblemSource.INSPECTION,
            campaign=inspection.campaign,
            deadline=finding.deadline,
            check_permission=False,
        )
        for photo in finding.photos.all():
            ProblemEvidence.objects.create(
                problem=problem,
                stage=EvidenceStage.BEFORE,
                stored_file_id=photo.stored_file_id,
                added_by=by,
            )
        links.append(
            InspectionProblem.objects.create(
                inspection=inspection, finding=finding, problem=problem
            )
        )
    links.extend(_complete_checklist(inspection, by=by))
    before = inspection.status
    after = TRANSITIONS.target("complete", before)
    inspection.status = after
    inspection.completed_by = by
    inspection.completed_at = timezone.now()
    inspection.save(update_fields=["status", "completed_by", "completed_at", "updated_at"])
    log_action(
        inspection,
        "anbiao.inspection.completed",
        user=by,
        organization=by.organization,
        data={"from": before, "to": after, "problems": [str(x.problem_id) for x in links]},
    )
    return links


# --- checklist mode (附件2 for enterprises, 附件1 for government units) ----------------------


@transaction.atomic
def inspection_checklist_start(*, by: User, inspection: Inspection) -> Inspection:
    """Answer the inspection clause by clause: create the inspection checklist of the target
    (purpose=inspection; 附件2 for an enterprise, 附件1 for a department or town, the version of
    the inspection's campaign). Starting again returns the same checklist."""
    from anbiao.checklists.models import ChecklistPurpose
    from anbiao.checklists.services import checklist_start

    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_recorder(by)
    _ensure_draft(inspection)
    if inspection.checklist_id:
        return inspection
    if inspection.campaign is None:
        raise ValidationError("该检查不属于进行中的专项行动，不能按细则检查；请登记发现的问题。")
    checklist = checklist_start(
        by=by,
        organization=inspection.target,
        campaign=inspection.campaign,
        purpose=ChecklistPurpose.INSPECTION,
    )
    inspection.checklist = checklist
    inspection.save(update_fields=["checklist", "updated_at"])
    log_action(
        inspection,
        "anbiao.inspection.checklist_started",
        user=by,
        organization=by.organization,
        data={"checklist": str(checklist.pk)},
    )
    return inspection


@dataclass
class ClauseInput:
    """One clause as typed: result, remarks, 存在问题 lines (one per line)."""

    result: str
    remarks: str
    problems: list[str]


def checklist_validate(
    answers: dict[int, Any], data: dict[int, ClauseInput]
) -> dict[int, list[str]]:
    """The look-back filling rules for every clause typed; {answer pk: [messages]}."""
    from anbiao.checklists.services import AnswerInput, answer_validate

    errors: dict[int, list[str]] = {}
    for pk, row in data.items():
        if pk not in answers:
            raise ValidationError("细则条款不属于本次检查。")
        found = answer_validate(AnswerInput(row.result, row.remarks, row.problems))
        if found:
            errors[pk] = [m for ms in found.values() for m in ms]
    return errors


@transaction.atomic
def inspection_checklist_save(
    *, by: User, inspection: Inspection, data: dict[int, ClauseInput]
) -> int:
    """Save the typed clauses of a draft inspection's checklist; returns how many changed.

    The answers wait in :class:`ChecklistDraft` until completion (the look-back filling rules
    apply now). Raises ValidationError with a message per clause
    (``{"clauses": ["1.（1）：…"]}``); nothing is written on error.
    """
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_recorder(by)
    _ensure_draft(inspection)
    checklist = inspection.checklist
    if checklist is None:
        raise ValidationError("请先开始按细则检查。")
    answers = {
        a.pk: a
        for a in checklist.answers.select_related("clause__item").order_by("clause__position")
    }
    errors = checklist_validate(answers, data)
    if errors:
        raise ValidationError(
            {
                "clauses": [
                    f"{answers[pk].clause.code}：{m}" for pk, ms in errors.items() for m in ms
                ]
            }
        )
    drafts = {d.answer_id: d for d in inspection.checklist_drafts.all()}
    changed = 0
    for pk, row in data.items():
        text = "\n".join(t.strip() for t in row.problems if t.strip())
        new = (row.result, row.remarks.strip(), text)
        draft = drafts.get(pk)
        old = (draft.result, draft.remarks, draft.problems) if draft else ("", "", "")
        if new == old:
            continue
        if any(new):
            d = draft or ChecklistDraft(inspection=inspection, answer=answers[pk])
            d.result, d.remarks, d.problems = new
            d.problem_count = len(d.lines)
            d.full_clean()
            d.save()
        elif draft is not None:
            draft.delete()
        changed += 1
    log_action(
        inspection,
        "anbiao.inspection.checklist_saved",
        user=by,
        organization=by.organization,
        data={"changed": changed},
    )
    return changed


def _complete_checklist(inspection: Inspection, *, by: User) -> list[InspectionProblem]:
    """Write the held answers into the checklist (the rectification sync then tracks
    each line as a problem of the target, source 督导检查) and link those problems."""
    from anbiao.checklists.services import AnswerInput, answer_save
    from anbiao.rectification.models import Problem

    links = []
    for draft in inspection.checklist_drafts.select_related("answer").order_by(
        "answer__clause__position"
    ):
        answer = draft.answer
        answer_save(
            by=by,
            answer=answer,
            expected_version=answer.version,
            data=AnswerInput(draft.result, draft.remarks, draft.lines),
        )
        for problem in Problem.objects.active().filter(answer=answer).order_by("recorded_at", "id"):
            links.append(InspectionProblem.objects.create(inspection=inspection, problem=problem))
    return links
