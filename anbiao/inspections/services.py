"""Writes of supervision inspections. Each service validates, writes in one transaction and
audits.

State machine: draft 草稿 → completed 已完成 (``inspection_complete``). Only drafts change;
on completion each finding becomes a tracked rectification problem (source 督导检查) of the
inspected organization, linked back through :class:`InspectionProblem`, and the finding's
photos become the problem's 整改前 evidence.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from anbiao.core.audit import log_action
from anbiao.core.uploads import store_upload
from anbiao.inspections.models import (
    Finding,
    FindingPhoto,
    Inspection,
    InspectionProblem,
    InspectionStatus,
)
from anbiao.inspections.selectors import can_record, targets_for_user

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.orgs.models import Organization

TRANSITIONS = {"complete": (InspectionStatus.DRAFT, InspectionStatus.COMPLETED)}
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


@transaction.atomic
def inspection_update(
    *,
    by: User,
    inspection: Inspection,
    target: Organization,
    date: date,
    inspectors: str,
    summary: str = "",
) -> Inspection:
    """Change a draft inspection's header."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_recorder(by)
    _ensure_draft(inspection)
    _check_target(by, target)
    _check_date(date)
    inspection.target = target
    inspection.date = date
    inspection.inspectors = (inspectors or "").strip()
    inspection.summary = (summary or "").strip()
    inspection.full_clean()
    inspection.save()
    log_action(inspection, "anbiao.inspection.updated", user=by, organization=by.organization)
    return inspection


def _store_photos(
    inspection: Inspection, *, by: User, finding: Finding | None, photos: list[UploadedFile]
) -> list[FindingPhoto]:
    if inspection.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"每次检查最多 {MAX_PHOTOS} 张照片。"})
    stored = []
    for i, upload in enumerate(photos, start=1):
        try:
            f = store_upload(
                upload,
                by=by,
                organization=inspection.inspector,
                purpose="inspection_photo",
                images_only=True,
            )
        except ValidationError as exc:
            raise ValidationError(
                {"photos": [f"第 {i} 张照片：{m}" for m in exc.messages]}
            ) from exc
        stored.append(
            FindingPhoto.objects.create(
                inspection=inspection, finding=finding, stored_file=f, added_by=by
            )
        )
    return stored


@transaction.atomic
def finding_add(
    *,
    by: User,
    inspection: Inspection,
    description: str,
    grade: str = "general",
    deadline: date | None = None,
    photos: list[UploadedFile] | None = None,
) -> Finding:
    """Add one problem found (with optional on-site photos) to a draft inspection."""
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
    _store_photos(inspection, by=by, finding=finding, photos=list(photos or []))
    log_action(
        inspection,
        "anbiao.inspection.finding_added",
        user=by,
        organization=by.organization,
        data={"finding": finding.pk, "grade": grade, "photos": len(photos or [])},
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
def photo_add(*, by: User, inspection: Inspection, photos: list[UploadedFile]) -> int:
    """Attach on-site photos to the inspection as a whole."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_recorder(by)
    _ensure_draft(inspection)
    if not photos:
        raise ValidationError({"photos": "请选择或拍摄照片。"})
    stored = _store_photos(inspection, by=by, finding=None, photos=photos)
    log_action(
        inspection,
        "anbiao.inspection.photos_added",
        user=by,
        organization=by.organization,
        data={"count": len(stored)},
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
    before, after = TRANSITIONS["complete"]
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
