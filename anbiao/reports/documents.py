"""The report as documents: .docx (python-docx, editable in WPS/Word) and .pdf (WeasyPrint).

Both are rendered from the same facts (:func:`anbiao.reports.selectors.report_facts`), in the
same order: 一、基本情况 二、“回头看”组织开展情况 三、自查发现问题 四、问题整改情况
五、尚未整改问题及下一步计划, then the principal's signature and the date.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from anbiao.checklists.exports.docx import set_run_font
from anbiao.reports.models import ReportVersion, SignatureMethod

BODY = "仿宋"
HEADING = "黑体"
TITLE = "方正小标宋简体"
SECTION_TITLES = (
    "一、基本情况",
    "二、“回头看”组织开展情况",
    "三、自查发现问题",
    "四、问题整改情况",
    "五、尚未整改问题及下一步计划",
)
PROBLEM_COLUMNS = ("序号", "条款", "问题描述", "等级", "责任人", "整改期限", "状态")


def basic_rows(facts: dict[str, Any]) -> list[tuple[str, str]]:
    unit = facts["unit"]
    rows = [("单位名称", unit["name"]), ("单位类型", unit["kind"])]
    if unit.get("is_enterprise"):
        rows += [
            ("统一社会信用代码", unit.get("credit_code", "")),
            ("主要负责人", unit.get("principal", "")),
            ("所属乡镇（街道）", unit.get("town", "")),
            ("行业主管部门", unit.get("department", "")),
            ("地址", unit.get("address", "")),
        ]
    rows += [
        ("联系人", unit.get("contact_person", "")),
        ("联系电话", unit.get("contact_phone", "")),
    ]
    return rows


def checklist_sentence(facts: dict[str, Any]) -> str:
    c = facts.get("checklist") or {}
    if not c.get("exists"):
        return "本单位尚未在平台填报“回头看”细则。"
    return (
        f"本单位对照《{c['title']}》共 {c['total']} 条细则逐条自查，已答复 {c['answered']} 条，"
        f"其中“不符合” {c['nonconform']} 条；细则填报状态：{c['status']}"
        + (f"（{c['submitted_at']}提交）。" if c.get("submitted_at") else "。")
    )


def totals_sentence(facts: dict[str, Any]) -> str:
    t = facts["totals"]
    return (
        f"“回头看”自查共发现问题 {t['total']} 个，已整改销号 {t['closed']} 个，"
        f"尚未销号 {t['open']} 个（其中逾期 {t['overdue']} 个）。"
    )


def signature_data_uri(version: ReportVersion) -> str | None:
    stored = version.signature_file
    if stored is None or version.signature_method != SignatureMethod.DRAWN or not stored.is_image:
        return None
    with stored.file.open("rb") as fh:
        data = base64.b64encode(fh.read()).decode()
    return f"data:{stored.content_type};base64,{data}"


def _para(
    document,
    text: str,
    *,
    font: str = BODY,
    size: float = 14,
    bold: bool = False,
    center: bool = False,
    indent: bool = True,
):  # noqa: ANN001, ANN202
    p = document.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    set_run_font(p.add_run(text), font, size, bold)
    return p


def _table(document, header: tuple[str, ...] | None, rows: list[tuple[str, ...]]) -> None:  # noqa: ANN001
    ncols = len(header) if header else len(rows[0])
    table = document.add_table(rows=0, cols=ncols)
    table.style = "Table Grid"
    for r, values in enumerate(([header] if header else []) + rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            p = cell.paragraphs[0]
            set_run_font(p.add_run(str(value)), BODY, 10.5, bool(header) and r == 0)


def render_docx(version: ReportVersion, facts: dict[str, Any]) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(28)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    style = document.styles["Normal"]
    style.font.name = BODY
    style.font.size = Pt(14)
    from docx.oxml.ns import qn

    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY)

    _para(document, facts["title"], font=TITLE, size=20, center=True)
    _para(document, f"（{facts['campaign']}）", size=14, center=True)

    _para(document, SECTION_TITLES[0], font=HEADING, indent=True)
    _table(document, None, [(k, v or "") for k, v in basic_rows(facts)])

    _para(document, SECTION_TITLES[1], font=HEADING)
    for line in (facts.get("organization_text") or "（未填写）").splitlines():
        if line.strip():
            _para(document, line.strip())
    _para(document, checklist_sentence(facts))

    _para(document, SECTION_TITLES[2], font=HEADING)
    _para(document, totals_sentence(facts))
    if facts["sections"]:
        _table(
            document,
            ("项目", "发现问题（个）", "已销号（个）", "未销号（个）"),
            [(s["title"], s["count"], s["closed"], s["open"]) for s in facts["sections"]],
        )
        for s in facts["sections"]:
            _para(document, f"{s['title']}（{s['count']} 个）", font=HEADING, size=12)
            for n, p in enumerate(s["problems"], start=1):
                _para(document, f"{n}.【{p['code']}】{p['description']}（{p['grade']}）", size=12)

    _para(document, SECTION_TITLES[3], font=HEADING)
    rows: list[tuple[str, ...]] = [
        (
            str(n),
            p["code"],
            p["description"],
            p["grade"],
            p["responsible"] or "未明确",
            p["deadline"] or "未明确",
            p["status"] + ("（逾期）" if p["overdue"] else ""),
        )
        for n, p in enumerate((p for s in facts["sections"] for p in s["problems"]), start=1)
    ]
    if rows:
        _table(document, PROBLEM_COLUMNS, rows)
    else:
        _para(document, "本次“回头看”未发现问题。")

    _para(document, SECTION_TITLES[4], font=HEADING)
    if facts["open_problems"]:
        _para(document, f"尚未销号的问题 {len(facts['open_problems'])} 个：")
        for n, p in enumerate(facts["open_problems"], start=1):
            _para(
                document,
                f"{n}.【{p['code']}】{p['description']}——责任人：{p['responsible'] or '未明确'}，"
                f"整改期限：{p['deadline'] or '未明确'}，当前状态：{p['status']}。",
                size=12,
            )
    else:
        _para(document, "发现的问题均已整改销号。")
    for line in (facts.get("plan_text") or "").splitlines():
        if line.strip():
            _para(document, line.strip())

    document.add_paragraph()
    p = _para(document, f"{facts['unit']['name']}", indent=False)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_run_font(p.add_run("主要负责人（签字）："), BODY, 14)
    uri_path = None
    if version.signature_method == SignatureMethod.DRAWN and version.signature_file is not None:
        uri_path = version.signature_file.file.path
    if uri_path:
        p.add_run().add_picture(uri_path, height=Mm(12))
    else:
        text = facts.get("signer_name") or "\u3000" * 6
        if version.signature_method == SignatureMethod.SCAN:
            text += "（已上传签字扫描件）"
        set_run_font(p.add_run(text), BODY, 14)
    p = _para(document, f"日期：{facts['date']}", indent=False)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.core_properties.title = facts["title"]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_html(version: ReportVersion, facts: dict[str, Any]) -> str:
    problems = [p for s in facts["sections"] for p in s["problems"]]
    return render_to_string(
        "reports/report_pdf.html",
        {
            "facts": facts,
            "version": version,
            "basic_rows": basic_rows(facts),
            "checklist_sentence": checklist_sentence(facts),
            "totals_sentence": totals_sentence(facts),
            "problems": problems,
            "section_titles": SECTION_TITLES,
            "columns": PROBLEM_COLUMNS,
            "signature_uri": signature_data_uri(version),
        },
    )


def render_pdf(version: ReportVersion, facts: dict[str, Any]) -> bytes:
    """WeasyPrint; the fonts are the system's Noto CJK (Debian fonts-noto-cjk)."""
    from weasyprint import HTML

    return HTML(string=render_html(version, facts)).write_pdf()
