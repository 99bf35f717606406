"""Look-back campaigns (专项行动“回头看”): period, deadlines and which template each kind fills.

A :class:`Campaign` is created and run by the city office (市安委办). Its status moves only
through :mod:`anbiao.campaigns.services` (``TRANSITIONS`` there is the one state machine):
草稿 (draft) → 进行中 (open) → 已结束 (closed). Enterprises fill
``enterprise_template_version`` (附件2), government units fill ``government_template_version``
(附件1). Deadlines are calendar dates in Asia/Shanghai: a checklist is overdue when today's
local date is after the deadline and it has not been submitted.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

if TYPE_CHECKING:
    from anbiao.checklists.models import TemplateVersion


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class Campaign(models.Model):
    """One look-back campaign of the city."""

    name = models.CharField("名称", max_length=200, unique=True)
    period_start = models.DateField("开始日期")
    period_end = models.DateField("结束日期")
    enterprise_deadline = models.DateField("企业填报截止日期")
    government_deadline = models.DateField("政府部门填报截止日期")
    enterprise_template_version = models.ForeignKey(
        "checklists.TemplateVersion",
        verbose_name="企业填报细则（附件2）",
        on_delete=models.PROTECT,
        related_name="enterprise_campaigns",
    )
    government_template_version = models.ForeignKey(
        "checklists.TemplateVersion",
        verbose_name="政府部门填报细则（附件1）",
        on_delete=models.PROTECT,
        related_name="government_campaigns",
    )
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
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
    opened_at = models.DateTimeField("开始填报时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "结束日期不能早于开始日期。"
        tv_e = self.enterprise_template_version if self.enterprise_template_version_id else None
        tv_g = self.government_template_version if self.government_template_version_id else None
        if tv_e is not None and tv_e.template.kind != "enterprise":
            errors["enterprise_template_version"] = "请选择企业细则（附件2）。"
        if tv_g is not None and tv_g.template.kind != "government":
            errors["government_template_version"] = "请选择政府部门细则（附件1）。"
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    def deadline_for(self, organization: Any) -> date:
        """The deadline that applies to an organization (enterprise or government unit)."""
        kind = getattr(organization, "kind", organization)
        return self.enterprise_deadline if kind == "enterprise" else self.government_deadline

    def template_version_for(self, organization: Any) -> TemplateVersion:
        """附件2 for an enterprise (or the kind "enterprise"), else 附件1."""
        kind = getattr(organization, "kind", organization)
        if kind == "enterprise":
            return self.enterprise_template_version
        return self.government_template_version
