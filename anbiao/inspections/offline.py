"""Offline inspections (离线检查): drafts recorded on a phone without connection, sent once.

A 网格员's phone keeps each draft in IndexedDB under a UUID it made itself (the draft's
``key``) and posts it when the connection is back (``static/anbiao/js/inspection_offline.js``).
:func:`offline_draft_submit` records it with the inspection services — header
(``inspection_create``), each finding with its photos (``finding_add``: the same upload checks
and watermark, :mod:`.photos`), the inspection's own photos (``photo_add``) — in one
transaction, and keeps the key in :class:`OfflineSubmission` (unique): a replay of the same
key answers with the inspection recorded the first time, never a second one.

What changed on the server while the phone was offline is a :class:`SyncConflict`, answered to
the phone and shown in its queue (nothing written):

- the target is no longer in the unit's scope (moved to another town, closed) — 404, the
  same answer as for another organization's enterprise;
- the draft adds to an inspection recorded online that was completed, edited (its
  ``version``, :mod:`anbiao.core.versioning`) or is no longer the unit's.

A draft that breaks a filling rule (an empty description, a bad photo) is refused with the
Chinese messages naming the problem and the photo; nothing is written either.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anbiao.core.audit import log_action
from anbiao.core.versioning import conflict
from anbiao.inspections import services
from anbiao.inspections.models import Inspection, OfflineSubmission
from anbiao.inspections.photos import photo_check
from anbiao.inspections.selectors import can_record, targets_for_user

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.utils.datastructures import MultiValueDict

    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign

MAX_TEXT = {"inspectors": 200, "summary": 4000, "description": 1000}


class SyncConflict(Exception):  # noqa: N818 — reads as a domain event
    """The server's state changed since the draft was made; nothing was written.

    ``code`` tells the phone which choices to offer; ``status`` is the HTTP answer (404 when
    the object is not, or no longer, the unit's: another organization's never shows).
    """

    def __init__(
        self, code: str, message: str, *, status: int = 409, extra: dict[str, Any] | None = None
    ) -> None:
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra or {}
        super().__init__(message)


@dataclass
class OfflineFinding:
    description: str
    grade: str = "general"
    deadline: dt.date | None = None
    photos: list[UploadedFile] = field(default_factory=list)
    location: str = ""


@dataclass
class OfflineDraft:
    """A draft as the phone sent it (:func:`draft_parse`)."""

    key: uuid.UUID
    owner: str
    target: str
    date: dt.date | None
    inspectors: str = ""
    summary: str = ""
    inspection: str = ""  # an inspection recorded online that the draft adds to
    inspection_version: int | None = None
    findings: list[OfflineFinding] = field(default_factory=list)
    photos: list[UploadedFile] = field(default_factory=list)
    location: str = ""

    @property
    def photo_count(self) -> int:
        return len(self.photos) + sum(len(f.photos) for f in self.findings)


@dataclass(frozen=True)
class SyncResult:
    submission: OfflineSubmission
    replayed: bool


def _date(value: Any, label: str, errors: list[str]) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.append(f"{label}：日期格式应为 2026-01-31。")
        return None


def _text(value: Any, name: str, label: str, errors: list[str]) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT[name]:
        errors.append(f"{label}：不超过 {MAX_TEXT[name]} 字。")
    return text


def _files(
    refs: Any, files: MultiValueDict[str, UploadedFile], label: str, errors: list[str]
) -> list[UploadedFile]:
    found = []
    for n, ref in enumerate(refs if isinstance(refs, list) else [], start=1):
        upload = files.get(f"photo:{ref}")
        if upload is None:
            errors.append(f"{label}第 {n} 张照片未随草稿发送，请重新发送。")
        else:
            found.append(upload)
    return found


def draft_parse(payload: str, files: MultiValueDict[str, UploadedFile]) -> OfflineDraft:
    """The draft the phone posted: the JSON of ``payload`` and its photos (``photo:<id>``).
    Raises ValidationError with Chinese messages naming the field, the problem and the photo."""
    try:
        data = json.loads(payload or "")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ValidationError("草稿内容有误，无法读取；请在本机删除该草稿后重新记录。")
    try:
        key = uuid.UUID(str(data.get("key", "")))
    except ValueError as exc:
        raise ValidationError("草稿编号有误；请在本机删除该草稿后重新记录。") from exc
    errors: list[str] = []
    version = data.get("inspection_version")
    if version is not None and (not isinstance(version, int) or version < 0):
        errors.append("草稿中的检查记录版本号有误。")
        version = None
    findings = []
    raw = data.get("findings")
    for n, f in enumerate(raw if isinstance(raw, list) else [], start=1):
        label = f"第 {n} 条问题："
        if not isinstance(f, dict):
            errors.append(f"{label}内容有误。")
            continue
        findings.append(
            OfflineFinding(
                description=_text(f.get("description"), "description", f"{label}问题描述", errors),
                grade=str(f.get("grade") or "general"),
                deadline=_date(f.get("deadline"), f"{label}整改期限", errors),
                photos=_files(f.get("photos"), files, label, errors),
                location=str(f.get("location") or "")[:80],
            )
        )
    draft = OfflineDraft(
        key=key,
        owner=str(data.get("owner") or ""),
        target=str(data.get("target") or ""),
        date=_date(data.get("date"), "检查日期", errors),
        inspectors=_text(data.get("inspectors"), "inspectors", "检查人员", errors),
        summary=_text(data.get("summary"), "summary", "检查情况", errors),
        inspection=str(data.get("inspection") or ""),
        inspection_version=version,
        findings=findings,
        photos=_files(data.get("photos"), files, "现场照片：", errors),
        location=str(data.get("location") or "")[:80],
    )
    if not draft.inspection:
        if not draft.target:
            errors.append("被检查单位：请选择被检查单位。")
        if draft.date is None and not any(m.startswith("检查日期") for m in errors):
            errors.append("检查日期：请填写检查日期。")
        if not draft.inspectors:
            errors.append("检查人员：请填写检查人员。")
    if errors:
        raise ValidationError(errors)
    return draft


def _check_photos(draft: OfflineDraft) -> None:
    """Every photo refused as the upload would refuse it, before anything is written."""
    errors: list[str] = []
    groups = [(f"第 {n} 条问题：", f.photos) for n, f in enumerate(draft.findings, start=1)]
    for label, photos in [*groups, ("现场照片：", draft.photos)]:
        for i, upload in enumerate(photos, start=1):
            try:
                photo_check(upload)
            except ValidationError as exc:
                errors.extend(f"{label}第 {i} 张照片：{m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)


def _prefixed(exc: ValidationError, label: str) -> ValidationError:
    names = {"description": "问题描述", "grade": "问题等级", "deadline": "整改期限"}
    if hasattr(exc, "error_dict"):
        out: list[str] = []
        for key, messages in exc.message_dict.items():
            name = names.get(key)
            out.extend(
                f"{label}{name + '：' if name and key != 'photos' else ''}{m}" for m in messages
            )
        return ValidationError(out)
    return ValidationError([f"{label}{m}" for m in exc.messages])


def _header_messages(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        [
            f"{services.INSPECTION_LABELS.get(k, '')}{'：' if k in services.INSPECTION_LABELS else ''}{m}"
            for k, ms in exc.message_dict.items()
            for m in ms
        ]
    )


def _replay(by: User, key: uuid.UUID) -> SyncResult | None:
    sub = OfflineSubmission.objects.select_related("inspection").filter(key=key).first()
    if sub is None:
        return None
    if sub.submitted_by_id != by.pk:
        raise SyncConflict(
            "key_taken", "该草稿编号已被其他账号使用；请在本机删除该草稿后重新记录。"
        )
    return SyncResult(sub, replayed=True)


def _out_of_scope() -> SyncConflict:
    return SyncConflict(
        "target_out_of_scope",
        "被检查单位已不在本单位的检查范围内（可能已划转、注销，或不属于本单位），草稿未发送。"
        "请改选被检查单位后再发送，或删除该草稿。",
        status=404,
    )


def _existing(by: User, draft: OfflineDraft) -> Inspection:
    """The inspection recorded online that the draft adds to, locked; a SyncConflict when it
    is no longer the unit's draft or changed since the phone saw it."""
    from anbiao.core.access import own_unit_ids

    try:
        pk = uuid.UUID(draft.inspection)
    except ValueError as exc:
        raise SyncConflict("inspection_gone", "草稿所属的检查记录不存在。", status=404) from exc
    inspection = (
        Inspection.objects.select_for_update()
        .filter(pk=pk, inspector_id__in=own_unit_ids(by))
        .select_related("target")
        .first()
    )
    if inspection is None:
        raise SyncConflict(
            "inspection_gone",
            "草稿所属的检查记录已不存在或不属于本单位，草稿未发送。可改为新建检查后再发送。",
            status=404,
        )
    if not inspection.is_draft:
        at = timezone.localtime(inspection.completed_at) if inspection.completed_at else None
        when = f"已于 {at:%Y-%m-%d %H:%M} " if at else "已"
        raise SyncConflict(
            "inspection_completed",
            f"该检查{when}完成，不能再添加问题，草稿未发送。可改为新建检查后再发送。",
        )
    if draft.inspection_version is not None and inspection.version != draft.inspection_version:
        other = conflict(inspection, what="检查记录", labels=services.INSPECTION_LABELS)
        when = f"于 {timezone.localtime(other.when):%Y-%m-%d %H:%M} " if other.when else ""
        raise SyncConflict(
            "inspection_changed",
            f"发送失败：在您离线记录此草稿之后，{other.who}{when}{other.did}。草稿仍保存在本机，"
            "尚未发送；请核对后选择“仍然发送”，或改为新建检查。",
            extra={"version": other.version},
        )
    if not targets_for_user(by).filter(pk=inspection.target_id).exists():
        raise _out_of_scope()
    return inspection


