"""Reporting tasks (报送): a task, its periods (one, or one per month), and each unit's submission."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class TargetMode(models.TextChoices):
    UNITS = "units", "指定单位"
    DEPARTMENTS = "departments", "全部成员单位"
    TOWNS = "towns", "全部乡镇/街道"
    ENTERPRISES = "enterprises", "范围内企业（可按类型）"


class LinkedObligation(models.TextChoices):
    NONE = "", "本任务中报送（上传文件、填写文字答复）"
    CASE_MONTHLY = "case_month", "典型执法案例月报（在“执法案例 → 月度报送”中报送）"


class ReportTask(models.Model):
    """What must be submitted, by whom, by when; optionally every month on day N.

    A task ``linked`` to a built-in obligation (the monthly typical-case report) takes no
    submissions of its own: its units report in that module (``enforcement.MonthlyReport``)
    and every status of the task is read from there, so the duty has one status.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    issuer = models.ForeignKey(
        "orgs.Organization", verbose_name="发布单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("任务名称", max_length=200)
    description = models.TextField("报送要求", max_length=5000)
    needs_files = models.BooleanField("需上传文件", default=True)
    needs_text = models.BooleanField("需填写文字答复", default=False)
    target_mode = models.CharField("报送对象", max_length=12, choices=TargetMode.choices)
    size_class = models.CharField(
        "企业类型", max_length=8, blank=True, help_text="报送对象为企业时可选；留空为全部"
    )
    recipients = models.ManyToManyField(
        "orgs.Organization", verbose_name="报送单位", related_name="report_tasks"
    )
    deadline = models.DateField("截止日期", help_text="按月报送时为第一期的截止日期")
    recurrence_day = models.PositiveSmallIntegerField(
        "每月截止日",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="留空为一次性任务；填 25 表示每月 25 日前报送（小月、2 月取月末）",
    )
    linked = models.CharField(
        "报送方式",
        max_length=12,
        choices=LinkedObligation.choices,
        blank=True,
        default="",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # Optimistic versioning of the edit form (anbiao.core.versioning): bumped by each edit.
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        verbose_name = "报送任务"
        verbose_name_plural = "报送任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recurring(self) -> bool:
        return self.recurrence_day is not None

    @property
    def is_case_monthly(self) -> bool:
        """Linked to the monthly typical-case report: reported in the enforcement module."""
        return self.linked == LinkedObligation.CASE_MONTHLY


class ReportPeriod(models.Model):
    """One period of a task with its own deadline (a one-off task has exactly one)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.ForeignKey(ReportTask, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField("期次", max_length=40)
    deadline = models.DateField("截止日期")

    class Meta:
        verbose_name = "报送期次"
        verbose_name_plural = "报送期次"
        ordering = ["task", "-deadline"]
        constraints = [
            models.UniqueConstraint(fields=["task", "deadline"], name="report_period_unique")
        ]

    def __str__(self) -> str:
        return f"{self.task.title} · {self.label}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "未提交"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"


class ReportSubmission(models.Model):
    """One unit's answer to one period: files and/or a text answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="submissions")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("文字答复", blank=True, max_length=10000)
    status = models.CharField(
        "状态", max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField("退回原因", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    files = models.ManyToManyField("core.StoredFile", verbose_name="文件", blank=True)
    # Optimistic versioning of the unit's form (anbiao.core.versioning): bumped by each save.
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        verbose_name = "报送材料"
        verbose_name_plural = "报送材料"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "organization"], name="report_submission_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.period}"
