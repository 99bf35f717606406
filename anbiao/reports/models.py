"""自查自纠报告: each unit's self-check-and-correction report for a campaign, in versions.

Shape::

    Report (campaign, organization; one per unit per campaign)
      ├ counted_version → the latest FINALIZED version (the one the statistics count)
      ├ first_finalized_at (附件3 columns 5–6 filter the period on it), finalized_at (latest)
      └ ReportVersion (number 1, 2, …; status 草稿 → 已定稿 → 已被替换)
          ├ organization_text “回头看”组织开展情况, plan_text 尚未整改问题及下一步计划 (free text)
          ├ facts: the records the report is made of (basic information, problems by section,
          │        rectification state) frozen at finalization; drafts read them live
          ├ edited_docx → core.StoredFile: the .docx the user downloaded, edited and uploaded back
          └ signature (drawn by the 主要负责人, or the scan of the signed paper) → core.StoredFile

Statuses move only through :mod:`anbiao.reports.services` (``TRANSITIONS``). A finalized
version is never edited: a new version (草稿) is started from it, and finalizing that one marks
the old one 已被替换 — history is kept, and the report still counts once.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from anbiao.orgs.scope import STAMP_FIELDS, STAMP_FIELDS_TOWN_FIRST, StatScoped


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FINALIZED = "finalized", "已定稿"
    SUPERSEDED = "superseded", "已被替换"


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", "主要负责人在线签字"
    SCAN = "scan", "上传签字纸质件扫描件"


# a report that counts (附件3 columns 5–6): it has a finalized version
FINALIZED = Q(counted_version__isnull=False, first_finalized_at__isnull=False)


class Report(StatScoped):
    """One unit's 自查自纠报告 in one campaign."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="专项行动",
        on_delete=models.PROTECT,
        related_name="self_check_reports",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="报告单位",
        on_delete=models.PROTECT,
        related_name="self_check_reports",
    )
    counted_version = models.ForeignKey(
        "ReportVersion",
        verbose_name="有效定稿版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_finalized_at = models.DateTimeField("首次定稿时间", null=True, blank=True, db_index=True)
    finalized_at = models.DateTimeField("最近定稿时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "自查自纠报告"
        verbose_name_plural = "自查自纠报告"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="report_unique_campaign_org"
            )
        ]
        indexes = [
            # 附件3 columns 5–6: the finalized reports grouped by scope, read from the index only
            models.Index(
                fields=[
                    *("first_finalized_at", "counted_version", *STAMP_FIELDS),
                    "organization",
                ],
                name="report_stats_idx",
            ),
            # 附件3 (anbiao/stats/table.py): the finalized reports of the city in (department,
            # town) order, or of one department's — or one town's — range, from the index alone
            models.Index(
                fields=[*STAMP_FIELDS, "first_finalized_at", "organization"],
                condition=FINALIZED,
                name="report_scope_dept_idx",
            ),
            models.Index(
                fields=[*STAMP_FIELDS_TOWN_FIRST, "first_finalized_at", "organization"],
                condition=FINALIZED,
                name="report_scope_town_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}“回头看”自查自纠报告"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:detail", args=[self.pk])

    @property
    def is_finalized(self) -> bool:
        return self.counted_version_id is not None


class ReportVersion(models.Model):
    """One version of a report: a draft being written, or a finalized (signed) text."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField(
        "状态", max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    edit_version = models.PositiveIntegerField("修改次数", default=0)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    organization_text = models.TextField("“回头看”组织开展情况", blank=True, max_length=8000)
    plan_text = models.TextField("尚未整改问题及下一步计划", blank=True, max_length=8000)
    facts = models.JSONField("报告数据（定稿时固定）", default=dict, blank=True)
    edited_docx = models.ForeignKey(
        "core.StoredFile",
        verbose_name="上传的修改稿（.docx）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    edited_docx_at = models.DateTimeField("修改稿上传时间", null=True, blank=True)
    signature_method = models.CharField(
        "签字方式", max_length=8, choices=SignatureMethod.choices, blank=True
    )
    signature_file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="签字",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField("签字人", max_length=50, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签字/上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField("签字时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="定稿人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finalized_at = models.DateTimeField("定稿时间", null=True, blank=True)

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = "报告版本"
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="reportversion_unique_no"),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status="draft"),
                name="reportversion_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}版（{self.get_status_display()}）"

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def is_signed(self) -> bool:
        return self.signature_file_id is not None
