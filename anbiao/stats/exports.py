"""附件3 in the official layout: .xlsx, .docx and .pdf, for one unit or the consolidated city.

The exporters (:func:`unit_sheet`, :func:`city_sheet`) yield a :class:`Sheet` — labels, NUMBERS
and numbered footnotes — and the renderers (:func:`render_xlsx`, :func:`render_docx` in
:mod:`anbiao.stats.export_docx`, :func:`render_pdf`) only lay it out. Layout, as in the source
document: the 附件3 label, the title, the line 填报单位（盖章）：… 填报时间：…年…月…日, two header
rows (7 group headers merged over the 15 columns, with the seed's line breaks: 企业／（家）),
the data rows, the numbered footnotes (the reason of every adjusted figure), the footer
填报人：… 联系电话：…, and the note on 佐证材料.

An adjusted figure is printed as the number itself with a footnote mark (in .xlsx the cell stays
numeric, the mark is its number format, so SUM works); the reason goes into the footnote.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from anbiao.core.xlsx import safe_cell
from anbiao.stats.columns import COLUMNS, GROUPS, Period
from anbiao.stats.models import StatsSubmission
from anbiao.stats.selectors import UnitTable

if TYPE_CHECKING:
    from anbiao.stats.reported import ReportedCityTable, ReportedRow

LABEL = "附件3"
TITLE = "南安市安全生产标准化提升专项行动“回头看”统计表"
NOTE = "注：总结好的经验、做法和建立工作机制，需同步提供佐证材料。"
UNIT_HEADER = "填报单位"
FONT = "宋体"
FOOTNOTE_HEAD = "调整说明："

# The header labels as the source document breaks them (附件3 of the seed).
PRINT_GROUPS: tuple[str, ...] = (
    "开展“回头看”\n数量",
    "开展“回头看”自查发现问题",
    "形成自查自纠报告",
    "督导检查",
    "总结好的经验、做法",
    "建立工作机制",
    "曝光执法典型案例",
)
PRINT_NAMES: tuple[str, ...] = (
    "企业\n（家）",
    "政府部门\n（个）",
    "企业自查发现问题（个）",
    "政府部门\n自查发现问题（个）",
    "企业\n（份）",
    "政府部门\n（份）",
    "企业\n（家）",
    "发现问题（个）",
    "政府部门\n（个）",
    "发现问题（个）",
    "企业\n（条）",
    "政府部门\n（条）",
    "个数",
    "批数",
    "家数",
)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def date_text(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "    年  月  日"


def mark(no: int) -> str:
    """The footnote mark: ① … ⑳, then [21] …"""
    return CIRCLED[no - 1] if 1 <= no <= len(CIRCLED) else f"[{no}]"


def marks_text(nos: list[int]) -> str:
    return "".join(mark(n) for n in nos)


def text_width(text: str) -> int:
    """Display width: a full-width (CJK) character counts 2, any other 1."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def chunks(line: str, per_line: int) -> list[str]:
    return [line[i : i + per_line] for i in range(0, len(line), per_line)] or [""]


def lone_bracket(label: str, per_line: int) -> bool:
    """Whether wrapping ``label`` at ``per_line`` characters leaves a bracket on a line alone
    (or a line beginning with a closing bracket / ending with an opening one)."""
    for line in label.split("\n"):
        for part in chunks(line, per_line):
            if part in ("（", "）") or part.startswith("）") or part.endswith("（"):
                return True
    return False


def chars_per_line(label: str, least: int = 4) -> int:
    """The fewest characters per line (at least ``least``) that wrap ``label`` without a lone
    bracket: the width a header column needs."""
    k = least
    while lone_bracket(label, k) and k < 40:
        k += 1
    return k


def lines_needed(text: str, per_line: int) -> int:
    return sum(max(1, math.ceil(len(line) / max(per_line, 1))) for line in text.split("\n"))


@dataclass
class SheetRow:
    label: str | None
    values: list[int | None]
    marks: dict[int, list[int]] = field(default_factory=dict)  # column no → footnote numbers
    kind: str = "unit"


@dataclass
class Sheet:
    unit_name: str
    date: dt.date | None
    filler: str
    phone: str
    period: Period
    rows: list[SheetRow]
    with_unit_column: bool = False
    remarks: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)  # footnote n is footnotes[n - 1]
    # the on-screen explanation rows (subtotals, 直接相加, 差额): a second sheet of the .xlsx only
    explanation: list[SheetRow] = field(default_factory=list)
    explanation_text: list[str] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return len(COLUMNS) + (1 if self.with_unit_column else 0)


def cell_text(value: int | None, nos: list[int] | None = None) -> str:
    return ("—" if value is None else str(value)) + marks_text(nos or [])


def adjustment_note(sub: StatsSubmission, no: int, *, who: str = "") -> str:
    adj = sub.adjustment(no)
    assert adj is not None
    col = COLUMNS[no - 1]
    system = sub.computed[no - 1]
    value = int(adj["value"])
    sys_text = "—" if system is None else str(system)
    return (
        f"{who}第{no}列（{col.group}·{col.name}）填报 {value}"
        f"（系统统计 {sys_text}，调整 {value - (system or 0):+d}）：{adj['reason']}"
    )


