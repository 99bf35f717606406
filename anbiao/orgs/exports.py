"""The registry export: rows in the import columns, so the file re-imports cleanly."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook

from anbiao.core.xlsx import table_workbook
from anbiao.orgs.models import Enterprise, IndustrySection, SizeClass
from anbiao.orgs.registry_columns import REGISTRY_COLUMNS

EXTRA_HEADERS = ("星级", "风险等级", "已纳入智慧管理平台", "状态")


def registry_rows(enterprises: Iterable[Enterprise]) -> Iterator[list[Any]]:
    industry = dict(IndustrySection.choices)
    sizes = dict(SizeClass.choices)
    for e in enterprises:
        yield [
            e.organization.name,
            e.credit_code,
            e.principal,
            e.phone,
            e.town.name,
            e.department.name,
            industry.get(e.industry, e.industry),
            sizes.get(e.size_class, e.size_class),
            e.address,
            e.get_star_level_display() if e.star_level else "",
            e.get_risk_level_display() if e.risk_level else "",
            "是" if e.on_regional_platform else "否",
            "已关闭" if e.is_closed else "在营",
        ]


def registry_workbook(enterprises: QuerySet[Enterprise]) -> Workbook:
    headers = [c.header for c in REGISTRY_COLUMNS] + list(EXTRA_HEADERS)
    widths = [c.width for c in REGISTRY_COLUMNS] + [8, 8, 12, 8]
    rows = registry_rows(
        enterprises.select_related("organization", "town", "department").iterator(chunk_size=2000)
    )
    return table_workbook(
        title="企业底数台账", headers=headers, rows=rows, widths=widths, sheet_title="企业底数台账"
    )
