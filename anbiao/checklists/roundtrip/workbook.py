"""The offline-filling workbook of one checklist (.xlsx, openpyxl), to fill in WPS or Excel.

The official layout of 附件1/附件2 (:mod:`anbiao.checklists.exports.xlsx`) with the answer in
columns of its own, so the file can be read back:

- rows 1–4: 附件 label, title, header line (企业名称/填报单位 filled in), column headings;
- from row 5, one row per clause: A 项目, B “回头看”内容 (merged as in the official form),
  C “回头看”细则, **D 结论** (a dropdown of 符合/不符合/不适用), **E 存在问题** (one problem
  per line, Alt+Enter in Excel), **F 备注**, and G 细则编号 (hidden: the clause's id);
- the sheet is protected without a password so that A–C and G are not changed by accident and
  rows are not inserted, deleted or sorted; D–F are editable, rows and columns may be resized;
- a 填写说明 sheet, and a hidden sheet ``_anbiao`` with the signed identity (:mod:`.meta`).
"""

from __future__ import annotations

import io
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from anbiao.checklists.exports.exporters import blank_sheet, iter_rows
from anbiao.checklists.exports.xlsx import BODY, BOLD, CENTER, LABEL, TITLE, WRAP_TOP, row_height
from anbiao.checklists.models import Answer, AnswerResult, Checklist, ProblemLine
from anbiao.checklists.roundtrip import meta
from anbiao.core.xlsx import BORDER, safe_cell

COLUMNS = ("项目", "“回头看”内容", "“回头看”细则", "结论", "存在问题", "备注", "细则编号")
WIDTHS = (9, 26, 46, 10, 36, 24, 10)
COL_CLAUSE, COL_RESULT, COL_PROBLEMS, COL_REMARKS, COL_KEY = 3, 4, 5, 6, 7
TITLE_ROW, HEADER_ROW, COLUMNS_ROW = 2, 3, 4
FIRST_DATA_ROW = 5
RESULT_LABELS = tuple(label for _, label in AnswerResult.choices)  # 符合 不符合 不适用
EDITABLE = (COL_RESULT, COL_PROBLEMS, COL_REMARKS)
INPUT_FILL = PatternFill("solid", fgColor="FFFDF0")
INSTRUCTIONS = (
    "离线填写说明",
    "1. 只在“结论”“存在问题”“备注”三列填写；其他列（细则原文、隐藏的细则编号）不要修改，"
    "也不要插入、删除或排序行。",
    "2. 结论：点单元格右侧的下拉箭头，选择“符合”“不符合”或“不适用”。",
    "3. 存在问题：每个问题单独一行——在 Excel 或 WPS 中按 Alt+Enter 换行。"
    "只有结论为“不符合”时才填写，且至少填写一条；同一条细则中不能有两条相同的问题。",
    "4. 已有的问题：文字保持不变的行仍是原来的问题（整改记录不变）；改动了文字的行，上传时按"
    "“撤销原问题、新增一个问题”处理。只想更正原问题的描述时，请在网页上修改该条。",
    "5. 填好后保存为 .xlsx，在细则页面点“离线填写（Excel）”上传。上传后先显示预览，"
    "列出每条细则将如何修改；确认之前不会写入任何数据。",
    "6. 下载之后如果有人在网页上修改了某条细则，预览会标出该条，文件中该条的内容不会覆盖网页上的内容。",
    "7. 这份文件只能上传到下载它的那份细则。",
)


def offline_answers(checklist: Checklist) -> list[Answer]:
    """The checklist's answers in clause order, with their problem lines (two queries)."""
    return list(
        Answer.objects.filter(checklist=checklist)
        .select_related("clause")
        .prefetch_related(Prefetch("problems", queryset=ProblemLine.objects.order_by("position")))
        .order_by("clause__position")
    )


def _header_values(checklist: Checklist, labels: list[str]) -> list[str]:
    values = []
    for label in labels:
        if label.startswith(("企业名称", "填报单位", "单位名称")):
            values.append(label + checklist.organization.name)
        else:
            values.append(label)
    return values


