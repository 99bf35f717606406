"""Look-back checklists: templates loaded from data files, and the checklists units fill.

Templates (read-only, loaded by :mod:`anbiao.checklists.builtin` from ``data/checklists/*.yaml``)::

    Template (code "fujian2_2024", kind enterprise|government)
      └ TemplateVersion (version 1, 2, …; a changed data file makes a new version)
          └ Section ("一、目标职责", position)
              └ Item (number 1, text "1.制定标准化创建、运行、提升计划。")
                  └ Clause (number 1, text "是否…"; ``label`` → "（1）", ``full_text`` → "（1）是否…";
                            ``position`` is the order over the whole version, 1..N)

Filled checklists::

    Checklist (campaign, organization, template_version, purpose lookback|inspection, status)
      ├ Answer (one per clause, created with the checklist; result 符合/不符合/不适用 or "",
      │         remarks 备注, version for optimistic concurrency)
      │   ├ ProblemLine (position, text): each 存在问题 on its own line; the rectification app
      │   │             tracks each line (``anbiao.rectification.sync.sync_answer_problems``)
      │   └ AnswerEvidence → core.StoredFile (photos, PDF, Word, Excel)
      ├ Signature (drawn by the 主要负责人 on screen, or the scan of the signed paper form)
      └ Submission (number 1, 2, …: snapshot JSON of every answer at submission, review outcome)

Statuses (the state machine lives in :mod:`anbiao.checklists.services`, ``TRANSITIONS``):
draft 填报中 → submitted 已提交 → accepted 已通过, or → returned 已退回 → submitted again.
Only draft and returned checklists can be edited.

"Submitted" for statistics (e.g. 附件3 column 1, enterprises in scope with a submitted 附件2
look-back) means ``purpose == "lookback"`` and ``status in SUBMITTED_STATUSES``
(submitted or accepted; a returned checklist does not count). Use
:func:`anbiao.checklists.selectors.submitted_lookbacks`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from anbiao.core.attachments import Attachment
from anbiao.orgs.scope import STAMP_FIELDS, STAMP_FIELDS_TOWN_FIRST, StatScoped


class TemplateKind(models.TextChoices):
    GOVERNMENT = "government", "政府部门（附件1）"
    ENTERPRISE = "enterprise", "企业（附件2）"


class Template(models.Model):
    """A checklist form, e.g. 附件2 南安市企业安全生产标准化提升专项行动“回头看”细则."""

    code = models.SlugField("编码", max_length=50, unique=True)
    title = models.CharField("标题", max_length=200)
    kind = models.CharField("适用对象", max_length=12, choices=TemplateKind.choices)
    attachment = models.CharField("附件编号", max_length=20, blank=True, help_text="如“附件2”")

    class Meta:
        verbose_name = "细则模板"
        verbose_name_plural = "细则模板"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class TemplateVersion(models.Model):
    """One loaded version of a template data file; never changed once checklists use it."""

    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=200)
    sha256 = models.CharField("数据文件 SHA-256", max_length=64)
    source = models.CharField("数据文件", max_length=200, blank=True)
    meta = models.JSONField(
        "表头与列", default=dict, blank=True, help_text="header 表头项、columns 列名（供导出用）"
    )
    loaded_at = models.DateTimeField("载入时间", auto_now_add=True)

    class Meta:
        verbose_name = "细则版本"
        verbose_name_plural = "细则版本"
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["template", "version"], name="tplversion_unique"),
            models.UniqueConstraint(fields=["template", "sha256"], name="tplversion_unique_sha"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def kind(self) -> str:
        return self.template.kind


class Section(models.Model):
    """项目, e.g. “一、目标职责”."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField("序号")
    title = models.CharField("项目", max_length=100)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="section_unique_pos")
        ]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """“回头看”内容, e.g. “1.制定标准化创建、运行、提升计划。” (text includes its number)."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("序号")
    number = models.PositiveIntegerField("编号")
    text = models.TextField("“回头看”内容")

    class Meta:
        verbose_name = "“回头看”内容"
        verbose_name_plural = "“回头看”内容"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="item_unique_pos")
        ]

    def __str__(self) -> str:
        return self.text


class Clause(models.Model):
    """“回头看”细则: number and text stored apart so exports print “（1）…”."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="clauses")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="clauses")
    position = models.PositiveIntegerField("序号", help_text="在整个细则中的顺序，从 1 开始")
    number = models.PositiveIntegerField("编号", help_text="在所属内容下的编号（1）（2）…")
    text = models.TextField("“回头看”细则")

    class Meta:
        verbose_name = "“回头看”细则"
        verbose_name_plural = "“回头看”细则"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="clause_unique_pos")
        ]

    def __str__(self) -> str:
        return self.full_text

    @property
    def label(self) -> str:
        return f"（{self.number}）"

    @property
    def full_text(self) -> str:
        return f"（{self.number}）{self.text}"

    @property
    def code(self) -> str:
        """Short reference, e.g. “12.（1）”, for lists of missing clauses."""
        return f"{self.item.number}.（{self.number}）"


