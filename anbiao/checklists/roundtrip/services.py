"""Writes of the Excel round trip: keep an upload until it is confirmed, then apply it.

Between upload and confirmation the file stays on the server (under MEDIA_ROOT, named by a
random token only the uploader's session knows, removed after a day), never in the browser.
Confirmation reads the kept file again (its sha256 checked), rebuilds the plan against the
database inside the writing transaction and compares it with the preview the user confirmed:
if anything differs, nothing is written. Every change goes through the web form's service
(:func:`anbiao.checklists.services.answer_save`: its rules, optimistic versions, problem sync
and audit entries), all in ONE transaction, plus one audit entry for the upload as a whole.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from anbiao.checklists import services as checklist_services
from anbiao.checklists.models import Checklist
from anbiao.checklists.roundtrip.plan import Plan, build_plan, check_identity
from anbiao.checklists.roundtrip.reader import OfflineFile, WorkbookError, read_offline_file
from anbiao.core.audit import log_action
from anbiao.core.uploads import safe_display_name

if TYPE_CHECKING:
    from django.http import HttpRequest

    from anbiao.accounts.models import User

UPLOAD_DIR = "checklist_workbooks"
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class PlanChanged(Exception):  # noqa: N818 — reads as a domain event
    """The checklist (or the kept file) changed since the preview: show the preview again."""


@dataclass(frozen=True)
class PendingWorkbook:
    """What the session remembers between upload, preview and confirmation."""

    token: str
    checklist: str
    name: str
    sha256: str
    size: int

    def as_session(self) -> dict[str, Any]:
        return self.__dict__.copy()

    @classmethod
    def from_session(cls, data: Any) -> PendingWorkbook | None:
        if not isinstance(data, dict):
            return None
        try:
            pending = cls(**data)
        except TypeError:
            return None
        return pending if _TOKEN.match(str(pending.token)) else None


@dataclass(frozen=True)
class ApplyResult:
    changed: int
    stale: int
    unchanged: int


def _directory() -> Path:
    path = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(pending: PendingWorkbook) -> Path:
    return _directory() / f"{pending.token}.xlsx"


def _purge_old() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for old in _directory().glob("*.xlsx"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def checklist_workbook_store(*, checklist: Checklist, upload: UploadedFile) -> PendingWorkbook:
    """Check an uploaded offline-filling file (safety, type, identity) and keep it on disk.

    Writes nothing to the database. Raises ValidationError with a Chinese message when the file
    cannot be used: not a safe .xlsx, not from the platform, another organization's or another
    checklist's file, or the checklist is locked.
    """
    limit = settings.ANBIAO_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"文件过大（上限 {limit // (1024 * 1024)} MB）。")
    data = upload.read(limit + 1)
    try:
        offline = read_offline_file(data)
        check_identity(checklist, offline)
    except WorkbookError as exc:
        raise ValidationError(exc.message) from exc
    _purge_old()
    pending = PendingWorkbook(
        token=secrets.token_hex(16),
        checklist=str(checklist.pk),
        name=safe_display_name(upload.name or "离线填写.xlsx"),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    _path(pending).write_bytes(data)
    return pending


def checklist_workbook_discard(*, pending: PendingWorkbook) -> None:
    """Remove a kept upload (cancelled, applied, or replaced by another upload)."""
    _path(pending).unlink(missing_ok=True)


def pending_file(pending: PendingWorkbook) -> OfflineFile:
    """The kept upload read again (never trusting an earlier reading); raises WorkbookError."""
    try:
        data = _path(pending).read_bytes()
    except FileNotFoundError as exc:
        raise WorkbookError("上传的文件已过期或不存在，请重新上传。") from exc
    if hashlib.sha256(data).hexdigest() != pending.sha256:
        raise WorkbookError("上传的文件已变化，请重新上传。")
    return read_offline_file(data)


@transaction.atomic
def checklist_workbook_apply(
    *,
    by: User,
    checklist: Checklist,
    pending: PendingWorkbook,
    digest: str,
    request: HttpRequest | None = None,
) -> ApplyResult:
    """Apply a confirmed upload: every change of the plan, in one transaction, or nothing.

    Raises PlanChanged when the plan now differs from the preview the user confirmed (someone
    saved a clause, the checklist was submitted…), WorkbookError when the file cannot be used,
    ValidationError when the checklist service refuses. Stale clauses are never written.
    """
    if pending.checklist != str(checklist.pk):
        raise WorkbookError("上传的文件不属于这份细则，请重新上传。")
    locked = Checklist.objects.select_for_update().get(pk=checklist.pk)
    plan: Plan = build_plan(locked, pending_file(pending))
    if plan.digest() != digest:
        raise PlanChanged
    if plan.issues:
        raise ValidationError("文件中有错误，请改正后重新上传。")
    for change in plan.changes:
        try:
            checklist_services.answer_save(
                by=by,
                answer=change.answer,
                expected_version=change.expected_version,
                data=change.data,
            )
        except checklist_services.AnswerConflict as exc:
            raise PlanChanged from exc
    log_action(
        locked,
        "anbiao.checklist.workbook_imported",
        user=by,
        request=request,
        organization=locked.organization,
        data={
            "file": pending.name,
            "sha256": pending.sha256,
            "changed": [c.answer.clause_id for c in plan.changes],
            "stale": [c.answer.clause_id for c in plan.stale],
            "unchanged": plan.unchanged,
            "added": sum(line.action == "add" for c in plan.changes for line in c.lines),
            "withdrawn": sum(line.action == "withdraw" for c in plan.changes for line in c.lines),
        },
    )
    transaction.on_commit(lambda: checklist_workbook_discard(pending=pending))
    return ApplyResult(changed=len(plan.changes), stale=len(plan.stale), unchanged=plan.unchanged)
