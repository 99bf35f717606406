"""Writes of good experiences and work mechanisms. Each runs in a transaction and is audited."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anbiao.core.audit import log_action
from anbiao.core.models import StoredFile
from anbiao.core.uploads import store_upload
from anbiao.core.versioning import claim, conflict
from anbiao.orgs.models import OrgKind
from anbiao.orgs.scope import stamp
from anbiao.records.models import EVIDENCE_RULE, Record, RecordKind, RecordStatus
from anbiao.records.selectors import can_select

if TYPE_CHECKING:
    from anbiao.accounts.models import User

MAX_EVIDENCE = 20


def _check_date(date: dt.date) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天。"})


def _check_kind(*, kind: str, by: User) -> None:
    org = by.organization
    if kind not in RecordKind.values:
        raise ValidationError({"kind": "类别无效。"})
    if kind == RecordKind.MECHANISM and (org is None or org.kind == OrgKind.ENTERPRISE):
        raise ValidationError({"kind": "工作机制只能由政府部门、乡镇（街道）或市安委办填报。"})


def _store(upload: UploadedFile, *, by: User, purpose: str, field: str) -> StoredFile:
    try:
        return store_upload(upload, by=by, organization=by.organization, purpose=purpose)
    except ValidationError as exc:
        raise ValidationError({field: f"{upload.name}：{'；'.join(exc.messages)}"}) from exc


@transaction.atomic
def record_create(
    *,
    by: User,
    kind: str,
    title: str,
    summary: str,
    date: dt.date,
    category: str = "",
    document: UploadedFile | None = None,
    evidence: list[UploadedFile] | None = None,
) -> Record:
    """Create a draft record for the user's organization; evidence may come along at once."""
    _check_kind(kind=kind, by=by)
    _check_date(date)
    if kind == RecordKind.MECHANISM:
        category = ""
    elif not category:
        raise ValidationError({"category": "请选择经验做法的类型。"})
    record = Record(
        kind=kind,
        organization=by.organization,
        title=title.strip(),
        summary=summary.strip(),
        category=category,
        date=date,
        created_by=by,
    )
    if document is not None:
        record.document = _store(document, by=by, purpose="工作机制文件", field="document")
    record.full_clean()
    record.save()
    for upload in evidence or []:
        record.evidence.add(_store(upload, by=by, purpose="佐证材料", field="evidence"))
    log_action(record, "anbiao.record.created", user=by, data={"kind": kind, "title": title})
    return record


RECORD_LABELS = {
    "title": "标题",
    "summary": "内容摘要",
    "date": "日期",
    "category": "类型",
    "document": "建立机制的文件",
}


@transaction.atomic
def record_update(
    *,
    by: User,
    record: Record,
    title: str,
    summary: str,
    date: dt.date,
    category: str = "",
    document: UploadedFile | None = None,
    expected_version: int | None = None,
) -> Record:
    """Change the text of a record of the user's own organization.

    ``expected_version`` is the version the edit form showed (None only for system callers);
    a stale one raises ``core.versioning.EditConflict`` and nothing is written.
    """
    if record.organization_id != by.organization_id:
        raise ValidationError("只能修改本单位的记录。")
    if not claim(Record, pk=record.pk, expected=expected_version):
        raise conflict(record, what="该记录", labels=RECORD_LABELS)
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.kind == RecordKind.EXPERIENCE and not category:
        raise ValidationError({"category": "请选择经验做法的类型。"})
    _check_date(date)
    before = {k: getattr(record, k) for k in ("title", "summary", "date", "category")}
    record.title = title.strip()
    record.summary = summary.strip()
    record.date = date
    record.category = category if record.kind == RecordKind.EXPERIENCE else ""
    changed = [k for k, v in before.items() if getattr(record, k) != v]
    if document is not None:
        record.document = _store(document, by=by, purpose="工作机制文件", field="document")
        changed.append("document")
    record.full_clean()
    record.save()
    log_action(
        record,
        "anbiao.record.updated",
        user=by,
        data={"title": record.title, "edit": record.version, "changed": changed},
    )
    return record


