"""附件3 in the official layout: .xlsx, .docx and .pdf, for one unit or the consolidated city.

The exporter (:func:`unit_sheet`, :func:`city_sheet`) yields a :class:`Sheet` — labels and
values — and the renderers (:func:`render_xlsx`, :func:`render_docx`, :func:`render_pdf`) only
lay it out. Layout, as in the source document: the 附件3 label, the title, the line
填报单位（盖章）：… 填报时间：…年…月…日, two header rows (7 group headers merged over the 15
columns), the data rows, the footer 填报人：… 联系电话：…, and the note on 佐证材料.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from anbiao.core.xlsx import safe_cell
from anbiao.stats.columns import COLUMNS, GROUPS, Period
from anbiao.stats.models import StatsSubmission
from anbiao.stats.selectors import CityTable, UnitTable

LABEL = "附件3"
TITLE = "南安市安全生产标准化提升专项行动“回头看”统计表"
NOTE = "注：总结好的经验、做法和建立工作机制，需同步提供佐证材料。"
UNIT_HEADER = "填报单位"
FONT = "宋体"


def date_text(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "    年  月  日"


@dataclass
class Sheet:
    unit_name: str
    date: dt.date | None
    filler: str
    phone: str
    period: Period
    rows: list[tuple[str | None, list[Any]]]  # (row label for the city table, 15 cells)
    with_unit_column: bool = False
    remarks: list[str] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return len(COLUMNS) + (1 if self.with_unit_column else 0)


def _cell(value: int | None) -> Any:
    return "—" if value is None else value


def unit_sheet(
    table: UnitTable, submission: StatsSubmission | None, *, today: dt.date | None = None
) -> Sheet:
    """A unit's table: its submission's frozen (and adjusted) numbers, or today's live ones."""
    if submission is not None:
        cells = [
            submission.display(c.no)
            if submission.adjustment(c.no)
            else _cell(submission.computed[c.no - 1])
            for c in COLUMNS
        ]
        from django.utils import timezone

        return Sheet(
            unit_name=submission.unit_name,
            date=timezone.localtime(submission.submitted_at).date(),
            filler=submission.filler_name,
            phone=submission.phone,
            period=table.period,
            rows=[(None, cells)],
        )
    return Sheet(
        unit_name=table.unit.name,
        date=today,
        filler="",
        phone="",
        period=table.period,
        rows=[(None, [_cell(v) for v in table.values])],
        remarks=["本表为系统实时统计数，尚未填报。"],
    )


def city_sheet(table: CityTable, *, city_name: str, today: dt.date | None = None) -> Sheet:
    rows: list[tuple[str | None, list[Any]]] = [
        (r.label, [_cell(v) for v in r.values]) for r in table.all_rows
    ]
    return Sheet(
        unit_name=city_name,
        date=today,
        filler="",
        phone="",
        period=table.period,
        rows=rows,
        with_unit_column=True,
        remarks=[
            "全市合计按全市范围一次计算，每家企业只计一次；企业同时计入主管部门和所在乡镇，各行直接相加会重复计算。"
        ],
    )


def header_cells(sheet: Sheet) -> tuple[list[tuple[int, int, str]], list[str]]:
    """Row-4 group headers as (first column, span, text) and the row-5 column names."""
    offset = 1 if sheet.with_unit_column else 0
    groups, col = [], 1 + offset
    for text, span in GROUPS:
        groups.append((col, span, text))
        col += span
    return groups, [c.name for c in COLUMNS]


# --- .xlsx ---------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FIRST_DATA_ROW = 6


