"""Writing .xlsx files that open cleanly in WPS and Excel, safe against formula injection."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(name="宋体", bold=True, size=11)
BODY_FONT = Font(name="宋体", size=11)


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe-like quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def table_workbook(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    sheet_title: str = "Sheet1",
) -> Workbook:
    """A one-sheet workbook: a header row, then the rows; bordered, frozen header, A4 landscape."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    fill_table(ws, headers=headers, rows=rows, widths=widths)
    wb.properties.title = title
    return wb


def table_sheet(
    wb: Workbook,
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    sheet_title: str = "Sheet",
) -> Worksheet:
    """One more sheet of the same shape as :func:`table_workbook`'s."""
    ws = wb.create_sheet(sheet_title[:31])
    fill_table(ws, headers=headers, rows=rows, widths=widths)
    return ws


def fill_table(
    ws: Worksheet,
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> None:
    ws.append([safe_cell(h) for h in headers])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = PatternFill("solid", fgColor="EEF0F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.font = BODY_FONT
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, width in enumerate(widths or [16] * len(headers), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def attachment_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def workbook_response(wb: Workbook, *, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    wb.save(buffer)
    return attachment_response(buffer.getvalue(), filename=filename, content_type=XLSX_MIME)
