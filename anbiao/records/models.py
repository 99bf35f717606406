"""Good experiences (经验做法) and work mechanisms (工作机制), each backed by evidence files.

附件3 counts a record only when it carries evidence (佐证材料) and has been submitted; the
single filter for that is :meth:`RecordQuerySet.counted`. The period filters on ``date``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef

from anbiao.orgs.scope import StatScoped


class RecordKind(models.TextChoices):
    EXPERIENCE = "experience", "经验做法"
    MECHANISM = "mechanism", "工作机制"


class Category(models.TextChoices):
    """附件1 item 6: 持续运行提升类 and 达标典型引领类 (党员模范岗 …) posts."""

    PARTY = "party", "党员模范岗"
    WORKER = "worker", "工人先锋岗"
    YOUTH = "youth", "青年突击手"
    WOMEN = "women", "巾帼能手"
    CONTINUOUS = "continuous", "持续运行提升"
    OTHER = "other", "其他"


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


EVIDENCE_RULE = "须上传至少一份佐证材料后才能提交；没有佐证材料的记录保持草稿，不计入统计表。"


class RecordQuerySet(models.QuerySet["Record"]):
    def with_evidence(self) -> RecordQuerySet:
        through = Record.evidence.through
        return self.filter(Exists(through.objects.filter(record_id=OuterRef("pk"))))

    def counted(self) -> RecordQuerySet:
        """Records that count in 附件3: submitted and carrying at least one evidence file."""
        return self.filter(status=RecordStatus.SUBMITTED).with_evidence()

    def experiences(self) -> RecordQuerySet:
        return self.filter(kind=RecordKind.EXPERIENCE)

    def mechanisms(self) -> RecordQuerySet:
        return self.filter(kind=RecordKind.MECHANISM)

    def by_enterprises(self) -> RecordQuerySet:
        return self.filter(organization__kind="enterprise")

    def by_government(self) -> RecordQuerySet:
        return self.exclude(organization__kind="enterprise")

    def in_period(self, start, end) -> RecordQuerySet:  # noqa: ANN001
        """``date`` between start and end, both inclusive (either may be None)."""
        qs = self
        if start is not None:
            qs = qs.filter(date__gte=start)
        if end is not None:
            qs = qs.filter(date__lte=end)
        return qs


class Record(StatScoped):
    """One good experience or work mechanism of one organization."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("类别", max_length=12, choices=RecordKind.choices, db_index=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="填报单位",
        on_delete=models.PROTECT,
        related_name="work_records",
    )
    title = models.CharField("标题", max_length=200)
    summary = models.TextField("内容摘要", max_length=5000)
    category = models.CharField(
        "类型", max_length=12, choices=Category.choices, blank=True, help_text="经验做法填写"
    )
    date = models.DateField("日期", db_index=True, help_text="统计表按此日期归入统计期")
    document = models.ForeignKey(
        "core.StoredFile",
        verbose_name="建立机制的文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.ManyToManyField(
        "core.StoredFile", verbose_name="佐证材料", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    is_selected = models.BooleanField("优秀案例", default=False)
    selected_at = models.DateTimeField("评为优秀案例时间", null=True, blank=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评选人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Optimistic versioning of the edit form (anbiao.core.versioning): bumped by each edit.
    version = models.PositiveIntegerField("版本", default=0)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "经验做法/工作机制"
        verbose_name_plural = "经验做法/工作机制"
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["kind", "status", "date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == RecordStatus.DRAFT
