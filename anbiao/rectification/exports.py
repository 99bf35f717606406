"""The rectification ledger (隐患排查整改台账) as .xlsx: rows are yielded, the renderer is core."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from anbiao.core.xlsx import table_workbook
from anbiao.rectification.models import Problem

LEDGER_HEADERS = (
    "序号",
    "单位",
    "乡镇",
    "主管部门",
    "来源",
    "条款",
    "问题描述",
    "等级",
    "整改措施",
    "责任人",
    "资金（万元）",
    "整改期限",
    "状态",
    "验收人",
    "销号日期",
    "是否逾期",
)
LEDGER_WIDTHS = (6, 26, 12, 16, 12, 12, 40, 6, 36, 10, 10, 12, 12, 10, 12, 8)


def town_name(problem: Problem) -> str:
    org = problem.organization
    enterprise = getattr(org, "enterprise", None) if org.kind == "enterprise" else None
    if enterprise is not None:
        return enterprise.town.name
    return org.name if org.kind == "town" else ""


def department_name(problem: Problem) -> str:
    org = problem.organization
    enterprise = getattr(org, "enterprise", None) if org.kind == "enterprise" else None
    if enterprise is not None:
        return enterprise.department.name
    return org.name if org.kind == "department" else ""


def clause_code(problem: Problem) -> str:
    return problem.clause.code if problem.clause is not None else ""


def ledger_rows(problems: Iterable[Problem]) -> Iterator[list[Any]]:
    """One row per problem in the order given, with the ledger's 16 columns."""
    for n, p in enumerate(problems, start=1):
        yield [
            n,
            p.organization.name,
            town_name(p),
            department_name(p),
            p.get_source_display(),
            clause_code(p),
            p.description,
            p.get_grade_display(),
            p.measures,
            p.responsible_person,
            float(p.funds) if p.funds is not None else "",
            p.deadline.isoformat() if p.deadline else "",
            p.get_status_display(),
            p.verified_by.display_name if p.verified_by is not None else "",
            timezone.localtime(p.closed_at).date().isoformat() if p.closed_at else "",
            "是" if p.is_overdue else "否",
        ]


def ledger_workbook(problems: Iterable[Problem], *, title: str = "隐患整改台账") -> Workbook:
    return table_workbook(
        title=title,
        headers=LEDGER_HEADERS,
        rows=ledger_rows(problems),
        widths=LEDGER_WIDTHS,
        sheet_title="整改台账",
    )