# --- filled checklists ---------------------------------------------------------------------


class ChecklistPurpose(models.TextChoices):
    LOOKBACK = "lookback", "“回头看”自查"
    INSPECTION = "inspection", "督导检查"


class ChecklistStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已通过"


SUBMITTED_STATUSES = (ChecklistStatus.SUBMITTED, ChecklistStatus.ACCEPTED)
EDITABLE_STATUSES = (ChecklistStatus.DRAFT, ChecklistStatus.RETURNED)
# a look-back that counts in the statistics (附件3 columns 1–4): submitted or accepted
COUNTED_LOOKBACK = Q(purpose=ChecklistPurpose.LOOKBACK, status__in=SUBMITTED_STATUSES)


class Checklist(StatScoped):
    """One unit's filled checklist in one campaign (look-back), or an inspection record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="专项行动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checklists",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="填报单位",
        on_delete=models.PROTECT,
        related_name="checklists",
    )
    template_version = models.ForeignKey(
        TemplateVersion, verbose_name="细则版本", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(
        "用途", max_length=12, choices=ChecklistPurpose.choices, default=ChecklistPurpose.LOOKBACK
    )
    status = models.CharField(
        "状态", max_length=10, choices=ChecklistStatus.choices, default=ChecklistStatus.DRAFT
    )
    lock_version = models.PositiveIntegerField(
        "状态版本", default=0, help_text="每次提交、退回、通过加一，防止并发的状态变更"
    )
    return_reason = models.TextField("退回原因", blank=True)
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
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    accepted_at = models.DateTimeField("通过时间", null=True, blank=True)
    problem_count = models.PositiveIntegerField(
        "存在问题条数",
        null=True,
        blank=True,
        editable=False,
        help_text="提交时冻结的存在问题条数（统计表第3、4列据此求和）；退回时清空，重新提交时重算",
    )

    class Meta:
        verbose_name = "“回头看”细则填报"
        verbose_name_plural = "“回头看”细则填报"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"],
                condition=Q(purpose="lookback"),
                name="checklist_unique_lookback",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "purpose", "status"]),
            # 附件3 columns 1–4: the counted look-backs grouped by scope, read from the index only
            models.Index(
                fields=[
                    *("purpose", "status", "submitted_at", *STAMP_FIELDS),
                    *("organization", "problem_count", "campaign"),
                ],
                name="checklist_stats_idx",
            ),
            # 附件3 (anbiao/stats/table.py): the counted look-backs of the city in (department,
            # town) order, or of one department's — or one town's — range, from the index alone
            models.Index(
                fields=[*STAMP_FIELDS, "submitted_at", "organization", "problem_count"],
                condition=COUNTED_LOOKBACK,
                name="checklist_scope_dept_idx",
            ),
            models.Index(
                fields=[*STAMP_FIELDS_TOWN_FIRST, "submitted_at", "organization", "problem_count"],
                condition=COUNTED_LOOKBACK,
                name="checklist_scope_town_idx",
            ),
            # columns 3–4: the few counted look-backs whose problem count was not frozen
            models.Index(
                fields=["submitted_at"],
                condition=COUNTED_LOOKBACK & Q(problem_count__isnull=True),
                name="checklist_unfrozen_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.template_version.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_submitted(self) -> bool:
        """Counts as submitted (statistics): submitted or accepted, not returned."""
        return self.status in SUBMITTED_STATUSES


class AnswerResult(models.TextChoices):
    CONFORM = "conform", "符合"
    NONCONFORM = "nonconform", "不符合"
    NOT_APPLICABLE = "na", "不适用"


class Answer(models.Model):
    """The answer to one clause. ``version`` goes up on every save (optimistic concurrency)."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="answers")
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(
        "结论", max_length=12, choices=AnswerResult.choices, blank=True, default=""
    )
    remarks = models.TextField("备注", blank=True, max_length=2000)
    version = models.PositiveIntegerField("版本", default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "细则答复"
        verbose_name_plural = "细则答复"
        ordering = ["checklist", "clause__position"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "clause"], name="answer_unique_clause")
        ]

    def __str__(self) -> str:
        return f"{self.clause.code} {self.get_result_display()}"

    @property
    def is_answered(self) -> bool:
        return bool(self.result)


