"""Supervision inspections (督导检查) by government units.

Shape (read by the statistics app, 附件3 columns 7–10; see ``anbiao/stats/columns.py``)::

    Inspection (UUID pk)
      ├ inspector → Organization: the inspecting unit (department, town or the city office)
      ├ target → Organization: the inspected enterprise (or, for the city office, a
      │          department or a town)
      ├ date, inspectors (names, free text), recorded_by, campaign (the open one)
      ├ status: draft 草稿 → completed 已完成 (only :mod:`.services` changes it)
      ├ checklist → checklists.Checklist (purpose=inspection, organization=target), optional:
      │   the clause-by-clause answers; ChecklistDraft holds each clause's answer until
      │   completion (then it is saved into the checklist, whose problem lines are tracked)
      ├ Finding (position, description, grade, deadline): each free-form 发现问题
      │   └ FindingPhoto → core.StoredFile (photos taken on site)
      └ InspectionProblem (inspection, finding, problem OneToOne): the tracked
        rectification problem created for a finding when the inspection is completed

Counting rule: only completed inspections count (``Inspection.objects.counted()``); a
problem links back through ``Problem.inspections`` / the query name ``inspection``.

An inspection's problems (发现问题), one definition for its page, the list, the export, the API
and 附件3 columns 8 and 10 (``InspectionQuerySet.with_problem_count`` / ``.problems()``):
free-form findings and checklist problem lines alike. Once completed, its tracked problems that
count (not withdrawn); while a draft, what completing it would track: its findings and the
存在问题 lines of its held checklist answers.

``Inspection.counted_problems`` stores the number of its tracked problems that count (ADR 0014),
so that 附件3 sums one column of the inspections instead of joining every problem. It is
recounted in the transaction of every write that changes it: a problem link saved or deleted
(:class:`InspectionProblem`), a linked problem withdrawn or brought back
(``rectification.services``), links written in bulk (``InspectionQuerySet.recount_problems``
after them). ``tests/test_counted_problems.py`` holds it equal to ``.problems()``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce

from anbiao.core.attachments import Attachment

if TYPE_CHECKING:
    from anbiao.rectification.models import ProblemQuerySet


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    COMPLETED = "completed", "已完成"


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def counted(self) -> InspectionQuerySet:
        """Inspections that count in statistics: completed ones."""
        return self.filter(status=InspectionStatus.COMPLETED)

    def with_problem_count(self) -> InspectionQuerySet:
        """Annotate each inspection's problems (see the module docstring): ``problem_count``,
        of which ``finding_problems`` from free-form findings and ``checklist_problems`` from
        the clause-by-clause checklist."""
        from anbiao.rectification.models import ProblemStatus

        def count(qs: models.QuerySet, value: str = "pk", agg: type = Count) -> Coalesce:
            per = qs.filter(inspection=OuterRef("pk")).order_by().values("inspection")
            return Coalesce(Subquery(per.annotate(n=agg(value)).values("n")), 0)

        tracked = InspectionProblem.objects.exclude(problem__status=ProblemStatus.WITHDRAWN)
        done = models.Q(status=InspectionStatus.COMPLETED)
        # completed: the stored count (its tracked problems that count), of which those not
        # from a free-form finding come from the checklist
        from_checklist = Case(
            When(done, then=count(tracked.filter(finding__isnull=True))),
            default=count(ChecklistDraft.objects.all(), "problem_count", Sum),
            output_field=IntegerField(),
        )
        from_findings = Case(
            When(done, then=F("counted_problems") - F("checklist_problems")),
            default=count(Finding.objects.all()),
            output_field=IntegerField(),
        )
        return (
            self.annotate(checklist_problems=from_checklist)
            .annotate(finding_problems=from_findings)
            .annotate(problem_count=F("finding_problems") + F("checklist_problems"))
        )

    def problems(self) -> ProblemQuerySet:
        """The problems of these inspections that count: tracked, not withdrawn (the drill-down
        of 附件3 columns 8 and 10 lists ``Inspection.objects.counted()…problems()``; the
        columns sum ``counted_problems``, its stored count)."""
        from anbiao.rectification.models import Problem

        return Problem.objects.active().filter(inspection__in=self.values("pk"))

    def recount_problems(self) -> int:
        """Store in ``counted_problems`` the number of each of these inspections' tracked
        problems that count (as :meth:`problems` lists them), in one UPDATE; returns the number
        of inspections updated. Call it in the transaction of the write that changed them."""
        from anbiao.rectification.models import ProblemStatus

        per = (
            InspectionProblem.objects.filter(inspection=OuterRef("pk"))
            .exclude(problem__status=ProblemStatus.WITHDRAWN)
            .order_by()
            .values("inspection")
            .annotate(n=Count("pk"))
            .values("n")
        )
        ids = self.order_by().values("pk")
        return Inspection.objects.filter(pk__in=ids).update(
            counted_problems=Coalesce(Subquery(per), 0)
        )


class Inspection(models.Model):
    """One supervision inspection of one organization on one day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="专项行动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        "orgs.Organization",
        verbose_name="检查单位",
        on_delete=models.PROTECT,
        related_name="inspections_made",
    )
    target = models.ForeignKey(
        "orgs.Organization",
        verbose_name="被检查单位",
        on_delete=models.PROTECT,
        related_name="inspections_received",
    )
    date = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=200)
    summary = models.TextField("检查情况", blank=True, max_length=4000)
    status = models.CharField(
        "状态", max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="完成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Optimistic versioning of the header form (anbiao.core.versioning): bumped by each edit.
    version = models.PositiveIntegerField("版本", default=0)
    # its tracked problems that count (not withdrawn), kept by every write that changes them
    # (see the module docstring); 附件3 columns 8 and 10 sum it
    counted_problems = models.PositiveIntegerField("计入的发现问题数", default=0, editable=False)
    checklist = models.OneToOneField(
        "checklists.Checklist",
        verbose_name="检查细则",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection",
        help_text="按附件2（企业）或附件1（政府部门）逐条检查时的细则答复",
    )
    problems = models.ManyToManyField(
        "rectification.Problem",
        through="InspectionProblem",
        related_name="inspections",
        related_query_name="inspection",
        blank=True,
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "督导检查"
        verbose_name_plural = "督导检查"
        ordering = ["-date", "-created_at"]
        indexes = [
            models.Index(fields=["inspector", "date"]),
            models.Index(fields=["target", "date"]),
            models.Index(fields=["status", "date"]),
            # 附件3 columns 7–10: the distinct targets of the counted inspections and the sum of
            # their stored problem counts per inspector (read in this order, without sorting)
            # and over the whole city (PostgreSQL: from the index alone)
            models.Index(
                fields=["inspector", "target", "date"],
                include=["counted_problems"],
                condition=models.Q(status=InspectionStatus.COMPLETED),
                name="inspection_stats_actor_idx",
            ),
            models.Index(
                fields=["target", "date"],
                include=["counted_problems"],
                condition=models.Q(status=InspectionStatus.COMPLETED),
                name="inspection_stats_target_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.inspector} 检查 {self.target}"

    @property
    def is_draft(self) -> bool:
        return self.status == InspectionStatus.DRAFT


class Finding(models.Model):
    """One problem found in the inspection (free-form), tracked once the inspection completes."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveIntegerField("序号")
    description = models.TextField("问题描述", max_length=1000)
    grade = models.CharField(
        "等级",
        max_length=10,
        choices=[("general", "一般"), ("major", "重大")],
        default="general",
    )
    deadline = models.DateField("整改期限", null=True, blank=True)

    class Meta:
        verbose_name = "检查发现问题"
        verbose_name_plural = "检查发现问题"
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "position"], name="inspection_finding_unique_pos"
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]


class TakenAtSource(models.TextChoices):
    EXIF = "exif", "照片拍摄时间"
    UPLOAD = "upload", "上传时间"


class PositionSource(models.TextChoices):
    BROWSER = "browser", "手机定位"
    EXIF = "exif", "照片 GPS 信息"


class FindingPhoto(Attachment):
    """A photo taken on site; attached to a finding, or to the inspection as a whole.

    ``stored_file`` is the copy everyone sees (and the 整改前 evidence of the problem): the
    watermark (time, inspector, inspected unit, position) burned in, no EXIF. ``original_file``
    is the file as the phone sent it, downloadable only by the inspecting unit and the city
    office (:mod:`anbiao.inspections.photos`). Photos stored before watermarking have no
    original and no facts. Who added it and when: ``Attachment``.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    stored_file = models.ForeignKey(
        "core.StoredFile", verbose_name="照片（带水印）", on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField("带水印照片 SHA-256", max_length=64, blank=True)
    original_file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="原始照片",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    original_sha256 = models.CharField("原始照片 SHA-256", max_length=64, blank=True)
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    taken_at_source = models.CharField(
        "拍摄时间来源", max_length=10, choices=TakenAtSource.choices, blank=True
    )
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField("定位精度（米）", null=True, blank=True)
    position_source = models.CharField(
        "位置来源", max_length=10, choices=PositionSource.choices, blank=True
    )

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["inspection", "added_at", "id"]

    def __str__(self) -> str:
        return f"现场照片 {self.stored_file_id}"

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class InspectionProblem(models.Model):
    """The tracked problem (整改清单) created for a finding when the inspection completed.

    Saving or deleting a link recounts its inspection's ``counted_problems`` in the same
    transaction (``bulk_create`` does not: call ``recount_problems`` after it)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="problem_links"
    )
    finding = models.OneToOneField(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="problem_link"
    )
    problem = models.OneToOneField(
        "rectification.Problem", on_delete=models.PROTECT, related_name="inspection_link"
    )

    class Meta:
        verbose_name = "检查问题关联"
        verbose_name_plural = "检查问题关联"

    def __str__(self) -> str:
        return f"{self.inspection_id} → {self.problem_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            before = None if self._state.adding else self._previous_inspection()
            super().save(*args, **kwargs)
            ids = [pk for pk in (self.inspection_id, before) if pk is not None]
            Inspection.objects.filter(pk__in=ids).recount_problems()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            Inspection.objects.filter(pk=self.inspection_id).recount_problems()
            return deleted

    def _previous_inspection(self) -> Any:
        """The inspection the link belonged to before this save (it may have moved)."""
        stored = InspectionProblem.objects.filter(pk=self.pk).values_list("inspection", flat=True)
        return stored.first()


class ChecklistDraft(models.Model):
    """A clause's answer in an inspection checklist, held until the inspection completes.

    The checklist's own ProblemLines are tracked as rectification problems as soon as they are
    saved (and a 不符合 answer needs them); keeping the answers here while the inspection is a
    draft means the inspected organization sees the problems only once it is completed.
    """

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="checklist_drafts"
    )
    answer = models.OneToOneField(
        "checklists.Answer", on_delete=models.CASCADE, related_name="inspection_draft"
    )
    result = models.CharField("结论", max_length=12, blank=True)
    remarks = models.TextField("备注", blank=True, max_length=2000)
    problems = models.TextField("存在问题", blank=True, help_text="每行一条")
    # the number of lines of ``problems``, so that lists count a draft's problems in SQL
    problem_count = models.PositiveSmallIntegerField("存在问题条数", default=0)

    class Meta:
        verbose_name = "细则检查问题（草稿）"
        verbose_name_plural = "细则检查问题（草稿）"

    def __str__(self) -> str:
        return f"{self.answer_id}: {self.problems[:40]}"

    @property
    def lines(self) -> list[str]:
        return [t.strip() for t in self.problems.splitlines() if t.strip()]


class OfflineSubmission(models.Model):
    """A draft recorded on a phone without connection (离线检查) and received once online.

    ``key`` is the draft's own UUID, made on the phone; its unique constraint makes a replay
    (the phone resending after a lost answer, two tabs syncing at once) find this row and
    answer with its inspection instead of recording the inspection twice
    (:mod:`anbiao.inspections.offline`).
    """

    key = models.UUIDField("草稿编号")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="offline_submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_inspection = models.BooleanField("新建检查", default=True)
    findings = models.PositiveSmallIntegerField("问题条数", default=0)
    photos = models.PositiveSmallIntegerField("照片张数", default=0)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "离线检查草稿"
        verbose_name_plural = "离线检查草稿"
        constraints = [
            models.UniqueConstraint(fields=["key"], name="inspection_offline_key_unique")
        ]

    def __str__(self) -> str:
        return f"离线草稿 {self.key}"
