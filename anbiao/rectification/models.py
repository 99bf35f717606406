"""Tracked problems (隐患) and their closed-loop rectification (整改 → 验收 → 销号).

Shape (read by the statistics and 自查自纠报告 helpers; use :mod:`.selectors`, not raw queries)::

    Problem (UUID pk; organization 责任单位 = the unit that must fix it)
      ├ source: enterprise_self 企业自查 | government_self 政府部门自查 | inspection 督导检查
      ├ campaign (nullable), checklist/answer/clause (nullable, set for checklist problems)
      ├ problem_line → checklists.ProblemLine (OneToOne, SET_NULL): the 存在问题 line it tracks;
      │                None once the line is gone (the problem is then 已撤销)
      ├ grade general 一般 | major 重大; description; recorded_by / recorded_at
      ├ 五定: measures 整改措施, responsible_person 责任人, deadline 整改期限 (date),
      │       funds 资金（万元）, contingency_plan 应急预案 (text) / contingency_file (file)
      ├ status (see ProblemStatus; changed ONLY by :mod:`.services`, ``TRANSITIONS``)
      ├ verified_by / verified_at (验收人, 销号日期), closed_at
      ├ lock_version: the version of the whole problem (optimistic versioning, core.versioning):
      │       bumped by every status change, 五定 save and granted extension
      ├ ProblemEvidence (stage before 整改前 | after 整改后 → core.StoredFile)
      ├ DeadlineExtension (延期申请: the enterprise asks, the verifier grants or refuses; a
      │       grant moves ``deadline``, so overdue and every count use the granted date)
      └ ProblemTransition (timeline: every status change and every 五定/evidence/extension event)

Counting rules (domain.md):
- "active" = every status except 已撤销 (withdrawn). Withdrawn problems are kept for history
  and never counted.
- "open" (未销号) = 待整改, 整改中, 已整改待验收.
- "overdue" = open, has a deadline, and the deadline (a calendar date) is before today's date in
  Asia/Shanghai. On the deadline day itself a problem is not yet overdue.
- A look-back problem whose checklist is not submitted is shown as “自查中” but is active and
  counted in the unit's own lists at once; statistics column 3/4 (problems recorded in
  *submitted* look-backs) use ``selectors.problems_in_submitted_lookbacks``.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from anbiao.core.attachments import Attachment


class ProblemSource(models.TextChoices):
    ENTERPRISE_SELF = "enterprise_self", "企业自查"
    GOVERNMENT_SELF = "government_self", "政府部门自查"
    INSPECTION = "inspection", "督导检查"


class ProblemGrade(models.TextChoices):
    GENERAL = "general", "一般"
    MAJOR = "major", "重大"


class ProblemStatus(models.TextChoices):
    PENDING = "pending", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    AWAITING = "awaiting", "已整改待验收"
    CLOSED = "closed", "已销号"
    WITHDRAWN = "withdrawn", "已撤销"


OPEN_STATUSES = (ProblemStatus.PENDING, ProblemStatus.IN_PROGRESS, ProblemStatus.AWAITING)
ACTIVE_STATUSES = (*OPEN_STATUSES, ProblemStatus.CLOSED)
# 整改清单 (the ledger) lists problems whose rectification has started or finished.
LEDGER_STATUSES = ACTIVE_STATUSES


def local_today() -> date:
    """Today's calendar date in Asia/Shanghai (settings.TIME_ZONE)."""
    return timezone.localdate()


