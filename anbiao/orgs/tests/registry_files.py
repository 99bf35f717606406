"""Messy registry files built in the tests (title rows, merged cells, full-width text…)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from stdnum.cn import uscc

from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "主要负责人",
    "联系电话",
    "所属乡镇/街道",
    "主管部门",
    "行业门类",
    "企业类型",
    "地址",
]


def code(body: str) -> str:
    """A valid credit code from a 17-character body."""
    return body + uscc.calc_check_digit(body)


def bad_code(body: str) -> str:
    """A credit code whose check digit is wrong."""
    good = uscc.calc_check_digit(body)
    return body + ("0" if good != "0" else "1")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def xlsx_bytes(rows: list[list[Any]], *, merges: tuple[str, ...] = (), title: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title or "底数台账"
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], *, encoding: str) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    text = out.getvalue()
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    return text.encode(encoding)


def nanan_units() -> dict[str, Any]:
    """The towns and departments the messy files refer to."""
    return {
        "city": OrganizationFactory.create(kind=OrgKind.CITY, name="南安市安全生产委员会办公室"),
        "xm": OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道"),
        "st": OrganizationFactory.create(kind=OrgKind.TOWN, name="水头镇"),
        "xf": OrganizationFactory.create(kind=OrgKind.TOWN, name="雪峰华侨经济开发区"),
        "yj": OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局"),
        "jt": OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市交通运输局"),
    }
