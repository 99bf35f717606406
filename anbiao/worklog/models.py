"""Work records with evidence (training, publicity, meetings, plans), review results (评审达标)
and star rating (星级评定) with its decisions and plaques."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class RecordKind(models.TextChoices):
    TRAINING_PLAN = "training_plan", "培训计划"
    TRAINING = "training", "专题培训"
    PUBLICITY = "publicity", "宣传报道"
    MEETING = "meeting", "会议与领导督导"
    DISPATCH = "dispatch", "观摩调度推进会"
    PLAN = "plan", "方案"


ENTERPRISE_RECORD_KINDS = (RecordKind.TRAINING_PLAN, RecordKind.TRAINING, RecordKind.PUBLICITY)

# Which 附件1 (government) and 附件2 (enterprise) items a record is evidence for.
MATCHING_ITEMS: dict[str, dict[str, tuple[int, ...]]] = {
    "government": {
        RecordKind.TRAINING_PLAN: (14,),
        RecordKind.TRAINING: (14,),
        RecordKind.PUBLICITY: (13,),
        RecordKind.MEETING: (1,),
        RecordKind.DISPATCH: (8,),
        RecordKind.PLAN: (2, 3),
    },
    "enterprise": {
        RecordKind.TRAINING_PLAN: (7, 8),
        RecordKind.TRAINING: (7, 8),
        RecordKind.PUBLICITY: (8,),
    },
}


class Channel(models.TextChoices):
    TV = "tv", "电视台"
    NEWSPAPER = "newspaper", "报纸"
    NEW_MEDIA = "new_media", "新媒体"
    OTHER = "other", "其他"


class TraineeCategory(models.TextChoices):
    LEADERS = "leaders", "领导干部"
    REGULATORS = "regulators", "安全监管人员"
    GRID = "grid", "基层网格员"
    EXPERTS = "experts", "安全生产专家"
    TECHNICAL = "technical", "技术支撑骨干"
    PRINCIPALS = "principals", "主要负责人"
    SAFETY_MANAGERS = "safety_managers", "安全管理人员"
    WORKERS = "workers", "一线员工"


class WorkRecord(models.Model):
    """One training plan or session, publicity item, meeting, dispatch meeting or plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=16, choices=RecordKind.choices)
    date = models.DateField("日期")
    title = models.CharField("主题", max_length=200)
    participants = models.CharField("参加人员", max_length=500, blank=True)
    channel = models.CharField("宣传渠道", max_length=12, choices=Channel.choices, blank=True)
    link = models.URLField("链接", blank=True, max_length=500)
    content = models.TextField("内容摘要或纪要", blank=True, max_length=5000)
    files = models.ManyToManyField(
        "core.StoredFile", verbose_name="佐证材料", blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作记录"
        verbose_name_plural = "工作记录"
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def headcount_total(self) -> int:
        return sum(h.count for h in self.headcounts.all())


class TrainingHeadcount(models.Model):
    record = models.ForeignKey(WorkRecord, on_delete=models.CASCADE, related_name="headcounts")
    category = models.CharField("人员类别", max_length=16, choices=TraineeCategory.choices)
    count = models.PositiveIntegerField("人数")

    class Meta:
        verbose_name = "培训人数"
        verbose_name_plural = "培训人数"
        constraints = [
            models.UniqueConstraint(fields=["record", "category"], name="headcount_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.count}"


class EvidenceLink(models.Model):
    """A work record attached as evidence to a clause of the unit's own look-back checklist."""

    record = models.ForeignKey(WorkRecord, on_delete=models.CASCADE, related_name="links")
    answer = models.ForeignKey(
        "checklists.Answer", on_delete=models.CASCADE, related_name="worklog_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "佐证关联"
        verbose_name_plural = "佐证关联"
        constraints = [
            models.UniqueConstraint(fields=["record", "answer"], name="evidence_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record} → {self.answer_id}"


# --- 评审达标 ----------------------------------------------------------------------------------


class ReviewOutcome(models.TextChoices):
    PASS = "pass", "达标"
    FAIL = "fail", "不达标"


class Grade(models.TextChoices):
    ONE = "1", "一级"
    TWO = "2", "二级"
    THREE = "3", "三级"
    SMALL = "small", "小微达标"


class ReviewResult(models.Model):
    """A standardization review of an enterprise, recorded by its department (附件1 item 7)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_org = models.ForeignKey(
        "orgs.Organization", verbose_name="登记部门", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("评审日期")
    outcome = models.CharField("评审结果", max_length=8, choices=ReviewOutcome.choices)
    grade = models.CharField("达标等级", max_length=8, choices=Grade.choices, blank=True)
    reviewer = models.CharField("评审单位", max_length=200)
    certificate_number = models.CharField("证书编号", max_length=60, blank=True)
    valid_until = models.DateField("证书有效期至", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评审达标结果"
        verbose_name_plural = "评审达标结果"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_outcome_display()}"


# --- 星级评定 ----------------------------------------------------------------------------------


class StarStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    APPLIED = "applied", "已申请"
    PROPOSED = "proposed", "部门已审核"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class StarApplicationQuerySet(models.QuerySet["StarApplication"]):
    def current(self) -> StarApplicationQuerySet:
        """The ratings in force: approved and not superseded by a later approval of the same
        enterprise (at most one per enterprise). Every list, the 公示, the plaque, the
        certificate and the counts read ratings through this."""
        return self.filter(status=StarStatus.APPROVED, superseded_by__isnull=True)


class StarApplication(models.Model):
    """An enterprise's voluntary application for a star level; states in ``starflow``.

    A later approval of the same enterprise supersedes the earlier one (``superseded_by``):
    the earlier rating is then history only — no longer announced, plaqued or certified.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "orgs.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    requested_star = models.PositiveSmallIntegerField(
        "申请星级", validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    self_score = models.DecimalField(
        "自评得分",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    statement = models.TextField("申请说明", blank=True, max_length=5000)
    files = models.ManyToManyField(
        "core.StoredFile", verbose_name="佐证材料", blank=True, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=StarStatus.choices, default=StarStatus.DRAFT
    )
    proposed_level = models.PositiveSmallIntegerField("部门建议星级", null=True, blank=True)
    department_reasons = models.TextField("部门审核意见", blank=True, max_length=5000)
    decided_level = models.PositiveSmallIntegerField("批准星级", null=True, blank=True)
    decision_reason = models.TextField("市安委办意见", blank=True, max_length=5000)
    announce_from = models.DateField("公示开始", null=True, blank=True)
    announce_until = models.DateField("公示结束", null=True, blank=True)
    applied_at = models.DateTimeField("申请时间", null=True, blank=True)
    proposed_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="被后续评定取代",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    superseded_at = models.DateTimeField("取代时间", null=True, blank=True)

    objects = StarApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "星级评定申请"
        verbose_name_plural = "星级评定申请"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["enterprise", "decided_level"],
                condition=models.Q(status="approved", superseded_by__isnull=True),
                name="star_current_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} 申请{self.requested_star}星"

    @property
    def is_current(self) -> bool:
        """An approved rating not superseded by a later one."""
        return self.status == StarStatus.APPROVED and self.superseded_by_id is None

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None


class StarDecision(models.Model):
    """History of the star level of an enterprise: every decision of the city office."""

    application = models.ForeignKey(
        StarApplication, on_delete=models.PROTECT, related_name="decisions"
    )
    enterprise = models.ForeignKey(
        "orgs.Enterprise", on_delete=models.PROTECT, related_name="star_decisions"
    )
    level_before = models.PositiveSmallIntegerField("原星级")
    level_after = models.PositiveSmallIntegerField("新星级")
    approved = models.BooleanField("批准")
    reason = models.TextField("意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间")

    class Meta:
        verbose_name = "星级决定"
        verbose_name_plural = "星级决定"
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.level_before} → {self.level_after}"

    @property
    def before_label(self) -> str:
        from anbiao.orgs.models import StarLevel

        return StarLevel(self.level_before).label

    @property
    def after_label(self) -> str:
        from anbiao.orgs.models import StarLevel

        return StarLevel(self.level_after).label


class Plaque(models.Model):
    """授牌 of a three-star enterprise."""

    application = models.OneToOneField(
        StarApplication, on_delete=models.PROTECT, related_name="plaque"
    )
    date = models.DateField("授牌日期")
    number = models.CharField("牌匾编号", max_length=60, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "授牌"
        verbose_name_plural = "授牌"

    def __str__(self) -> str:
        return self.number
