"""A unit's submitted (填报) statistics table for one period: the numbers frozen at submission.

``computed`` holds the 15 numbers the system computed at submission (``null`` where a source
was not available); ``adjustments`` holds the numbers the unit changed, each with its written
reason ({"3": {"value": 12, "reason": "…"}}). The reported number is the adjusted one.
Statuses (the one state machine is :data:`anbiao.stats.chain.TRANSITIONS`): submitted 已填报
(待审核) → accepted 已接收 (locked) or returned 已退回 → submitted again; an accepted one is
sent back (returned) only by an unapprove of the level above.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from anbiao.orgs.scope import DEPARTMENT_AXIS, ORGANIZATION_AXIS, TOWN_AXIS


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "已填报"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已接收"


# "Submitted" in the statistics' sense: submitted and not returned (awaiting review or accepted).
REPORTED_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)


class StatsSubmission(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name="填报单位",
        on_delete=models.PROTECT,
        related_name="stats_submissions",
    )
    period_start = models.DateField("统计期开始")
    period_end = models.DateField("统计期结束")
    status = models.CharField(
        "状态", max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    unit_name = models.CharField("填报单位（盖章）", max_length=200)
    filler_name = models.CharField("填报人", max_length=50)
    phone = models.CharField("联系电话", max_length=30)
    computed = models.JSONField("系统统计值", default=list)
    adjustments = models.JSONField("调整", default=dict, blank=True)
    stamp = models.ForeignKey(
        "core.StoredFile",
        verbose_name="盖章扫描件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("填报时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    times_submitted = models.PositiveIntegerField("提交次数", default=1)
    return_reason = models.TextField("退回原因", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "统计表填报"
        verbose_name_plural = "统计表填报"
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end"], name="stats_submission_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.period_start}—{self.period_end}"

    @property
    def computed_values(self) -> list[int | None]:
        return list(self.computed)

    def adjustment(self, no: int) -> dict[str, Any] | None:
        return self.adjustments.get(str(no))

    def reported(self, no: int) -> int | None:
        """The number reported in column ``no`` (the adjusted one when adjusted)."""
        adj = self.adjustment(no)
        if adj is not None:
            return int(adj["value"])
        return self.computed[no - 1]

    @property
    def reported_values(self) -> list[int | None]:
        return [self.reported(i) for i in range(1, len(self.computed) + 1)]

    def display(self, no: int) -> str:
        """“12（系统 10，调整 +2：原因…）”, or the plain number, or “—”."""
        adj = self.adjustment(no)
        system = self.computed[no - 1]
        if adj is None:
            return "—" if system is None else str(system)
        value = int(adj["value"])
        base = 0 if system is None else system
        sys_text = "—" if system is None else str(system)
        return f"{value}（系统 {sys_text}，调整 {value - base:+d}：{adj['reason']}）"

    @property
    def is_submitted(self) -> bool:
        """Submitted and not returned: awaiting review or accepted."""
        return self.status in REPORTED_STATUSES

    @property
    def is_accepted(self) -> bool:
        return self.status == SubmissionStatus.ACCEPTED

    @property
    def delta(self) -> list[int]:
        """Per column, the adjustment (reported − system number; 0 where not adjusted)."""
        out = []
        for no in range(1, len(self.computed) + 1):
            adj = self.adjustment(no)
            out.append(0 if adj is None else int(adj["value"]) - (self.computed[no - 1] or 0))
        return out


class TallySource(models.TextChoices):
    LOOKBACKS = "lookbacks", "“回头看”细则（已提交）"
    REPORTS = "reports", "自查自纠报告（已定稿）"
    EXPERIENCES = "experiences", "经验做法（已提交且有佐证）"
    MECHANISMS = "mechanisms", "工作机制（已提交且有佐证）"


class TallyAxis(models.TextChoices):
    DEPARTMENT = DEPARTMENT_AXIS, "主管部门"
    TOWN = TOWN_AXIS, "所在乡镇"
    ORGANIZATION = ORGANIZATION_AXIS, "填报单位（无统计范围副本的记录）"


class DayTally(models.Model):
    """How many counted rows of a source fall on one day (Asia/Shanghai) for one unit of one
    axis and one campaign — kept by the database itself (ADR 0015).

    Triggers on ``checklists_checklist``, ``reports_report``, ``records_record`` and its evidence
    (migration ``stats/0008``) add a row when it starts to count, take it away when it stops
    (returned, deleted, un-finalized, its last evidence file removed)
    and move it when its day, campaign, organization or stamped scope changes, in the statement
    that writes the row: every write path (services, ``bulk_create``, ``update()``,
    :func:`restamp`, the admin) keeps it in the same transaction. A stamped row is kept on two
    axes: the department axis (``unit`` = its stamped department; null for none) and the town
    axis (``unit`` = its stamped town); a row without a stamp (a government unit's) on the
    organization axis (``unit`` = its organization). The department and organization axes hold
    every row once: their sum is the city-wide total.

    ``n`` is the number of rows, ``problems`` the sum of their frozen problem counts (look-backs);
    records have no campaign.
    ``unit`` and ``campaign`` are plain ids, not foreign keys: the tally is derived from the rows
    and never holds up a delete. Nothing but the triggers writes it (``manage.py stats_tally``
    checks it against the rows and rebuilds it).
    """

    source = models.CharField("来源", max_length=16, choices=TallySource.choices)
    day = models.DateField("日期")
    campaign = models.BigIntegerField("专项行动", null=True)
    axis = models.CharField("统计维度", max_length=1, choices=TallyAxis.choices)
    unit = models.UUIDField("单位", null=True)
    n = models.IntegerField("条数", default=0)
    problems = models.IntegerField("存在问题数", default=0)

    class Meta:
        verbose_name = "统计日汇总"
        verbose_name_plural = "统计日汇总"
        constraints = [
            # the key the triggers add to (PostgreSQL 15: null campaign or unit is one key too);
            # in this order it is also one unit's days (a unit's table)
            models.UniqueConstraint(
                fields=["source", "axis", "unit", "day", "campaign"],
                nulls_distinct=False,
                name="stats_daytally_key",
            )
        ]
        indexes = [
            # a period's rows of a source grouped by axis and unit, from the index alone
            models.Index(
                fields=["source", "day"],
                include=["axis", "unit", "campaign", "n", "problems"],
                name="stats_daytally_read_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.day} {self.axis}:{self.unit} {self.n}"
