"""Writes of 自查自纠报告. Every change is validated, atomic and audited.

State machine (the only place statuses change)::

    草稿 draft --finalize (needs the principal's signature)--> 已定稿 finalized
    已定稿 finalized --a newer version is finalized--> 已被替换 superseded

A finalized version is never edited; ``report_new_version`` starts the next draft from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from anbiao.core.access import can_sign, can_write
from anbiao.core.audit import log_action
from anbiao.core.signature import decode_canvas_signature
from anbiao.core.transitions import Machine, Transition
from anbiao.core.uploads import store_upload
from anbiao.core.validators import clean_phone_change
from anbiao.core.versioning import claim, conflict
from anbiao.orgs.scope import stamp
from anbiao.reports.models import Report, ReportStatus, ReportVersion, SignatureMethod
from anbiao.reports.selectors import live_facts

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.orgs.models import Organization

# A version is superseded by the platform when the next version of the report is finalized.
TRANSITIONS = Machine(
    "自查自纠报告的版本 (reports.ReportVersion)",
    ReportStatus,
    [
        Transition(ReportStatus.DRAFT, "finalize", ReportStatus.FINALIZED, "定稿"),
        Transition(ReportStatus.FINALIZED, "supersede", ReportStatus.SUPERSEDED, "替换", "system"),
    ],
    initial=[ReportStatus.DRAFT],
)


DRAFT_LABELS = {
    "organization_text": "“回头看”组织开展情况",
    "plan_text": "尚未整改问题及下一步计划",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
}


def _transition(version: ReportVersion, action: str) -> None:
    version.status = TRANSITIONS.target(
        action, version.status, refusal=f"第{version.number}版当前为“{{state}}”，不能执行此操作。"
    )


def _ensure_writer(by: User, report: Report) -> None:
    if getattr(by.organization, "pk", None) != report.organization_id or not can_write(by):
        raise ValidationError("只有本单位的管理员、填报员或主要负责人可以修改本单位的报告。")


def _ensure_draft(version: ReportVersion) -> None:
    if not version.is_draft:
        raise ValidationError("该版本已定稿，不能修改。如需修改请“新建版本”。")


@transaction.atomic
def report_start(*, by: User, campaign: Campaign, organization: Organization) -> Report:
    """The unit's report for ``campaign`` (created with a first draft when missing)."""
    existing = Report.objects.filter(campaign=campaign, organization=organization).first()
    if existing is not None:
        return existing
    if getattr(by.organization, "pk", None) != organization.pk or not can_write(by):
        raise ValidationError("只有本单位的管理员、填报员或主要负责人可以编写报告。")
    report = Report(campaign=campaign, organization=organization, created_by=by)
    report.full_clean()
    report.save()
    version = ReportVersion(
        report=report,
        number=1,
        created_by=by,
        contact_person=organization.contact_person or getattr(by, "full_name", ""),
        contact_phone=organization.contact_phone,
    )
    version.full_clean()
    version.save()
    log_action(report, "anbiao.report.started", user=by, data={"campaign": campaign.pk})
    return report


@dataclass
class DraftInput:
    organization_text: str
    plan_text: str
    contact_person: str = ""
    contact_phone: str = ""


@transaction.atomic
def report_draft_save(
    *, by: User, version: ReportVersion, expected_version: int, data: DraftInput
) -> ReportVersion:
    """Save the free texts of a draft if nobody saved it since the page was loaded.

    ``expected_version`` is the draft's ``edit_version`` the form showed; a stale one raises
    ``core.versioning.EditConflict`` (nothing written).
    """
    if not claim(ReportVersion, pk=version.pk, expected=expected_version, field="edit_version"):
        raise conflict(
            version,
            what="报告草稿",
            field="edit_version",
            audit_obj=version.report,
            match={"version": version.number},
            labels=DRAFT_LABELS,
        )
    version = ReportVersion.objects.select_for_update().select_related("report").get(pk=version.pk)
    _ensure_writer(by, version.report)
    _ensure_draft(version)
    new = {
        "organization_text": data.organization_text.strip(),
        "plan_text": data.plan_text.strip(),
        "contact_person": data.contact_person.strip(),
        "contact_phone": data.contact_phone.strip(),
    }
    # a changed 联系电话 must be a phone number (stored normalized); an unchanged one stays
    new["contact_phone"] = clean_phone_change(
        version.contact_phone, new["contact_phone"], field="contact_phone"
    )
    changed = [k for k, v in new.items() if getattr(version, k) != v]
    if "organization_text" in changed or "plan_text" in changed:
        _unsign(version)
    for key, value in new.items():
        setattr(version, key, value)
    version.full_clean()
    version.save()
    log_action(
        version.report,
        "anbiao.report.draft_saved",
        user=by,
        data={"version": version.number, "edit": version.edit_version, "changed": changed},
    )
    return version


@transaction.atomic
def report_docx_upload(*, by: User, version: ReportVersion, upload: UploadedFile) -> ReportVersion:
    """Keep the user's edited .docx as the text of this draft (checked by content: Word only)."""
    version = ReportVersion.objects.select_for_update().select_related("report").get(pk=version.pk)
    _ensure_writer(by, version.report)
    _ensure_draft(version)
    stored = store_upload(
        upload, by=by, organization=version.report.organization, purpose="report_docx"
    )
    if stored.kind != "docx":
        raise ValidationError(
            {"docx": "请上传 Word 文档（.docx），其他类型的文件不能作为报告正文。"}
        )
    version.edited_docx = stored
    version.edited_docx_at = timezone.now()
    _unsign(version)
    version.save()
    log_action(
        version.report,
        "anbiao.report.docx_uploaded",
        user=by,
        data={"version": version.number, "sha256": stored.sha256},
    )
    return version


