"""Golden files for the official exports: a file rendered to stable text, compared with a
reviewed copy under ``anbiao/<app>/tests/golden/``, so that a layout change shows as a diff.

- :func:`dump_xlsx`: per sheet, each non-empty cell ``A1: text`` (line breaks as ``⏎``), the
  number format of numeric cells, merged ranges, column widths, row heights, print set-up,
  frozen panes and the anchors of images;
- :func:`dump_docx`: page set-up, then the body in order — paragraphs (alignment, text, ``[图片]``
  for a picture) and tables (grid column widths; each row's cells with ``gridSpan`` and
  ``vMerge``, read from the XML, so a merged cell appears once as it is stored).

Nothing that changes from run to run is dumped (file timestamps, stored file names).
``UPDATE_GOLDEN=1`` rewrites the golden files instead of comparing (docs/DEVELOPING.md).
"""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

EMU_PER_MM = 36000
TWIPS_PER_MM = 1440 / 25.4


def _text(value: object) -> str:
    return str(value).replace("\r\n", "\n").replace("\n", "⏎")


def dump_xlsx(data: bytes) -> str:
    """A workbook as text: cells, number formats, merges, sizes, print set-up, images."""
    wb = load_workbook(io.BytesIO(data))
    out: list[str] = []
    for ws in wb.worksheets:
        out.append(f"== 工作表 {ws.title} ({ws.dimensions})")
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or cell.value == "":
                    continue
                line = f"{cell.coordinate}: {_text(cell.value)}"
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    line += f"  [数字格式 {cell.number_format}]"
                out.append(line)
        merged = sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
        out.append("合并: " + ", ".join(str(r) for r in merged))
        widths = [
            f"{key}={dim.width:g}"
            for key, dim in sorted(ws.column_dimensions.items(), key=lambda kv: _col(kv[0]))
            if dim.customWidth
        ]
        out.append("列宽: " + ", ".join(widths))
        heights = [
            f"{r}={dim.height:g}"
            for r, dim in sorted(ws.row_dimensions.items())
            if dim.height is not None
        ]
        out.append("行高: " + ", ".join(heights))
        setup = ws.page_setup
        out.append(
            f"打印: 方向={setup.orientation} 纸张={setup.paperSize}"
            f" 适应宽={setup.fitToWidth} 适应高={setup.fitToHeight}"
            f" 标题行={ws.print_title_rows or ''} 冻结={ws.freeze_panes or ''}"
            f" 页脚={ws.oddFooter.center.text or ''}"
        )
        for image in ws._images:
            start = image.anchor._from
            ext = getattr(image.anchor, "ext", None)  # the shown size (EMU), as laid out
            size = f" {round(ext.width / 9525)}×{round(ext.height / 9525)}px" if ext else ""
            out.append(f"图片: {get_column_letter(start.col + 1)}{start.row + 1}{size}")
    return "\n".join(out) + "\n"


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch.upper()) - 64
    return n


def _para_line(p: object) -> str:
    from docx.text.paragraph import Paragraph

    assert isinstance(p, Paragraph)
    parts = []
    for run in p.runs:
        if run._element.findall(".//" + qn("w:drawing")):
            parts.append("[图片]")
        parts.append(run.text)
    align = p.alignment
    prefix = f"[{align.name.lower()}] " if align is not None else ""
    return prefix + _text("".join(parts))


def _cell_line(tc: object) -> str:
    from docx.table import _Cell

    tc_pr = tc.tcPr  # type: ignore[attr-defined]
    marks = []
    if tc_pr is not None:
        span = tc_pr.find(qn("w:gridSpan"))
        if span is not None:
            marks.append(f"gridSpan={span.get(qn('w:val'))}")
        vmerge = tc_pr.find(qn("w:vMerge"))
        if vmerge is not None:
            marks.append(f"vMerge={vmerge.get(qn('w:val')) or 'continue'}")
    cell = _Cell(tc, None)  # type: ignore[arg-type]
    text = "⏎".join(p.text for p in cell.paragraphs)
    return (f"[{' '.join(marks)}] " if marks else "") + text


def dump_docx(data: bytes) -> str:
    """A document as text: page set-up, paragraphs and tables (with merges) in body order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    out: list[str] = []
    for s in document.sections:
        mm = [
            round((v or 0) / EMU_PER_MM)
            for v in (s.page_width, s.page_height, s.left_margin, s.right_margin)
            + (s.top_margin, s.bottom_margin)
        ]
        out.append(
            f"页面: {mm[0]}×{mm[1]}mm 方向={s.orientation.name.lower()}"
            f" 边距 左{mm[2]} 右{mm[3]} 上{mm[4]} 下{mm[5]}mm"
        )
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append("段落: " + _para_line(Paragraph(child, document)))
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            grid = child.find(qn("w:tblGrid"))
            cols = [
                round(int(g.get(qn("w:w"))) / TWIPS_PER_MM)
                for g in (grid.findall(qn("w:gridCol")) if grid is not None else [])
            ]
            out.append(f"表格: {len(table.rows)} 行，列宽 {cols} mm")
            for r, tr in enumerate(child.findall(qn("w:tr")), start=1):
                header = tr.find(qn("w:trPr"))
                repeat = header is not None and header.find(qn("w:tblHeader")) is not None
                out.append(f"  行{r}{'（每页重复）' if repeat else ''}:")
                for c, tc in enumerate(tr.findall(qn("w:tc")), start=1):
                    out.append(f"    {c}: {_cell_line(tc)}")
    return "\n".join(out) + "\n"


def assert_golden(path: Path, text: str) -> None:
    """``text`` equals the golden file at ``path``; with ``UPDATE_GOLDEN=1``, write it instead."""
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"缺少基准文件 {path}；请用 UPDATE_GOLDEN=1 生成后检查并提交"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{path.name}（基准）",
                tofile=f"{path.name}（本次导出）",
            )
        )
        raise AssertionError(
            f"导出版式与基准文件 {path} 不同（确认是有意的改动后用 UPDATE_GOLDEN=1 更新）：\n{diff}"
        )