class ProblemLine(models.Model):
    """One 存在问题 of an answer, on its own line (tracked later as a rectification problem)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="problems")
    position = models.PositiveIntegerField("序号")
    text = models.TextField("存在问题", max_length=1000)

    class Meta:
        verbose_name = "存在问题"
        verbose_name_plural = "存在问题"
        ordering = ["answer", "position"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "position"], name="problem_unique_pos")
        ]

    def __str__(self) -> str:
        return self.text


class AnswerEvidence(Attachment):
    """An evidence file attached to one clause's answer (file, who, when: ``Attachment``)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["answer", "added_at", "id"]

    def __str__(self) -> str:
        return str(self.stored_file)


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", "主要负责人在线签字"
    SCAN = "scan", "上传签字纸质表扫描件"


class Signature(models.Model):
    """The principal's signature on one submission: drawn on screen or a scanned paper form."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="signatures")
    method = models.CharField("方式", max_length=8, choices=SignatureMethod.choices)
    stored_file = models.ForeignKey(
        "core.StoredFile", verbose_name="签字图片", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签字/上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signer_name = models.CharField("签字人", max_length=50)
    signed_at = models.DateTimeField("签字时间")

    class Meta:
        verbose_name = "签字"
        verbose_name_plural = "签字"
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.signer_name} {self.get_method_display()}"


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", "待审核"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已通过"


class Submission(models.Model):
    """One submission of a checklist (1, 2, … after each return); viewable from its snapshot.

    ``snapshot`` = {"organization": name, "template_version": id, "answers": [{"clause": id,
    "position": n, "result": code, "result_label": "符合", "remarks": str,
    "problems": [str, …], "evidence": [stored_file_id, …], "evidence_names": [str, …]}, …],
    "counts": {"clauses": n, "nonconform": n, "problems": n}}.
    """

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField("第几次提交")
    submitted_at = models.DateTimeField("提交时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signature = models.ForeignKey(
        Signature, verbose_name="签字", on_delete=models.PROTECT, related_name="submissions"
    )
    snapshot = models.JSONField("提交内容快照")
    outcome = models.CharField(
        "审核结果", max_length=10, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_reason = models.TextField("退回原因", blank=True)

    class Meta:
        verbose_name = "提交记录"
        verbose_name_plural = "提交记录"
        ordering = ["checklist", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="submission_unique_no")
        ]

    def __str__(self) -> str:
        return f"第{self.number}次提交"