def _unsign(version: ReportVersion) -> None:
    """A signature covers the text it was given on: changing the text asks for a new one."""
    if version.signature_file_id is None:
        return
    version.signature_method = ""
    version.signature_file = None
    version.signer_name = ""
    version.signed_by = None
    version.signed_at = None


def _sign(
    version: ReportVersion, *, by: User, method: str, stored: Any, signer_name: str
) -> ReportVersion:
    version = ReportVersion.objects.select_for_update().select_related("report").get(pk=version.pk)
    _ensure_draft(version)
    version.signature_method = method
    version.signature_file = stored
    version.signer_name = signer_name
    version.signed_by = by
    version.signed_at = timezone.now()
    version.full_clean()
    # only the signature fields: the caller's object may hold older texts
    version.save(
        update_fields=[
            "signature_method",
            "signature_file",
            "signer_name",
            "signed_by",
            "signed_at",
            "updated_at",
        ]
    )
    log_action(
        version.report,
        "anbiao.report.signed",
        user=by,
        data={"version": version.number, "method": method, "sha256": stored.sha256},
    )
    return version


@transaction.atomic
def report_sign_drawn(*, by: User, version: ReportVersion, data_url: str) -> ReportVersion:
    """The 主要负责人 signs on screen (canvas PNG)."""
    _ensure_writer(by, version.report)
    _ensure_draft(version)
    if not can_sign(by):
        raise ValidationError({"signature": "只有主要负责人可以在线签字；填报员请上传签字扫描件。"})
    upload = decode_canvas_signature(data_url)
    stored = store_upload(
        upload,
        by=by,
        organization=version.report.organization,
        purpose="report_signature",
        images_only=True,
    )
    return _sign(
        version,
        by=by,
        method=SignatureMethod.DRAWN,
        stored=stored,
        signer_name=getattr(by, "full_name", "") or by.username,
    )


@transaction.atomic
def report_sign_scan(
    *, by: User, version: ReportVersion, upload: UploadedFile, signer_name: str
) -> ReportVersion:
    """A writer uploads the scan (image or PDF) of the report signed by the 主要负责人."""
    _ensure_writer(by, version.report)
    _ensure_draft(version)
    if not signer_name.strip():
        raise ValidationError({"signer_name": "请填写签字的主要负责人姓名。"})
    stored = store_upload(
        upload, by=by, organization=version.report.organization, purpose="report_signature_scan"
    )
    if not (stored.is_image or stored.kind == "pdf"):
        raise ValidationError({"scan": "签字扫描件只接受图片（JPG、PNG）或 PDF。"})
    return _sign(
        version, by=by, method=SignatureMethod.SCAN, stored=stored, signer_name=signer_name.strip()
    )


@transaction.atomic
def report_finalize(*, by: User, version: ReportVersion) -> ReportVersion:
    """Finalize a signed draft: freeze its facts; it replaces the report's previous final."""
    version = ReportVersion.objects.select_for_update().select_related("report").get(pk=version.pk)
    report = Report.objects.select_for_update().get(pk=version.report_id)
    _ensure_writer(by, report)
    _ensure_draft(version)
    errors = {}
    if not version.is_signed:
        errors["signature"] = "定稿须有主要负责人签字（在线签字或上传签字扫描件）。"
    if not version.organization_text.strip() and version.edited_docx_id is None:
        errors["organization_text"] = "请填写“回头看”组织开展情况，或上传修改后的报告（.docx）。"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    _transition(version, "finalize")
    version.finalized_by = by
    version.finalized_at = now
    version.facts = live_facts(version)
    version.full_clean()
    version.save()
    previous = report.counted_version
    if previous is not None and previous.pk != version.pk:
        _transition(previous, "supersede")
        previous.save(update_fields=["status", "updated_at"])
    report.counted_version = version
    report.finalized_at = now
    if report.first_finalized_at is None:
        report.first_finalized_at = now
    # the statistical scope (primary department, town), kept in step by the registry's writes
    stamped = stamp(report)
    report.save(
        update_fields=[
            *("counted_version", "finalized_at", "first_finalized_at", "updated_at"),
            *stamped,
        ]
    )
    log_action(
        report,
        "anbiao.report.finalized",
        user=by,
        data={"version": version.number, "replaces": previous.number if previous else None},
    )
    return version


@transaction.atomic
def report_new_version(*, by: User, report: Report) -> ReportVersion:
    """Start the next draft from the latest version (only when no draft is open)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _ensure_writer(by, report)
    if report.versions.filter(status=ReportStatus.DRAFT).exists():
        raise ValidationError("已有一份草稿，请先完成或继续编辑该草稿。")
    latest = report.versions.order_by("-number").first()
    number = (report.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = ReportVersion(
        report=report,
        number=number,
        created_by=by,
        contact_person=latest.contact_person if latest else "",
        contact_phone=latest.contact_phone if latest else "",
        organization_text=latest.organization_text if latest else "",
        plan_text=latest.plan_text if latest else "",
    )
    version.full_clean()
    version.save()
    log_action(report, "anbiao.report.version_started", user=by, data={"version": number})
    return version