def unit_sheet(
    table: UnitTable, submission: StatsSubmission | None, *, today: dt.date | None = None
) -> Sheet:
    """A unit's table: its submission's frozen (and adjusted) numbers, or today's live ones."""
    if submission is not None:
        marks: dict[int, list[int]] = {}
        notes: list[str] = []
        for no in sorted(int(k) for k in submission.adjustments):
            notes.append(adjustment_note(submission, no))
            marks[no] = [len(notes)]
        status = "已接收" if submission.is_accepted else "已填报，待上一级单位审核"
        return Sheet(
            unit_name=submission.unit_name,
            date=timezone.localtime(submission.submitted_at).date(),
            filler=submission.filler_name,
            phone=submission.phone,
            period=table.period,
            rows=[SheetRow(None, submission.reported_values, marks)],
            footnotes=notes,
            remarks=[f"本表为填报（冻结）数（{status}）。"],
        )
    return Sheet(
        unit_name=table.unit.name,
        date=today,
        filler="",
        phone="",
        period=table.period,
        rows=[SheetRow(None, list(table.values))],
        remarks=["本表为系统实时统计数，尚未填报。"],
    )


def _row(r: ReportedRow, label: str | None = None) -> SheetRow:
    return SheetRow(label or r.label, list(r.figures), dict(r.marks), r.kind)


def city_sheet(table: ReportedCityTable, *, city_name: str, today: dt.date | None = None) -> Sheet:
    """The form sent upward: a row per unit (its reported figures once submitted), the
    市安委办本级 row and the 全市合计 (上报数); every adjustment is a numbered footnote. The
    explanation rows go to a second sheet of the .xlsx only."""
    from anbiao.stats.reported import ROWS_EXPLAINED, TOTAL_EXPLAINED

    rows = [_row(r) for r in table.units]
    if table.own is not None:
        rows.append(_row(table.own))
    rows.append(_row(table.official_total, "全市合计"))
    remarks = [
        "全市合计＝全市系统合计（每家企业只计一次，不是各行相加）＋已接收的调整（见调整说明）。"
    ]
    if table.not_reported:
        remarks.append(f"未填报单位列示系统实时数：{'、'.join(table.not_reported)}。")
    explanation = [_row(r) for r in (*table.explanation, table.adjustments)]
    return Sheet(
        unit_name=city_name,
        date=today,
        filler="",
        phone="",
        period=table.period,
        rows=rows,
        with_unit_column=True,
        remarks=remarks,
        footnotes=[f.text for f in table.footnotes],
        explanation=explanation,
        explanation_text=[TOTAL_EXPLAINED, ROWS_EXPLAINED],
    )


def header_cells(sheet: Sheet) -> tuple[list[tuple[int, int, str]], list[str]]:
    """Row-4 group headers as (first column, span, text) and the row-5 column names, with the
    source document's line breaks."""
    offset = 1 if sheet.with_unit_column else 0
    groups, col = [], 1 + offset
    for (_, span), text in zip(GROUPS, PRINT_GROUPS, strict=True):
        groups.append((col, span, text))
        col += span
    return groups, list(PRINT_NAMES)


# --- .xlsx ---------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
FIRST_DATA_ROW = 6
LABEL_WIDTH = 30
LINE_PT = 14  # one line of 10–11 pt 宋体, in points


def _height(lines: int) -> float:
    return LINE_PT * max(lines, 1) + 8


def _fits(text: str, width: float) -> int:
    """Lines that ``text`` takes in a column ``width`` characters wide (CJK counts 2)."""
    per = max(width - 1.5, 1)
    return sum(max(1, math.ceil(text_width(line) / per)) for line in text.split("\n"))


def column_widths(sheet: Sheet) -> list[float]:
    """Every column wide enough for the longest line of its header (the seed's lines, never
    wrapped further, so no bracket sits alone) and for its longest figure with its mark."""
    widths: list[float] = [LABEL_WIDTH] if sheet.with_unit_column else []
    for i, name in enumerate(PRINT_NAMES):
        need = max(text_width(line) for line in name.split("\n"))
        for r in [*sheet.rows, *sheet.explanation]:
            need = max(need, text_width(cell_text(r.values[i], r.marks.get(i + 1))))
        widths.append(max(need + 2, 7))
    return widths