class ProblemQuerySet(models.QuerySet["Problem"]):
    def active(self) -> ProblemQuerySet:
        """Every problem except 已撤销 (withdrawn)."""
        return self.exclude(status=ProblemStatus.WITHDRAWN)

    def open(self) -> ProblemQuerySet:
        """Not yet closed (待整改, 整改中, 已整改待验收)."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> ProblemQuerySet:
        """Open and past the deadline (deadline < today in Asia/Shanghai)."""
        return self.open().filter(deadline__lt=today or local_today())

    def with_overdue(self, today: date | None = None) -> ProblemQuerySet:
        """Annotate ``overdue`` (bool) so lists can sort overdue first and colour them."""
        return self.annotate(
            overdue=Case(
                When(
                    Q(status__in=OPEN_STATUSES, deadline__lt=today or local_today()),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )


class Problem(models.Model):
    """One tracked problem (隐患), driven from 登记 to 销号."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="problems",
    )
    source = models.CharField("来源", max_length=20, choices=ProblemSource.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="专项行动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    checklist = models.ForeignKey(
        "checklists.Checklist",
        verbose_name="细则填报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tracked_problems",
    )
    answer = models.ForeignKey(
        "checklists.Answer",
        verbose_name="细则答复",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tracked_problems",
    )
    clause = models.ForeignKey(
        "checklists.Clause",
        verbose_name="条款",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problem_line = models.OneToOneField(
        "checklists.ProblemLine",
        verbose_name="存在问题行",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracked_problem",
    )
    description = models.TextField("问题描述", max_length=1000)
    grade = models.CharField(
        "等级", max_length=10, choices=ProblemGrade.choices, default=ProblemGrade.GENERAL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="登记单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    # 五定
    measures = models.TextField("整改措施", blank=True, max_length=2000)
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    funds = models.DecimalField(
        "资金（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    contingency_plan = models.TextField("应急预案", blank=True, max_length=4000)
    contingency_file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="应急预案文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.PENDING
    )
    lock_version = models.PositiveIntegerField("版本", default=0)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="验收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField("验收时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["-recorded_at", "id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["campaign", "source"]),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Open and past the deadline in Asia/Shanghai (uses the annotation when present)."""
        annotated = self.__dict__.get("overdue")
        if annotated is not None:
            return bool(annotated)
        return self.is_open and self.deadline is not None and self.deadline < local_today()

    @property
    def in_self_check(self) -> bool:
        """A look-back problem whose checklist is not yet submitted (shown “自查中”)."""
        checklist = self.checklist if self.checklist_id else None
        return checklist is not None and checklist.purpose == "lookback" and checklist.is_editable

    @property
    def five_missing(self) -> list[str]:
        """The 五定 fields still empty (funds and contingency plan only count for 重大)."""
        missing = []
        if not self.measures.strip():
            missing.append("整改措施")
        if not self.responsible_person.strip():
            missing.append("责任人")
        if self.deadline is None:
            missing.append("整改期限")
        if self.grade == ProblemGrade.MAJOR:
            if self.funds is None:
                missing.append("资金")
            if not self.contingency_plan.strip() and not self.contingency_file_id:
                missing.append("应急预案")
        return missing


class EvidenceStage(models.TextChoices):
    BEFORE = "before", "整改前"
    AFTER = "after", "整改后"


class ProblemEvidence(Attachment):
    """A photo or document of the problem before or after rectification (file, who, when:
    ``Attachment``)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="evidence")
    stage = models.CharField("阶段", max_length=8, choices=EvidenceStage.choices)

    class Meta:
        verbose_name = "整改佐证"
        verbose_name_plural = "整改佐证"
        ordering = ["problem", "stage", "added_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.stored_file}"

    @property
    def added_by_other_unit(self) -> bool:
        """Put there by a unit other than the responsible one — the inspector's on-site photos,
        the 整改前 photo of the unit that recorded the problem: the responsible unit may not
        remove or replace it (it adds its own evidence instead)."""
        if self.added_by is not None:
            unit = self.added_by.organization_id
        else:  # the user was deleted: the file's owner tells
            unit = self.stored_file.organization_id
        return unit != self.problem.organization_id


class ProblemTransition(models.Model):
    """One step on a problem's timeline: who, when, what, why.

    Status changes have ``from_status`` ≠ ``to_status``; other events (五定 saved, evidence
    added, description changed by the checklist) keep the status. The open-count trend of
    动态清零 is computed from the ``record`` rows and the rows that end in 已销号/已撤销.
    """

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="操作单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    reason = models.TextField("说明", blank=True, max_length=1000)

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["problem", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    @property
    def to_label(self) -> str:
        return ProblemStatus(self.to_status).label if self.to_status else ""

    @property
    def from_label(self) -> str:
        return ProblemStatus(self.from_status).label if self.from_status else ""


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    GRANTED = "granted", "已同意"
    REFUSED = "refused", "不同意"


class DeadlineExtension(models.Model):
    """An enterprise's request to move the deadline of a problem 整改中 (延期申请).

    Only the problem's verifier (``services.is_verifier``) grants or refuses it; a grant sets
    ``Problem.deadline`` to ``new_deadline``. One pending request per problem.
    """

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField("原整改期限", null=True, blank=True)
    new_deadline = models.DateField("申请延期至")
    reason = models.TextField("延期原因", max_length=1000)
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
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="审批单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_reason = models.TextField("审批意见", blank=True, max_length=1000)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"],
                condition=Q(status="pending"),
                name="extension_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"延期至 {self.new_deadline:%Y-%m-%d}（{self.get_status_display()}）"

    @property
    def is_pending(self) -> bool:
        return self.status == ExtensionStatus.PENDING
