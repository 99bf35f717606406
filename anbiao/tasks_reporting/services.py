"""Writes of reporting tasks and submissions (audited), and the .zip of a period's files."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anbiao.core.audit import log_action
from anbiao.core.uploads import store_upload
from anbiao.core.versioning import claim, conflict
from anbiao.obligations.deadlines import MONTHLY_CASE_DAY
from anbiao.orgs.models import Organization, OrgKind
from anbiao.orgs.visibility import enterprises_for_user, organizations_for_user, own_unit_ids
from anbiao.tasks_reporting import deadlines
from anbiao.tasks_reporting.models import (
    LinkedObligation,
    ReportPeriod,
    ReportSubmission,
    ReportTask,
    SubmissionStatus,
    TargetMode,
)

if TYPE_CHECKING:
    from anbiao.accounts.models import User

ISSUER_KINDS = (OrgKind.CITY, OrgKind.DEPARTMENT)


def recipients_resolve(
    *, by: User, mode: str, units: Iterable[Organization] = (), size_class: str = ""
) -> list[Organization]:
    """The units that must submit, resolved once in the creator's scope."""
    org = by.organization
    if org is None or org.kind not in ISSUER_KINDS:
        raise ValidationError("只有市安委办或成员单位可以发布报送任务。")
    if mode == TargetMode.UNITS:
        picked = list(units)
        allowed = set(
            organizations_for_user(by).exclude(pk__in=own_unit_ids(by)).values_list("pk", flat=True)
        )
        if org.kind == OrgKind.DEPARTMENT:
            allowed = set(enterprises_for_user(by).values_list("organization_id", flat=True))
        bad = [u.name for u in picked if u.pk not in allowed]
        if bad:
            raise ValidationError({"units": f"以下单位不在本单位范围内：{'、'.join(bad)}"})
        return picked
    if mode in (TargetMode.DEPARTMENTS, TargetMode.TOWNS):
        if org.kind != OrgKind.CITY:
            raise ValidationError({"target_mode": "成员单位只能向其监管的企业发布报送任务。"})
        kind = OrgKind.DEPARTMENT if mode == TargetMode.DEPARTMENTS else OrgKind.TOWN
        return list(
            Organization.objects.filter(kind=kind, is_active=True).exclude(parent__kind=kind)
        )
    if mode == TargetMode.ENTERPRISES:
        qs = enterprises_for_user(by).filter(is_closed=False, organization__is_active=True)
        if size_class:
            qs = qs.filter(size_class=size_class)
        return [e.organization for e in qs]
    raise ValidationError({"target_mode": "请选择报送对象。"})


@transaction.atomic
def task_create(
    *,
    by: User,
    title: str,
    description: str,
    deadline: dt.date,
    target_mode: str,
    units: Iterable[Organization] = (),
    size_class: str = "",
    needs_files: bool = True,
    needs_text: bool = False,
    recurrence_day: int | None = None,
    linked: str = "",
    confirm_past_deadline: bool = False,
    now: dt.datetime | None = None,
) -> ReportTask:
    """Create a task for the resolved recipients and its first period.

    A deadline already past (before today, Shanghai) is refused unless the issuer confirms it
    (``confirm_past_deadline``): every unit would be late the moment the task appears. A task
    ``linked`` to the monthly case report goes to every member department, each month by the
    25th (the report's own rule), and takes no files or text of its own.
    """
    now = now or timezone.now()
    if linked:
        target_mode, recurrence_day, needs_files, needs_text = _linked_terms(by, linked)
        deadline = _next_case_deadline(deadline)
    if deadline < deadlines.local_today(now) and not confirm_past_deadline:
        raise ValidationError(
            {
                "deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日已过，"
                "报送单位一收到任务即为逾期；确需发布的，请勾选“确认截止时间已过”。"
            }
        )
    recipients = recipients_resolve(by=by, mode=target_mode, units=units, size_class=size_class)
    if not recipients:
        raise ValidationError({"target_mode": "没有符合条件的报送单位。"})
    if not linked:
        _check_needs(needs_files, needs_text)
    task = ReportTask(
        issuer=by.organization,
        title=title.strip(),
        description=description.strip(),
        deadline=deadline,
        target_mode=target_mode,
        size_class=size_class if target_mode == TargetMode.ENTERPRISES else "",
        needs_files=needs_files,
        needs_text=needs_text,
        recurrence_day=recurrence_day,
        linked=linked,
        created_by=by,
    )
    task.full_clean()
    task.save()
    task.recipients.set(recipients)
    periods_ensure(task=task, now=now)
    log_action(
        task,
        "anbiao.report_task.created",
        user=by,
        data={
            "recipients": len(recipients),
            "deadline": deadline.isoformat(),
            "linked": linked,
            "past_deadline_confirmed": deadline < deadlines.local_today(now),
        },
    )
    return task