def _table(ws: Any, sheet: Sheet, rows: list[SheetRow], top: int, widths: list[float]) -> int:
    """Header rows at ``top`` and ``top + 1``, then ``rows``; returns the next free row."""
    n = sheet.ncols
    offset = 1 if sheet.with_unit_column else 0
    hfont = Font(name=FONT, size=10, bold=True)
    body = Font(name=FONT, size=10)
    groups, names = header_cells(sheet)
    if sheet.with_unit_column:
        ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
        ws.cell(top, 1, UNIT_HEADER)
    group_lines = 1
    for col, span, text in groups:
        if span > 1:
            ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + span - 1)
        ws.cell(top, col, text)
        group_lines = max(group_lines, _fits(text, sum(widths[col - 1 : col - 1 + span])))
    for i, name in enumerate(names, start=1 + offset):
        ws.cell(top + 1, i, name)
    ws.row_dimensions[top].height = _height(group_lines)
    ws.row_dimensions[top + 1].height = _height(max(len(nm.split("\n")) for nm in names))
    for r in (top, top + 1):
        for c in range(1, n + 1):
            cell = ws.cell(r, c)
            cell.font = hfont
            cell.alignment = CENTER
            cell.border = BORDER
    row = top + 2
    for srow in rows:
        lines = 1
        if sheet.with_unit_column:
            cell = ws.cell(row, 1, safe_cell(srow.label))
            cell.font, cell.border, cell.alignment = body, BORDER, LEFT
            lines = _fits(srow.label or "", widths[0])
        for i, v in enumerate(srow.values):
            cell = ws.cell(row, i + 1 + offset, "—" if v is None else v)
            cell.font, cell.border, cell.alignment = body, BORDER, CENTER
            nos = srow.marks.get(i + 1)
            if nos and v is not None:
                cell.number_format = f'0"{marks_text(nos)}"'
        ws.row_dimensions[row].height = _height(lines)
        row += 1
    return row


def _merged_text(ws: Any, row: int, n: int, text: str, width: float, size: int = 10) -> int:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n)
    cell = ws.cell(row, 1, safe_cell(text))
    cell.font = Font(name=FONT, size=size)
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.row_dimensions[row].height = _height(_fits(text, width))
    return row + 1


def render_xlsx(sheet: Sheet) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "附件3"
    n = sheet.ncols
    last = get_column_letter(n)
    half = max(n // 2, 1)
    widths = column_widths(sheet)
    total_width = sum(widths)

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

    row = _table(ws, sheet, sheet.rows, 4, widths)
    if sheet.footnotes:
        row = _merged_text(ws, row, n, FOOTNOTE_HEAD, total_width)
        for i, text in enumerate(sheet.footnotes, start=1):
            row = _merged_text(ws, row, n, f"{mark(i)} {text}", total_width)
    row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=half)
    ws.cell(row, 1, safe_cell(f"填报人：{sheet.filler}")).font = Font(name=FONT, size=11)
    ws.merge_cells(start_row=row, start_column=half + 1, end_row=row, end_column=n)
    ws.cell(row, half + 1, safe_cell(f"联系电话：{sheet.phone}")).font = Font(name=FONT, size=11)
    row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n)
    ws.cell(row, 1, NOTE).font = Font(name=FONT, size=10)
    row += 1
    if sheet.remarks:
        _merged_text(ws, row, n, "".join(sheet.remarks), total_width, size=9)

    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_rows = "4:5"
    ws.oddFooter.center.text = f"统计期：{sheet.period.label}"
    if sheet.explanation:
        _explanation_sheet(wb, sheet, widths)
    wb.properties.title = TITLE
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _explanation_sheet(wb: Any, sheet: Sheet, widths: list[float]) -> None:
    """核对说明: the subtotals, the plain sum, the city-wide system total, the difference and
    the accepted adjustments — for checking, not part of the form sent upward."""
    ws = wb.create_sheet("核对说明")
    n = sheet.ncols
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws["A1"] = "核对说明（不属于上报的正式报表）"
    ws["A1"].font = Font(name=FONT, size=12, bold=True)
    row = _table(ws, sheet, sheet.explanation, 2, widths)
    row += 1
    for text in sheet.explanation_text:
        row = _merged_text(ws, row, n, text, sum(widths))
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- .docx (laid out in :mod:`anbiao.stats.export_docx`) -----------------------------------


def render_docx(sheet: Sheet) -> bytes:
    from anbiao.stats.export_docx import render_docx as render

    return render(sheet)


# --- .pdf ----------------------------------------------------------------------------------


def render_html(sheet: Sheet) -> str:
    groups, names = header_cells(sheet)
    per = [chars_per_line(nm) for nm in names]
    label_share = 18 if sheet.with_unit_column else 0
    unit = (100 - label_share) / sum(per)
    return render_to_string(
        "stats/print.html",
        {
            "sheet": sheet,
            "label": LABEL,
            "title": TITLE,
            "note": NOTE,
            "groups": [(span, text.split("\n")) for _, span, text in groups],
            "names": [
                (nm.split("\n"), f"{k * unit:.2f}") for nm, k in zip(names, per, strict=True)
            ],
            "label_share": label_share,
            "rows": [
                (
                    r.label,
                    [
                        (cell_text(v), marks_text(r.marks.get(i + 1, [])))
                        for i, v in enumerate(r.values)
                    ],
                )
                for r in sheet.rows
            ],
            "footnotes": [(mark(i), t) for i, t in enumerate(sheet.footnotes, start=1)],
            "footnote_head": FOOTNOTE_HEAD,
            "date_text": date_text(sheet.date),
        },
    )


def render_pdf(sheet: Sheet) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(sheet)).write_pdf()