def render_xlsx(sheet: Sheet) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "附件3"
    n = sheet.ncols
    last = get_column_letter(n)
    half = max(n // 2, 1)
    body = Font(name=FONT, size=10)

    ws["A1"] = LABEL
    ws["A1"].font = Font(name=FONT, size=12, bold=True)
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = TITLE
    ws["A2"].font = Font(name=FONT, size=16, bold=True)
    ws["A2"].alignment = CENTER
    ws.row_dimensions[2].height = 30
    ws.merge_cells(f"A3:{get_column_letter(half)}3")
    ws["A3"] = safe_cell(f"填报单位（盖章）：{sheet.unit_name}")
    ws.merge_cells(f"{get_column_letter(half + 1)}3:{last}3")
    ws.cell(3, half + 1, f"填报时间：{date_text(sheet.date)}")
    for c in (ws["A3"], ws.cell(3, half + 1)):
        c.font = Font(name=FONT, size=11)
    ws.cell(3, half + 1).alignment = Alignment(horizontal="right")

    groups, names = header_cells(sheet)
    hfont = Font(name=FONT, size=10, bold=True)
    if sheet.with_unit_column:
        ws.merge_cells("A4:A5")
        ws["A4"] = UNIT_HEADER
    for col, span, text in groups:
        if span > 1:
            ws.merge_cells(start_row=4, start_column=col, end_row=4, end_column=col + span - 1)
        ws.cell(4, col, text)
    offset = 1 if sheet.with_unit_column else 0
    for i, name in enumerate(names, start=1 + offset):
        ws.cell(5, i, name)
    for r in (4, 5):
        ws.row_dimensions[r].height = 42
        for c in range(1, n + 1):
            cell = ws.cell(r, c)
            cell.font = hfont
            cell.alignment = CENTER
            cell.border = BORDER

    row = FIRST_DATA_ROW
    for label, cells in sheet.rows:
        values = ([label] if sheet.with_unit_column else []) + list(cells)
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row, c, safe_cell(v))
            cell.font = body
            cell.border = BORDER
            cell.alignment = CENTER if c > offset else Alignment(vertical="center", wrap_text=True)
        ws.row_dimensions[row].height = 24 if all(isinstance(v, int) for v in cells) else 48
        row += 1

    row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=half)
    ws.cell(row, 1, safe_cell(f"填报人：{sheet.filler}")).font = Font(name=FONT, size=11)
    ws.merge_cells(start_row=row, start_column=half + 1, end_row=row, end_column=n)
    ws.cell(row, half + 1, safe_cell(f"联系电话：{sheet.phone}")).font = Font(name=FONT, size=11)
    row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n)
    ws.cell(row, 1, NOTE).font = Font(name=FONT, size=10)

    if sheet.with_unit_column:
        ws.column_dimensions["A"].width = 26
    for c in range(1 + offset, n + 1):
        ws.column_dimensions[get_column_letter(c)].width = 9 if not sheet.with_unit_column else 8
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_rows = "4:5"
    ws.oddFooter.center.text = f"统计期：{sheet.period.label}"
    wb.properties.title = TITLE
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- .docx ---------------------------------------------------------------------------------


def render_docx(sheet: Sheet) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

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

    def para(text: str, *, size: int = 11, bold: bool = False, center: bool = False) -> None:
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        run.font.name = FONT
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    para(LABEL, size=12, bold=True)
    para(TITLE, size=16, bold=True, center=True)
    para(
        f"填报单位（盖章）：{sheet.unit_name}" + "\u3000" * 8 + f"填报时间：{date_text(sheet.date)}"
    )
    n = sheet.ncols
    offset = 1 if sheet.with_unit_column else 0
    table = doc.add_table(rows=2 + len(sheet.rows), cols=n)
    table.style = "Table Grid"
    groups, names = header_cells(sheet)
    if sheet.with_unit_column:
        table.cell(0, 0).merge(table.cell(1, 0))
        table.cell(0, 0).text = UNIT_HEADER
    for col, span, text in groups:
        first = table.cell(0, col - 1)
        if span > 1:
            first = first.merge(table.cell(0, col + span - 2))
        first.text = text
    for i, name in enumerate(names):
        table.cell(1, i + offset).text = name
    for r, (label, cells) in enumerate(sheet.rows, start=2):
        values = ([label] if sheet.with_unit_column else []) + list(cells)
        for c, v in enumerate(values):
            table.cell(r, c).text = str(v)
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in p.runs:
                    run.font.size = Pt(9)
    para(f"填报人：{sheet.filler}" + "\u3000" * 16 + f"联系电话：{sheet.phone}")
    para(NOTE, size=10)
    para(f"统计期：{sheet.period.label}。" + "".join(sheet.remarks), size=8)
    doc.core_properties.title = TITLE
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- .pdf ----------------------------------------------------------------------------------


def render_html(sheet: Sheet) -> str:
    groups, names = header_cells(sheet)
    return render_to_string(
        "stats/print.html",
        {
            "sheet": sheet,
            "label": LABEL,
            "title": TITLE,
            "note": NOTE,
            "groups": [(span, text) for _, span, text in groups],
            "names": names,
            "date_text": date_text(sheet.date),
        },
    )


def render_pdf(sheet: Sheet) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(sheet)).write_pdf()
