"""Demo 自查自纠报告 (deterministic, idempotent): finalized reports for the units whose look-back
was accepted in the demo campaign (so 附件3 columns 5–6 show figures), one with two versions."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from anbiao.campaigns.demo import DEMO_CAMPAIGN
from anbiao.campaigns.models import Campaign
from anbiao.checklists.models import Checklist, ChecklistPurpose, ChecklistStatus
from anbiao.core.models import StoredFile
from anbiao.orgs.demo import principal_names
from anbiao.reports.models import Report, ReportStatus, ReportVersion, SignatureMethod
from anbiao.reports.selectors import live_facts

ORGANIZED = (
    "本单位接到“回头看”通知后，由主要负责人牵头成立工作小组，对照细则逐条开展自查，"
    "对发现的问题逐项登记、明确责任人和整改期限。"
)
PLAN = "对尚未销号的问题，按整改期限逐项落实，完成后报主管部门验收销号。"


def _signature_file(organization: Any) -> StoredFile:
    import hashlib

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(img).line((20, 70, 90, 30, 160, 75, 230, 25, 280, 60), fill="navy", width=4)
    out = io.BytesIO()
    img.save(out, format="PNG")
    data = out.getvalue()
    stored = StoredFile(
        original_name="签字.png",
        content_type="image/png",
        kind="png",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        organization=organization,
        purpose="report_signature",
    )
    stored.file.save("demo-signature.png", ContentFile(data), save=False)
    stored.save()
    return stored


def _finalized_version(report: Report, number: int, at: Any, principal: str) -> ReportVersion:
    version = ReportVersion(
        report=report,
        number=number,
        organization_text=ORGANIZED,
        plan_text=PLAN,
        signature_method=SignatureMethod.DRAWN,
        signature_file=_signature_file(report.organization),
        signer_name=principal,
        signed_at=at,
        finalized_at=at,
    )
    version.save()
    version.facts = live_facts(version)
    version.status = ReportStatus.FINALIZED
    version.save(update_fields=["facts", "status"])
    return version


def seed(stdout: Any = None) -> int:
    campaign = Campaign.objects.filter(name=DEMO_CAMPAIGN).first()
    if campaign is None:
        return 0
    accepted = list(
        Checklist.objects.filter(
            campaign=campaign, purpose=ChecklistPurpose.LOOKBACK, status=ChecklistStatus.ACCEPTED
        )
        .select_related("organization")
        .order_by("organization__kind", "organization__name")
    )
    now = timezone.now()
    created = 0
    # The report is signed by the person who signed the checklist: the unit's 主要负责人.
    signer = principal_names([c.organization for c in accepted])
    for i, checklist in enumerate(accepted):
        org = checklist.organization
        if Report.objects.filter(campaign=campaign, organization=org).exists():
            continue
        principal = signer[org.pk]
        first_at = now - timedelta(days=10 - i % 7)
        report = Report.objects.create(campaign=campaign, organization=org)
        version = _finalized_version(report, 1, first_at, principal)
        final_at = first_at
        if i == 0:  # one report revised after finalizing: version 1 kept as 已被替换
            version.status = ReportStatus.SUPERSEDED
            version.save(update_fields=["status"])
            final_at = first_at + timedelta(days=2)
            version = _finalized_version(report, 2, final_at, principal)
        report.counted_version = version
        report.first_finalized_at = first_at
        report.finalized_at = final_at
        report.save(update_fields=["counted_version", "first_finalized_at", "finalized_at"])
        created += 1
    if stdout is not None:
        stdout.write(f"自查自纠报告：新建 {created} 份已定稿报告。")
    return created
