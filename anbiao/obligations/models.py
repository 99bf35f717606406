"""Deadline extensions (延期): a unit asks the level above to move its own deadline.

An obligation is named by ``(kind, ref)`` (see :mod:`anbiao.obligations.kinds`): e.g.
``("lookback_ent", "3")`` — 附件2 of campaign 3; ``("case_month", "2024-11")`` — the monthly
case report of November 2024; ``("task", "<period uuid>")`` — one period of a reporting task.
A granted extension moves that unit's deadline only, to ``requested_deadline``; the latest
granted date counts (:mod:`anbiao.obligations.effective`). Statuses move only through
:mod:`anbiao.obligations.services`: 待审批 → 已同意 / 不同意.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class ObligationKind(models.TextChoices):
    LOOKBACK_ENTERPRISE = "lookback_ent", "企业“回头看”细则（附件2）"
    LOOKBACK_GOVERNMENT = "lookback_gov", "政府部门“回头看”细则（附件1）"
    REPORT_ENTERPRISE = "report_ent", "企业自查自纠报告"
    REPORT_GOVERNMENT = "report_gov", "政府部门自查自纠报告"
    CASE_MONTHLY = "case_month", "典型执法案例月报"
    TASK = "task", "报送任务"
    STATS = "stats", "“回头看”统计表（附件3）"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    GRANTED = "granted", "已同意"
    REFUSED = "refused", "不同意"


class Extension(models.Model):
    """One unit's request to move its deadline of one obligation, and the decision on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("报送事项类别", max_length=16, choices=ObligationKind.choices)
    ref = models.CharField("报送事项", max_length=64)
    title = models.CharField("报送事项名称", max_length=300)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="申请单位",
        on_delete=models.PROTECT,
        related_name="deadline_extensions",
    )
    decider = models.ForeignKey(
        "orgs.Organization",
        verbose_name="审批单位",
        on_delete=models.PROTECT,
        related_name="extensions_to_decide",
    )
    original_deadline = models.DateField("原截止日期")
    requested_deadline = models.DateField("申请延期至")
    reason = models.TextField("延期理由", max_length=1000)
    status = models.CharField(
        "状态", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", max_length=1000, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref", "organization"],
                condition=Q(status="pending"),
                name="obligation_extension_one_pending",
            )
        ]
        indexes = [
            # the granted extensions of one obligation (every rate and status reads them)
            models.Index(
                fields=["kind", "ref", "status", "organization"], name="extension_obligation_idx"
            ),
            models.Index(fields=["decider", "status"], name="extension_decider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.title}"

    @property
    def is_pending(self) -> bool:
        return self.status == ExtensionStatus.PENDING