@transaction.atomic
def record_evidence_add(
    *, by: User, record: Record, uploads: list[UploadedFile]
) -> list[StoredFile]:
    """Attach evidence files (佐证材料) to a record of the user's own organization."""
    if record.organization_id != by.organization_id:
        raise ValidationError("只能为本单位的记录上传佐证材料。")
    if not uploads:
        raise ValidationError({"evidence": "请选择要上传的佐证材料文件。"})
    if record.evidence.count() + len(uploads) > MAX_EVIDENCE:
        raise ValidationError({"evidence": f"每条记录最多 {MAX_EVIDENCE} 份佐证材料。"})
    stored = [_store(u, by=by, purpose="佐证材料", field="evidence") for u in uploads]
    record.evidence.add(*stored)
    log_action(
        record,
        "anbiao.record.evidence_added",
        user=by,
        data={"files": [s.original_name for s in stored], "sha256": [s.sha256 for s in stored]},
    )
    return stored


@transaction.atomic
def record_evidence_remove(*, by: User, record: Record, stored: StoredFile) -> Record:
    """Detach one evidence file. Removing the last one returns a submitted record to draft."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.organization_id != by.organization_id:
        raise ValidationError("只能删除本单位记录的佐证材料。")
    record.evidence.remove(stored)
    reverted = False
    if record.status == RecordStatus.SUBMITTED and not record.evidence.exists():
        record.status = RecordStatus.DRAFT
        record.submitted_at = None
        record.is_selected = False
        record.save(update_fields=["status", "submitted_at", "is_selected", "updated_at"])
        reverted = True
    log_action(
        record,
        "anbiao.record.evidence_removed",
        user=by,
        data={"file": stored.original_name, "reverted_to_draft": reverted},
    )
    return record


@transaction.atomic
def record_submit(*, by: User, record: Record) -> Record:
    """草稿 → 已提交, allowed only when the record carries at least one evidence file."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.organization_id != by.organization_id:
        raise ValidationError("只能提交本单位的记录。")
    if record.status != RecordStatus.DRAFT:
        raise ValidationError("该记录已提交。")
    if not record.evidence.exists():
        raise ValidationError(EVIDENCE_RULE)
    if record.kind == RecordKind.MECHANISM and record.document_id is None:
        raise ValidationError("请先上传建立该工作机制的文件。")
    record.status = RecordStatus.SUBMITTED
    record.submitted_at = timezone.now()
    # the statistical scope (primary department, town), kept in step by the registry's writes
    stamped = stamp(record)
    record.save(update_fields=["status", "submitted_at", "updated_at", *stamped])
    log_action(record, "anbiao.record.submitted", user=by)
    return record


@transaction.atomic
def record_withdraw(*, by: User, record: Record) -> Record:
    """已提交 → 草稿 (to correct it); a selected case loses its 优秀案例 mark."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.organization_id != by.organization_id:
        raise ValidationError("只能撤回本单位的记录。")
    if record.status != RecordStatus.SUBMITTED:
        raise ValidationError("只有已提交的记录可以撤回。")
    record.status = RecordStatus.DRAFT
    record.submitted_at = None
    record.is_selected = False
    record.selected_at = None
    record.selected_by = None
    record.save()
    log_action(record, "anbiao.record.withdrawn", user=by)
    return record


@transaction.atomic
def record_select(*, by: User, record: Record, selected: bool) -> Record:
    """Mark or unmark a submitted record as 优秀案例; only its supervising unit may."""
    record = Record.objects.select_for_update().select_related("organization").get(pk=record.pk)
    if not can_select(by, record):
        raise ValidationError("只有上级监管单位可以评选优秀案例。")
    if selected and record.status != RecordStatus.SUBMITTED:
        raise ValidationError("只有已提交且附有佐证材料的记录可以评为优秀案例。")
    record.is_selected = selected
    record.selected_at = timezone.now() if selected else None
    record.selected_by = by if selected else None
    record.save(update_fields=["is_selected", "selected_at", "selected_by", "updated_at"])
    log_action(
        record, "anbiao.record.selected" if selected else "anbiao.record.unselected", user=by
    )
    return record
