"""Handover to the regional platform (附件1 item 12): rows of the package, and reconciliation.

The exporter yields plain rows (lists) for three sheets; the .xlsx and JSON renderers in the
views use the same rows, so the two formats always carry the same data. Field meanings are
documented in ``docs/guide/dashboards.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from anbiao.checklists.models import Answer, ChecklistPurpose
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.scope import PLACED_BY
from anbiao.rectification.models import Problem

if TYPE_CHECKING:
    from anbiao.campaigns.models import Campaign

ENTERPRISE_FIELDS = [
    ("credit_code", "统一社会信用代码"),
    ("name", "企业名称"),
    ("principal", "主要负责人"),
    ("phone", "联系电话"),
    ("address", "地址"),
    ("town", "所在乡镇/街道"),
    ("department", "主管部门"),
    ("industry", "行业门类"),
    ("size_class", "企业类型"),
    ("star_level", "星级"),
    ("risk_level", "风险等级"),
    ("on_regional_platform", "已录入区域平台"),
]
ANSWER_FIELDS = [
    ("credit_code", "统一社会信用代码"),
    ("name", "企业名称"),
    ("campaign", "专项行动"),
    ("checklist_status", "填报状态"),
    ("clause_position", "细则序号"),
    ("clause_code", "细则编号"),
    ("clause_text", "“回头看”细则"),
    ("result", "结论"),
    ("problems", "存在问题"),
    ("remarks", "备注"),
]
PROBLEM_FIELDS = [
    ("credit_code", "统一社会信用代码"),
    ("name", "企业名称"),
    ("campaign", "专项行动"),
    ("source", "来源"),
    ("clause_code", "细则编号"),
    ("description", "问题描述"),
    ("grade", "等级"),
    ("status", "状态"),
    ("measures", "整改措施"),
    ("responsible_person", "责任人"),
    ("deadline", "整改期限"),
    ("funds", "资金（万元）"),
    ("overdue", "是否逾期"),
    ("closed_at", "销号时间"),
]
SHEETS = [
    ("enterprises", "企业信息", ENTERPRISE_FIELDS),
    ("answers", "回头看答复", ANSWER_FIELDS),
    ("problems", "问题与整改", PROBLEM_FIELDS),
]


def _date(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def enterprise_rows(enterprises: QuerySet[Enterprise]) -> Iterator[dict[str, Any]]:
    qs = enterprises.select_related("organization", "town", "department").order_by(
        "organization__name"
    )
    for e in qs.iterator(chunk_size=2000):
        yield {
            "credit_code": e.credit_code,
            "name": e.organization.name,
            "principal": e.principal,
            "phone": e.phone,
            "address": e.address,
            "town": e.town.name if e.town_id else "",
            "department": e.department.name if e.department_id else "",
            "industry": e.get_industry_display(),
            "size_class": e.get_size_class_display(),
            "star_level": e.star_level or "",
            "risk_level": e.get_risk_level_display() if e.risk_level else "",
            "on_regional_platform": "是" if e.on_regional_platform else "否",
        }


def answer_rows(
    enterprises: QuerySet[Enterprise], campaign: Campaign | None
) -> Iterator[dict[str, Any]]:
    qs = Answer.objects.filter(
        checklist__purpose=ChecklistPurpose.LOOKBACK,
        checklist__organization_id__in=enterprises.values("organization_id"),
    )
    if campaign is not None:
        qs = qs.filter(checklist__campaign=campaign)
    qs = (
        qs.select_related(
            "checklist__organization__enterprise", "checklist__campaign", "clause__item"
        )
        .prefetch_related("problems")
        .order_by("checklist__organization__name", "checklist__campaign_id", "clause__position")
    )
    for a in qs.iterator(chunk_size=2000):
        c = a.checklist
        yield {
            "credit_code": c.organization.enterprise.credit_code,
            "name": c.organization.name,
            "campaign": c.campaign.name if c.campaign is not None else "",
            "checklist_status": c.get_status_display(),
            "clause_position": a.clause.position,
            "clause_code": a.clause.code,
            "clause_text": a.clause.full_text,
            "result": a.get_result_display() if a.result else "未答复",
            "problems": "\n".join(p.text for p in a.problems.all()),
            "remarks": a.remarks,
        }


def problem_rows(
    enterprises: QuerySet[Enterprise], campaign: Campaign | None
) -> Iterator[dict[str, Any]]:
    qs = Problem.objects.active().filter(organization_id__in=enterprises.values("organization_id"))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    qs = (
        qs.with_overdue()
        .select_related("organization__enterprise", "campaign", "clause__item")
        .order_by("organization__name", "recorded_at", "id")
    )
    for p in qs.iterator(chunk_size=2000):
        yield {
            "credit_code": p.organization.enterprise.credit_code,
            "name": p.organization.name,
            "campaign": p.campaign.name if p.campaign is not None else "",
            "source": p.get_source_display(),
            "clause_code": p.clause.code if p.clause is not None else "",
            "description": p.description,
            "grade": p.get_grade_display(),
            "status": p.get_status_display(),
            "measures": p.measures,
            "responsible_person": p.responsible_person,
            "deadline": _date(p.deadline),
            "funds": str(p.funds) if p.funds is not None else "",
            "overdue": "是" if p.is_overdue else "否",
            "closed_at": _date(p.closed_at),
        }


def package_rows(
    enterprises: QuerySet[Enterprise], campaign: Campaign | None
) -> dict[str, Iterator[dict[str, Any]]]:
    return {
        "enterprises": enterprise_rows(enterprises),
        "answers": answer_rows(enterprises, campaign),
        "problems": problem_rows(enterprises, campaign),
    }


# --- reconciliation ---------------------------------------------------------------------------


@dataclass
class ReconcileRow:
    unit: Organization
    registry: int
    on_platform: int
    reported: int | None  # 附件3 column 1 of the unit's latest submitted table
    period: str

    @property
    def not_on_platform(self) -> int:
        return self.registry - self.on_platform

    @property
    def difference(self) -> int | None:
        """Reported look-back enterprises minus those the regional platform holds."""
        return None if self.reported is None else self.reported - self.on_platform

    @property
    def has_difference(self) -> bool:
        return bool(self.not_on_platform) or bool(self.difference)


def reconcile_rows(units: QuerySet[Organization]) -> list[ReconcileRow]:
    """Per department (primary) and town: registry counts against the submitted 附件3 tables.

    Three queries whatever the number of units or enterprises.
    """
    from anbiao.stats.models import REPORTED_STATUSES, StatsSubmission

    base = Enterprise.objects.filter(is_closed=False, organization__is_active=True).order_by()
    counts: dict[Any, list[int]] = {}
    for key in PLACED_BY:  # (primary department, town)
        for r in base.values(key).annotate(
            n=Count("pk"), p=Count("pk", filter=Q(on_regional_platform=True))
        ):
            cell = counts.setdefault(r[key], [0, 0])
            cell[0] += r["n"]
            cell[1] += r["p"]
    units = units.filter(kind__in=(OrgKind.DEPARTMENT, OrgKind.TOWN), is_active=True)
    latest: dict[Any, StatsSubmission] = {}
    for s in StatsSubmission.objects.filter(unit__in=units, status__in=REPORTED_STATUSES).order_by(
        "unit_id", "-period_end", "-submitted_at"
    ):
        latest.setdefault(s.unit_id, s)
    rows = []
    for unit in units.order_by("kind", "sort_order", "name"):
        n, p = counts.get(unit.pk, [0, 0])
        last = latest.get(unit.pk)
        rows.append(
            ReconcileRow(
                unit=unit,
                registry=n,
                on_platform=p,
                reported=last.reported(1) if last is not None and last.computed else None,
                period=f"{last.period_start}—{last.period_end}" if last is not None else "",
            )
        )
    return rows