def _next_case_deadline(day: dt.date) -> dt.date:
    """The first monthly case report deadline (a 25th) on or after ``day``."""
    if day.day <= MONTHLY_CASE_DAY:
        return day.replace(day=MONTHLY_CASE_DAY)
    y, m = deadlines.next_month(day.year, day.month)
    return dt.date(y, m, MONTHLY_CASE_DAY)


def _linked_terms(by: User, linked: str) -> tuple[str, int, bool, bool]:
    """(target mode, day, needs files, needs text) of a task linked to a built-in obligation."""
    if linked != LinkedObligation.CASE_MONTHLY:
        raise ValidationError({"linked": "请选择列表中的一项。"})
    if getattr(by.organization, "kind", None) != OrgKind.CITY:
        raise ValidationError({"linked": "典型执法案例月报由市安委办统一部署。"})
    if ReportTask.objects.filter(linked=linked).exists():
        raise ValidationError({"linked": "已有关联“典型执法案例月报”的报送任务，无需重复发布。"})
    return TargetMode.DEPARTMENTS, MONTHLY_CASE_DAY, False, False


KEEP: Any = object()  # task_update: leave the monthly day as it is


@transaction.atomic
def task_update(
    *,
    by: User,
    task: ReportTask,
    title: str,
    description: str,
    needs_files: bool,
    needs_text: bool,
    deadline: dt.date | None = None,
    recurrence_day: Any = KEEP,
    expected_version: int | None = None,
) -> ReportTask:
    """Change a task's wording and requirements; a one-off task's deadline (its one period's
    too: who is late follows the new date); a monthly task's day for the periods still to
    come (None: no new periods). Recipients and existing monthly periods stay as they are.

    ``expected_version`` is the version the edit form showed (None only for system callers);
    a stale one raises ``core.versioning.EditConflict`` and nothing is written."""
    if task.issuer_id != getattr(by.organization, "pk", None):
        raise ValidationError("只能修改本单位发布的报送任务。")
    if not claim(ReportTask, pk=task.pk, expected=expected_version):
        raise conflict(task, what="报送任务", labels=TASK_LABELS)
    task = ReportTask.objects.select_for_update().get(pk=task.pk)
    _check_needs(needs_files, needs_text)
    before = _editable(task)
    old_description = task.description
    was_recurring = task.is_recurring
    task.title, task.description = title.strip(), description.strip()
    task.needs_files, task.needs_text = needs_files, needs_text
    if not was_recurring and deadline is not None and deadline != task.deadline:
        if deadline < timezone.localtime(task.created_at).date():
            raise ValidationError({"deadline": "截止日期不能早于任务发布日期。"})
        task.periods.filter(deadline=task.deadline).update(deadline=deadline)
        task.deadline = deadline
    if was_recurring and recurrence_day is not KEEP:
        task.recurrence_day = recurrence_day
    task.full_clean()
    task.save()
    after = _editable(task)
    changed: dict[str, Any] = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if task.description != old_description:
        changed["description"] = "已修改"  # the free text itself is not copied into the log
    log_action(
        task,
        "anbiao.report_task.updated",
        user=by,
        data={"changed": changed, "edit": task.version},
    )
    return task


TASK_LABELS = {
    "title": "任务名称",
    "description": "报送要求",
    "deadline": "截止日期",
    "recurrence_day": "每月截止日",
    "needs_files": "需上传文件",
    "needs_text": "需填写文字答复",
}
SUBMISSION_LABELS = {"text": "文字答复", "files": "上传文件"}