@transaction.atomic
def _record(*, by: User, draft: OfflineDraft, campaign: Campaign | None) -> SyncResult:
    if draft.inspection:
        inspection = _existing(by, draft)
        created = False
    else:
        target = (
            targets_for_user(by).filter(pk=draft.target).first() if _is_uuid(draft.target) else None
        )
        if target is None:
            raise _out_of_scope()
        assert draft.date is not None  # draft_parse requires it for a new inspection
        try:
            inspection = services.inspection_create(
                by=by,
                target=target,
                date=draft.date,
                inspectors=draft.inspectors,
                summary=draft.summary,
                campaign=campaign,
            )
        except ValidationError as exc:
            raise _header_messages(exc) from exc
        created = True
    # the key first: a concurrent replay waits here for this transaction, then fails on the
    # unique constraint before writing anything (and answers with this inspection)
    submission = OfflineSubmission(
        key=draft.key,
        inspection=inspection,
        submitted_by=by,
        created_inspection=created,
        findings=len(draft.findings),
        photos=draft.photo_count,
    )
    submission.full_clean(validate_constraints=False)
    submission.save()
    for n, f in enumerate(draft.findings, start=1):
        try:
            services.finding_add(
                by=by,
                inspection=inspection,
                description=f.description,
                grade=f.grade,
                deadline=f.deadline,
                photos=f.photos,
                location=f.location,
            )
        except ValidationError as exc:
            raise _prefixed(exc, f"第 {n} 条问题：") from exc
    if draft.photos:
        try:
            services.photo_add(
                by=by, inspection=inspection, photos=draft.photos, location=draft.location
            )
        except ValidationError as exc:
            raise _prefixed(exc, "现场照片：") from exc
    log_action(
        inspection,
        "anbiao.inspection.offline_synced",
        user=by,
        organization=by.organization,
        data={
            "key": str(draft.key),
            "created": created,
            "findings": len(draft.findings),
            "photos": draft.photo_count,
        },
    )
    return SyncResult(submission, replayed=False)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def offline_draft_submit(
    *, by: User, draft: OfflineDraft, campaign: Campaign | None = None
) -> SyncResult:
    """Record a draft sent from a phone exactly once (see the module docstring).

    Returns the submission (``replayed`` when the key was received before); raises
    :class:`SyncConflict` or ValidationError, having written nothing but, for a conflict, its
    audit entry.
    """
    if not can_record(by):
        raise ValidationError("您没有记录督导检查的权限。")
    if draft.owner and draft.owner != str(by.pk):
        raise SyncConflict(
            "owner", "此草稿由本机的另一个账号记录，请用该账号登录后发送。", status=409
        )
    found = _replay(by, draft.key)
    if found is not None:
        return found
    try:
        _check_photos(draft)
        return _record(by=by, draft=draft, campaign=campaign)
    except SyncConflict as exc:
        log_action(
            None,
            "anbiao.inspection.offline_conflict",
            user=by,
            organization=by.organization,
            data={
                "key": str(draft.key),
                "code": exc.code,
                "target": draft.target,
                "inspection": draft.inspection,
            },
        )
        raise
    except IntegrityError:
        found = _replay(by, draft.key)  # the same key received meanwhile
        if found is not None:
            return found
        raise
