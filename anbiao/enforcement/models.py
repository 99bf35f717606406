"""Typical enforcement cases, exposure batches (曝光批次), monthly case reports, priorities.

附件3 columns 14/15 count published batches and the distinct enterprises exposed in them
(see :func:`anbiao.enforcement.selectors.exposure_summary`). 附件1 item 15 asks departments to
report typical cases before the 25th of every month (see ``deadlines.py``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class EnforcementCase(models.Model):
    """An enforcement case decided by a department against an enterprise in its scope."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    department = models.ForeignKey(
        "orgs.Organization",
        verbose_name="执法部门",
        on_delete=models.PROTECT,
        related_name="enforcement_cases",
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="enforcement_cases",
    )
    case_number = models.CharField("案号", max_length=80)
    violation = models.TextField("违法行为", max_length=2000)
    legal_basis = models.TextField("法律依据", max_length=2000)
    penalty = models.TextField("处罚结果", max_length=2000)
    fine_amount = models.DecimalField(
        "罚款金额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    decided_on = models.DateField("处罚决定日期", db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "执法典型案例"
        verbose_name_plural = "执法典型案例"
        ordering = ["-decided_on", "case_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "case_number"], name="enforcement_case_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.enterprise}"


class BatchStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已曝光"


class ExposureBatch(models.Model):
    """One exposure (曝光) of a set of the department's cases; read only once published."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    department = models.ForeignKey(
        "orgs.Organization",
        verbose_name="曝光单位",
        on_delete=models.PROTECT,
        related_name="exposure_batches",
    )
    title = models.CharField("标题", max_length=200)
    date = models.DateField("曝光日期", db_index=True)
    cases = models.ManyToManyField(
        EnforcementCase, verbose_name="案例", blank=True, related_name="batches"
    )
    status = models.CharField(
        "状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "曝光批次"
        verbose_name_plural = "曝光批次"
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == BatchStatus.PUBLISHED


class MonthlyReport(models.Model):
    """A department's report of typical cases for one month (附件1 item 15) — the one record
    of the monthly case report: the reporting task “典型执法案例月报” is linked to it
    (``tasks_reporting.ReportTask.linked``) and reads its status from here.

    Offers only cases decided in that month. Zero cases is allowed only as the explicit
    statement ``no_cases`` (本月无典型案例). On time: ``first_submitted_at`` by the 25th,
    23:59 Shanghai (or the department's extended date).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    department = models.ForeignKey(
        "orgs.Organization",
        verbose_name="报送单位",
        on_delete=models.PROTECT,
        related_name="monthly_case_reports",
    )
    month = models.DateField("月份", help_text="该月 1 日")
    cases = models.ManyToManyField(
        EnforcementCase, verbose_name="报送案例", blank=True, related_name="monthly_reports"
    )
    no_cases = models.BooleanField("本月无典型案例", default=False)
    note = models.CharField("说明", max_length=500, blank=True)
    submitted_at = models.DateTimeField("报送时间", help_text="最近一次报送（修改）的时间")
    first_submitted_at = models.DateTimeField(
        "首次报送时间", help_text="是否按时以首次报送为准；之后修改报送内容不影响按时"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "典型案例月度报送"
        verbose_name_plural = "典型案例月度报送"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month"], name="monthly_report_one_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m}"


class PriorityReason(models.TextChoices):
    EXPOSED = "exposed", "已曝光典型案例"
    PAPER = "paper", "纸上标准化"
    FAKE = "fake", "假创建"
    NOT_RATED = "not_rated", "不予评定星级"
    NO_RESPONSIBILITY = "no_responsibility", "未落实全员安全生产责任制"
    OTHER = "other", "其他"


class EnforcementPriority(models.Model):
    """An enterprise marked as 执法重点对象 (附件1 item 15 clause 1)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="enforcement_priorities",
    )
    reason = models.CharField("原因", max_length=20, choices=PriorityReason.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="标记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="标记单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField("标记日期")
    active = models.BooleanField("有效", default=True)
    ended_at = models.DateTimeField("解除时间", null=True, blank=True)

    class Meta:
        verbose_name = "执法重点对象"
        verbose_name_plural = "执法重点对象"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "reason"],
                condition=models.Q(active=True),
                name="priority_one_active_per_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_reason_display()}"