def render_offline_xlsx(checklist: Checklist) -> bytes:
    """The offline-filling workbook of ``checklist`` as bytes (see the module docstring)."""
    version = checklist.template_version
    sheet = blank_sheet(version)
    answers = offline_answers(checklist)
    rows = list(iter_rows(version))
    identity = meta.Identity(
        checklist=str(checklist.pk),
        organization=str(checklist.organization_id),
        template_version=version.pk,
        versions={a.clause_id: (a.pk, a.version) for a in answers},
        downloaded_at=timezone.localtime().isoformat(timespec="seconds"),
    )

    wb = Workbook()
    ws = wb.active
    ws.title = (sheet.attachment or "细则")[:31]
    last = get_column_letter(COL_REMARKS)
    ws["A1"] = sheet.attachment
    ws["A1"].font = LABEL
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws[f"A{TITLE_ROW}"] = safe_cell(sheet.title)
    ws[f"A{TITLE_ROW}"].font = TITLE
    ws[f"A{TITLE_ROW}"].alignment = CENTER
    ws.row_dimensions[TITLE_ROW].height = 30
    header = _header_values(checklist, [f.label for f in sheet.header])
    ws.merge_cells(f"A{HEADER_ROW}:B{HEADER_ROW}")
    for letter, text in zip(("A", "C", "E"), header, strict=False):
        cell = ws[f"{letter}{HEADER_ROW}"]
        cell.value = safe_cell(text)
        cell.font = BOLD
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for col, heading in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=COLUMNS_ROW, column=col, value=heading)
        cell.font = BOLD
        cell.alignment = CENTER
        cell.border = BORDER

    for offset, (row, answer) in enumerate(zip(rows, answers, strict=True)):
        r = FIRST_DATA_ROW + offset
        problems = "\n".join(p.text for p in answer.problems.all())
        values: tuple[Any, ...] = (
            row.section if row.section_span else "",
            row.item if row.item_span else "",
            row.clause,
            answer.get_result_display() if answer.result else "",
            problems,
            answer.remarks,
            answer.clause_id,
        )
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=safe_cell(value) if value != "" else None)
            cell.font = BODY
            cell.border = BORDER
            cell.alignment = CENTER if col in (1, COL_RESULT) else WRAP_TOP
            if col in EDITABLE:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
        own = (row.item if row.item_span == 1 else "", row.clause, "", problems, answer.remarks)
        ws.row_dimensions[r].height = max(
            row_height(own, (WIDTHS[1], WIDTHS[2], WIDTHS[3], WIDTHS[4], WIDTHS[5])), 30
        )
    for offset, row in enumerate(rows):
        r = FIRST_DATA_ROW + offset
        if row.section_span > 1:
            ws.merge_cells(
                start_row=r, start_column=1, end_row=r + row.section_span - 1, end_column=1
            )
        if row.item_span > 1:
            ws.merge_cells(start_row=r, start_column=2, end_row=r + row.item_span - 1, end_column=2)

    last_row = FIRST_DATA_ROW + len(rows) - 1
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(RESULT_LABELS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="结论",
        error="请从下拉列表中选择：符合、不符合或不适用。",
        showInputMessage=True,
        promptTitle="结论",
        prompt="选择 符合 / 不符合 / 不适用",
    )
    result_letter = get_column_letter(COL_RESULT)
    choices.add(f"{result_letter}{FIRST_DATA_ROW}:{result_letter}{last_row}")
    ws.add_data_validation(choices)

    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[get_column_letter(COL_KEY)].hidden = True
    # Protected without a password (审阅 → 撤销工作表保护 lifts it): it guards against slips,
    # not against the unit itself; the reader checks every row anyway.
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.protection.formatCells = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{COLUMNS_ROW}:{COLUMNS_ROW}"
    ws.print_area = f"A1:{last}{last_row}"
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"

    notes = wb.create_sheet("填写说明")
    for n, line in enumerate(INSTRUCTIONS, start=1):
        cell = notes.cell(row=n, column=1, value=line)
        cell.font = BOLD if n == 1 else BODY
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 110

    hidden = wb.create_sheet(meta.META_SHEET)
    hidden["A1"] = meta.MAGIC
    hidden["A2"] = meta.sign(identity)
    hidden["A3"] = f"{checklist.organization.name} · {version.title}"
    hidden.sheet_state = "hidden"
    hidden.protection.sheet = True

    wb.active = 0
    wb.properties.title = sheet.title
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def offline_filename(checklist: Checklist) -> str:
    version = checklist.template_version
    attachment = (version.meta or {}).get("attachment") or version.template.attachment
    return f"{attachment}离线填写_{checklist.organization.name}.xlsx"
