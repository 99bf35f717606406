"""Render a :class:`~.exporters.Sheet` as .xlsx laid out like 附件1/附件2.

Rows: 1 附件 label, 2 title (merged over the five columns), 3 header line (企业名称 / 主要负责人
（签字）/ 时间), 4 column headings (repeated on every printed page), 5… one row per clause with
项目 and “回头看”内容 merged over their clauses. A4 landscape, one page wide, 宋体 body and
黑体 title, thin borders on every table cell.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from anbiao.checklists.exports.exporters import Sheet
from anbiao.core.xlsx import BORDER, safe_cell

WIDTHS = (9, 28, 52, 36, 18)
TITLE_ROW, HEADER_ROW, COLUMNS_ROW = 2, 3, 4
FIRST_DATA_ROW = 5
BODY = Font(name="宋体", size=10.5)
BOLD = Font(name="宋体", size=10.5, bold=True)
TITLE = Font(name="黑体", size=16)
LABEL = Font(name="黑体", size=12)
WRAP_TOP = Alignment(vertical="top", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _lines(text: str, width: float) -> int:
    """Printed lines of ``text`` in a column ``width`` wide (a CJK character is ~2 units)."""
    per_line = max(int(width / 2.1), 1)
    return sum(max(1, -(-len(line) // per_line)) for line in text.split("\n")) if text else 1


def row_height(values: tuple[str, ...], widths: tuple[int, ...]) -> float:
    """Row height in points, so wrapped text shows in every viewer (not all of them auto-fit)."""
    lines = max(_lines(v, w) for v, w in zip(values, widths, strict=False))
    return round(lines * 14.5 + 4, 1)


def _merge_header(ws, sheet: Sheet) -> None:  # noqa: ANN001
    """Header line: 企业名称 over A:B, 主要负责人（签字）over C (image anchored in D), 时间 in E."""
    cells = {0: "A", 1: "C", 2: "E"}
    ws.merge_cells(f"A{HEADER_ROW}:B{HEADER_ROW}")
    for index, field_ in enumerate(sheet.header[:3]):
        col = cells.get(index, "E")
        value = field_.label
        if not (field_.is_signature and sheet.signature_path):
            value += field_.value  # a drawn signature shows as the image instead of the name
        cell = ws[f"{col}{HEADER_ROW}"]
        cell.value = safe_cell(value)
        cell.font = BOLD
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    if sheet.signature_path:
        image = XlImage(sheet.signature_path)
        ratio = 36 / max(image.height, 1)
        image.height = 36
        image.width = int(image.width * ratio)
        ws.add_image(image, f"D{HEADER_ROW}")
        ws.row_dimensions[HEADER_ROW].height = 30


def render_xlsx(sheet: Sheet) -> bytes:
    """The .xlsx file of ``sheet`` as bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = (sheet.attachment or "细则")[:31]
    ncols = len(sheet.columns)
    last = get_column_letter(ncols)

    ws["A1"] = sheet.attachment
    ws["A1"].font = LABEL
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws[f"A{TITLE_ROW}"] = sheet.title
    ws[f"A{TITLE_ROW}"].font = TITLE
    ws[f"A{TITLE_ROW}"].alignment = CENTER
    ws.row_dimensions[TITLE_ROW].height = 30
    _merge_header(ws, sheet)

    for col, heading in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=COLUMNS_ROW, column=col, value=heading)
        cell.font = BOLD
        cell.alignment = CENTER
        cell.border = BORDER

    for offset, row in enumerate(sheet.rows):
        r = FIRST_DATA_ROW + offset
        values = (
            row.section if row.section_span else "",
            row.item if row.item_span else "",
            row.clause,
            row.problems,
            row.remarks,
        )
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=safe_cell(value) if value else None)
            cell.font = BODY
            cell.border = BORDER
            cell.alignment = CENTER if col == 1 else WRAP_TOP
        # a merged 内容 cell spreads over its rows; only an unmerged one sets this row's height
        own = (row.item if row.item_span == 1 else "", *values[2:])
        ws.row_dimensions[r].height = row_height(own, WIDTHS[1:])
    for offset, row in enumerate(sheet.rows):  # merge once every cell carries its border
        r = FIRST_DATA_ROW + offset
        if row.section_span > 1:
            ws.merge_cells(
                start_row=r, start_column=1, end_row=r + row.section_span - 1, end_column=1
            )
        if row.item_span > 1:
            ws.merge_cells(start_row=r, start_column=2, end_row=r + row.item_span - 1, end_column=2)

    for col, width in enumerate(WIDTHS[:ncols], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{COLUMNS_ROW}:{COLUMNS_ROW}"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    wb.properties.title = sheet.title
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