def _check_needs(needs_files: bool, needs_text: bool) -> None:
    if not needs_files and not needs_text:
        raise ValidationError({"needs_files": "请至少选择“需上传文件”或“需填写文字答复”之一。"})


def _editable(task: ReportTask) -> dict[str, Any]:
    """What :func:`task_update` may change (but the free text), as the audit log records it."""
    return {
        "title": task.title,
        "deadline": task.deadline.isoformat(),
        "recurrence_day": task.recurrence_day,
        "needs_files": task.needs_files,
        "needs_text": task.needs_text,
    }


def _label(task: ReportTask, deadline: dt.date) -> str:
    if task.is_recurring:
        return f"{deadline.year}年{deadline.month}月"
    return "本次报送"


def period_deadlines(task: ReportTask, now: dt.datetime) -> list[dt.date]:
    """Deadlines of the periods that exist by ``now``: through this month (or the next, once
    this month's deadline has passed); a one-off task has just its deadline."""
    if not task.is_recurring:
        return [task.deadline]
    day = task.recurrence_day
    assert day is not None  # is_recurring
    today = deadlines.local_today(now)
    until = max(today, task.deadline)
    if deadlines.clamped(until.year, until.month, day) < today:
        y, m = deadlines.next_month(until.year, until.month)
        until = dt.date(y, m, 1)
    first = deadlines.clamped(task.deadline.year, task.deadline.month, day)
    dates = deadlines.monthly_deadlines(first, day, until)
    return [d for d in dates if d >= task.deadline] or [task.deadline]


def periods_ensure(*, task: ReportTask, now: dt.datetime) -> list[ReportPeriod]:
    """Create the periods that are due to exist (idempotent); newest first."""
    existing = {p.deadline for p in task.periods.all()}
    months = {(d.year, d.month) for d in existing}
    for d in period_deadlines(task, now):
        # a monthly task has one period a month, whatever its day was when that one was made
        if d not in existing and not (task.is_recurring and (d.year, d.month) in months):
            ReportPeriod.objects.get_or_create(
                task=task, deadline=d, defaults={"label": _label(task, d)}
            )
    return list(task.periods.order_by("-deadline"))


def _check_unit(by: User, submission: ReportSubmission) -> None:
    if submission.organization_id != getattr(by.organization, "pk", None):
        raise ValidationError("只能修改本单位的报送材料。")


def submission_for(*, period: ReportPeriod, organization: Organization) -> ReportSubmission:
    sub, _ = ReportSubmission.objects.get_or_create(period=period, organization=organization)
    return sub


@transaction.atomic
def submission_save(
    *,
    by: User,
    submission: ReportSubmission,
    text: str,
    uploads: Iterable[UploadedFile] = (),
    expected_version: int | None = None,
) -> ReportSubmission:
    """Save the text answer and add uploaded files (not after submitting, unless returned).

    ``expected_version`` is the version the unit's form showed (None only for system
    callers); a stale one raises ``core.versioning.EditConflict`` and nothing is written."""
    _check_unit(by, submission)
    if submission.period.task.is_case_monthly:
        raise ValidationError("典型执法案例月报请在“执法案例 → 月度报送”中报送。")
    if not claim(ReportSubmission, pk=submission.pk, expected=expected_version):
        raise conflict(submission, what="报送材料", labels=SUBMISSION_LABELS)
    submission = ReportSubmission.objects.select_for_update().get(pk=submission.pk)
    if submission.status == SubmissionStatus.SUBMITTED:
        raise ValidationError("已提交的材料不能修改；如需修改请联系发布单位退回。")
    changed = ["text"] if submission.text != text.strip() else []
    submission.text = text.strip()
    submission.full_clean()
    submission.save()
    names = []
    for up in uploads:
        try:
            stored = store_upload(
                up, by=by, organization=submission.organization, purpose="报送材料"
            )
        except ValidationError as exc:
            raise ValidationError({"files": f"{up.name}：{'；'.join(exc.messages)}"}) from exc
        submission.files.add(stored)
        names.append(stored.original_name)
    if names:
        changed.append("files")
    log_action(
        submission,
        "anbiao.report_submission.saved",
        user=by,
        data={"files": names, "edit": submission.version, "changed": changed},
    )
    return submission


