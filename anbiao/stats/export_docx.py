"""附件3 as .docx: the :class:`anbiao.stats.exports.Sheet` laid out in Word.

The table is written as WordprocessingML elements directly, row by row: python-docx's
``table.cell(r, c)`` rebuilds the whole cell grid on every call, which made the consolidated
table quadratic (8.7 s at the demo size; ``bench/stats_docx.py`` measures both). The two
header rows repeat on every page (``w:tblHeader``), no row splits across pages
(``w:cantSplit``), the layout is fixed with every column wide enough for its header's lines
(the source document's line breaks, never a bracket alone on a line), and the figures are the
numbers with a superscript footnote mark; the reasons follow the table as numbered footnotes.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from anbiao.stats.exports import (
    FONT,
    FOOTNOTE_HEAD,
    LABEL,
    NOTE,
    TITLE,
    UNIT_HEADER,
    Sheet,
    cell_text,
    chars_per_line,
    date_text,
    header_cells,
    mark,
    marks_text,
)

TWIPS_PER_CM = 567
PAGE_WIDTH_CM = 29.7 - 2 * 1.5
HEADER_PT = 8
BODY_PT = 9
CELL_MARGIN_TWIPS = 57  # 0.1 cm each side
LABEL_MIN_CM = 3.5


def column_widths_cm(sheet: Sheet) -> list[float]:
    """Each figure column: the characters per line its header needs (8 pt, 1 pt = 1/72 in) plus
    the cell margins; the unit column takes what is left (the unit's table fills the page)."""
    _, names = header_cells(sheet)
    char_cm = HEADER_PT / 72 * 2.54
    cols = [chars_per_line(nm) * char_cm + 0.35 for nm in names]
    if sheet.with_unit_column:
        label = max(PAGE_WIDTH_CM - sum(cols), LABEL_MIN_CM)
        return [label, *cols]
    scale = PAGE_WIDTH_CM / sum(cols)
    return [w * scale for w in cols]


def _el(tag: str, **attrs: str) -> Any:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _run(text: str, *, size: int, bold: bool = False, sup: bool = False) -> Any:
    r = _el("w:r")
    rpr = _el("w:rPr")
    rpr.append(_el("w:rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT))
    if bold:
        rpr.append(_el("w:b"))
    rpr.append(_el("w:sz", val=str(size * 2)))
    if sup:
        rpr.append(_el("w:vertAlign", val="superscript"))
    r.append(rpr)
    t = _el("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    r.append(t)
    return r


def _cell(
    lines: list[str],
    width: int,
    *,
    size: int,
    bold: bool = False,
    center: bool = True,
    span: int = 1,
    vmerge: str | None = None,
    sup: str = "",
) -> Any:
    tc = _el("w:tc")
    tcpr = _el("w:tcPr")
    tcpr.append(_el("w:tcW", w=str(width), type="dxa"))
    if span > 1:
        tcpr.append(_el("w:gridSpan", val=str(span)))
    if vmerge:
        tcpr.append(_el("w:vMerge", val=vmerge))
    tcpr.append(_el("w:vAlign", val="center"))
    tc.append(tcpr)
    p = _el("w:p")
    ppr = _el("w:pPr")
    ppr.append(_el("w:spacing", before="0", after="0"))
    ppr.append(_el("w:jc", val="center" if center else "left"))
    p.append(ppr)
    for i, line in enumerate(lines):
        if i:
            br = _el("w:r")
            br.append(_el("w:br"))
            p.append(br)
        if line:
            p.append(_run(line, size=size, bold=bold))
    if sup:
        p.append(_run(sup, size=size, sup=True))
    tc.append(p)
    return tc


def _row(cells: list[Any], *, header: bool) -> Any:
    tr = _el("w:tr")
    trpr = _el("w:trPr")
    trpr.append(_el("w:cantSplit"))
    if header:
        trpr.append(_el("w:tblHeader"))
    tr.append(trpr)
    for tc in cells:
        tr.append(tc)
    return tr


def _table(sheet: Sheet, widths_cm: list[float]) -> Any:
    tw = [round(w * TWIPS_PER_CM) for w in widths_cm]
    tbl = _el("w:tbl")
    pr = _el("w:tblPr")
    pr.append(_el("w:tblStyle", val="TableGrid"))
    pr.append(_el("w:tblW", w=str(sum(tw)), type="dxa"))
    pr.append(_el("w:jc", val="center"))
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    pr.append(borders)
    pr.append(_el("w:tblLayout", type="fixed"))
    mar = _el("w:tblCellMar")
    mar.append(_el("w:left", w=str(CELL_MARGIN_TWIPS), type="dxa"))
    mar.append(_el("w:right", w=str(CELL_MARGIN_TWIPS), type="dxa"))
    pr.append(mar)
    tbl.append(pr)
    grid = _el("w:tblGrid")
    for w in tw:
        grid.append(_el("w:gridCol", w=str(w)))
    tbl.append(grid)

    offset = 1 if sheet.with_unit_column else 0
    groups, names = header_cells(sheet)
    first: list[Any] = []
    second: list[Any] = []
    if offset:
        first.append(_cell([UNIT_HEADER], tw[0], size=HEADER_PT, bold=True, vmerge="restart"))
        second.append(_cell([], tw[0], size=HEADER_PT, vmerge="continue"))
    for col, span, text in groups:
        width = sum(tw[col - 1 : col - 1 + span])
        first.append(_cell(text.split("\n"), width, size=HEADER_PT, bold=True, span=span))
    for i, name in enumerate(names):
        second.append(_cell(name.split("\n"), tw[i + offset], size=HEADER_PT, bold=True))
    tbl.append(_row(first, header=True))
    tbl.append(_row(second, header=True))
    for srow in sheet.rows:
        cells = []
        if offset:
            cells.append(_cell([srow.label or ""], tw[0], size=BODY_PT, center=False))
        for i, v in enumerate(srow.values):
            nos = srow.marks.get(i + 1, []) if v is not None else []
            cells.append(_cell([cell_text(v)], tw[i + offset], size=BODY_PT, sup=marks_text(nos)))
        tbl.append(_row(cells, header=False))
    return tbl


def render_docx(sheet: Sheet) -> bytes:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.5))
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    def para(text: str, *, size: int = 11, bold: bool = False, center: bool = False) -> Any:
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        run.font.name = FONT
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    para(LABEL, size=12, bold=True)
    para(TITLE, size=16, bold=True, center=True)
    anchor = para(
        f"填报单位（盖章）：{sheet.unit_name}" + "\u3000" * 8 + f"填报时间：{date_text(sheet.date)}"
    )
    anchor._p.addnext(_table(sheet, column_widths_cm(sheet)))
    if sheet.footnotes:
        para(FOOTNOTE_HEAD, size=9)
        for i, text in enumerate(sheet.footnotes, start=1):
            para(f"{mark(i)} {text}", size=9)
    para(f"填报人：{sheet.filler}" + "\u3000" * 16 + f"联系电话：{sheet.phone}")
    para(NOTE, size=10)
    para(f"统计期：{sheet.period.label}。" + "".join(sheet.remarks), size=8)
    doc.core_properties.title = TITLE
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
