"""Render a :class:`~.exporters.Sheet` as .docx laid out like 附件1/附件2.

A4 landscape; 附件 label (黑体), title (方正小标宋简体, falling back to 黑体 where missing),
header line (企业名称 / 主要负责人（签字）with the drawn signature image / 时间), then the table
项目 | “回头看”内容 | “回头看”细则 | 存在问题 | 备注 with 项目 and 内容 merged vertically over
their clauses, the heading row repeated on each page (``w:tblHeader``), borders on every cell.
Every run carries its East Asian font (``w:eastAsia``) so WPS and Word show 宋体, not a
fallback.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from anbiao.checklists.exports.exporters import Sheet

BODY_FONT = "宋体"
TITLE_FONT = "方正小标宋简体"
LABEL_FONT = "黑体"
WIDTHS_MM = (20, 52, 95, 60, 30)  # 257 mm: A4 landscape less 20 mm margins each side


def set_run_font(run, name: str, size: float | None = None, bold: bool | None = None) -> None:  # noqa: ANN001
    """Set a run's Latin and East Asian font (python-docx sets only the Latin one)."""
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _default_font(document, name: str, size: float) -> None:  # noqa: ANN001
    style = document.styles["Normal"]
    style.font.name = name
    style.font.size = Pt(size)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def landscape_a4(document) -> None:  # noqa: ANN001
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)


def _borders(table) -> None:  # noqa: ANN001
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )


def _repeat_header(row) -> None:  # noqa: ANN001
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    no_split = OxmlElement("w:cantSplit")
    tr_pr.append(no_split)


def _write(
    cell, text: str, *, bold: bool = False, center: bool = False, size: float = 10.5
) -> None:  # noqa: ANN001
    """Put ``text`` into a cell, one paragraph per line."""
    lines = text.split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        if line:
            set_run_font(paragraph.add_run(line), BODY_FONT, size, bold)


def render_docx(sheet: Sheet) -> bytes:
    """The .docx file of ``sheet`` as bytes."""
    document = Document()
    _default_font(document, BODY_FONT, 10.5)
    landscape_a4(document)

    label = document.add_paragraph()
    set_run_font(label.add_run(sheet.attachment), LABEL_FONT, 14)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(title.add_run(sheet.title), TITLE_FONT, 18)

    header = document.add_paragraph()
    for index, field_ in enumerate(sheet.header):
        if index:
            set_run_font(header.add_run("\u3000" * 4), BODY_FONT, 12)
        set_run_font(header.add_run(field_.label), BODY_FONT, 12, True)
        if field_.is_signature and sheet.signature_path:
            header.add_run().add_picture(sheet.signature_path, height=Mm(10))
        elif field_.value:
            set_run_font(header.add_run(field_.value), BODY_FONT, 12)
        else:
            set_run_font(header.add_run("\u3000" * 8), BODY_FONT, 12)

    ncols = len(sheet.columns)
    table = document.add_table(rows=1 + len(sheet.rows), cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    for col, heading in enumerate(sheet.columns):
        cell = table.cell(0, col)
        _write(cell, heading, bold=True, center=True)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _repeat_header(table.rows[0])

    for r, row in enumerate(sheet.rows, start=1):
        cells = table.rows[r].cells
        if row.section_span:
            _write(cells[0], row.section, center=True)
            cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if row.item_span:
            _write(cells[1], row.item)
        _write(cells[2], row.clause)
        _write(cells[3], row.problems)
        _write(cells[4], row.remarks)
    for r, row in enumerate(sheet.rows, start=1):
        if row.section_span > 1:
            table.cell(r, 0).merge(table.cell(r + row.section_span - 1, 0))
        if row.item_span > 1:
            table.cell(r, 1).merge(table.cell(r + row.item_span - 1, 1))

    for column, width in zip(table.columns, WIDTHS_MM, strict=False):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    document.core_properties.title = sheet.title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