@transaction.atomic
def submission_file_remove(*, by: User, submission: ReportSubmission, file_id: Any) -> None:
    """Remove a file from a submission not yet submitted (the stored file stays for the audit)."""
    _check_unit(by, submission)
    if submission.status == SubmissionStatus.SUBMITTED:
        raise ValidationError("已提交的材料不能修改。")
    stored = submission.files.filter(pk=file_id).first()
    if stored is None:
        raise ValidationError("文件不存在。")
    submission.files.remove(stored)
    log_action(
        submission,
        "anbiao.report_submission.file_removed",
        user=by,
        data={"file": stored.original_name},
    )


@transaction.atomic
def submission_submit(*, by: User, submission: ReportSubmission) -> ReportSubmission:
    """Submit: the files and/or text the task asks for must be there."""
    submission = ReportSubmission.objects.select_for_update().get(pk=submission.pk)
    _check_unit(by, submission)
    if submission.period.task.is_case_monthly:
        raise ValidationError("典型执法案例月报请在“执法案例 → 月度报送”中报送。")
    if submission.status == SubmissionStatus.SUBMITTED:
        raise ValidationError("已提交，无需重复提交。")
    task = submission.period.task
    errors = {}
    if task.needs_files and not submission.files.exists():
        errors["files"] = "请先上传报送文件。"
    if task.needs_text and not submission.text.strip():
        errors["text"] = "请填写文字答复。"
    if errors:
        raise ValidationError(errors)
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.submitted_by = by
    submission.save()
    log_action(submission, "anbiao.report_submission.submitted", user=by)
    return submission


@transaction.atomic
def submission_return(*, by: User, submission: ReportSubmission, reason: str) -> ReportSubmission:
    """The issuer returns a submission with a reason; the unit edits and submits again."""
    submission = ReportSubmission.objects.select_for_update().get(pk=submission.pk)
    if submission.period.task.issuer_id not in own_unit_ids(by):
        raise ValidationError("只有发布单位可以退回。")
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError("只能退回已提交的材料。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回原因。"})
    submission.status = SubmissionStatus.RETURNED
    submission.return_reason = reason.strip()
    submission.returned_at = timezone.now()
    submission.save()
    log_action(
        submission, "anbiao.report_submission.returned", user=by, data={"reason": reason.strip()}
    )
    return submission


# --- the .zip of a period ---------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def safe_zip_name(name: str, fallback: str = "文件") -> str:
    """A single path component safe on Windows: no ``\\/:*?"<>|``, no control characters,
    no leading/trailing dots or spaces (so never ``..``), not a reserved device name."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    if cleaned.split(".")[0].upper() in {"CON", "PRN", "AUX", "NUL"} | {
        f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)
    }:
        cleaned = f"_{cleaned}"
    return cleaned[:120] or fallback


def _unique(name: str, used: set[str]) -> str:
    if name not in used:
        used.add(name)
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while True:
        candidate = f"{stem}（{n}）{'.' + ext if ext else ''}"
        if candidate not in used:
            used.add(candidate)
            return candidate
        n += 1


def period_zip(*, period: ReportPeriod) -> bytes:
    """All submitted files of a period: one folder per unit (named by the unit), the text
    answer as 文字答复.txt."""
    buf = io.BytesIO()
    subs = (
        period.submissions.filter(status=SubmissionStatus.SUBMITTED)
        .select_related("organization")
        .prefetch_related("files")
        .order_by("organization__name")
    )
    folders: set[str] = set()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for sub in subs:
            folder = _unique(safe_zip_name(sub.organization.name, "单位"), folders)
            used: set[str] = set()
            if sub.text:
                zf.writestr(f"{folder}/{_unique('文字答复.txt', used)}", sub.text.encode("utf-8"))
            for stored in sub.files.all():
                name = _unique(safe_zip_name(stored.original_name), used)
                with stored.file.open("rb") as fh:
                    zf.writestr(f"{folder}/{name}", fh.read())
    return buf.getvalue()
