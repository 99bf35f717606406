"""Time the consolidated 附件3 .docx export at the demo size against the old generation.

    .venv/bin/python bench/stats_docx.py [--units 47] [--repeat 3]

Builds the consolidated city sheet of the demo city (its 20 departments and 27 towns, the
市安委办本级 row and the 全市合计, figures with a few adjusted cells and their footnotes) without a
database — the time goes into laying the table out — and renders it, best of ``--repeat``:

* ``seconds``: :func:`anbiao.stats.export_docx.render_docx` (rows written as WordprocessingML
  elements, header rows repeated, rows never split);
* ``baseline_seconds``: the old generation in the same run, once (:func:`legacy_render_docx`, the
  renderer before this change: python-docx ``table.cell(r, c)`` per cell, which rebuilds the
  cell grid on every call).

Ends with one JSON line {"bench": "stats_docx", "n": rows, "seconds": ..., "baseline_seconds":
..., "ratio": seconds / baseline_seconds}. Target: seconds < 2 at the demo size.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")


def demo_sheet(units: int) -> Any:
    import datetime as dt

    from anbiao.orgs.demo_data import CITY_OFFICE, DEPARTMENTS, TOWNS
    from anbiao.stats.columns import Period
    from anbiao.stats.exports import Sheet, SheetRow

    names = [*DEPARTMENTS, *(t[0] if isinstance(t, tuple) else t for t in TOWNS)]
    while len(names) < units:
        names.append(f"单位{len(names) + 1}")
    names = names[:units]
    rows = []
    footnotes = []
    for i, name in enumerate(names):
        values: list[int | None] = [(i * 7 + c * 3) % 40 for c in range(15)]
        marks = {}
        if i % 9 == 0:
            footnotes.append(
                f"{name}第13列（建立工作机制·个数）填报 3（系统 2，调整 +1）：线下机制"
            )
            marks[13] = [len(footnotes)]
        rows.append(SheetRow(name, values, marks))
    rows.append(SheetRow(f"{CITY_OFFICE}本级", [1] * 15, {}, "own"))
    rows.append(SheetRow("全市合计", [sum(r.values[c] or 0 for r in rows) for c in range(15)]))
    period = Period(dt.date(2024, 9, 1), dt.date(2024, 12, 31))
    return Sheet(CITY_OFFICE, dt.date(2025, 1, 6), "", "", period, rows, True, [], footnotes)


def legacy_render_docx(sheet: Any) -> bytes:
    """The .docx renderer before the change (kept here as the baseline)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from anbiao.stats.exports import FONT, LABEL, NOTE, TITLE, UNIT_HEADER, header_cells

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    doc.add_paragraph(LABEL)
    doc.add_paragraph(TITLE)
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
    for r, srow in enumerate(sheet.rows, start=2):
        values = ([srow.label] if sheet.with_unit_column else []) + list(srow.values)
        for c, v in enumerate(values):
            table.cell(r, c).text = str(v)
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in p.runs:
                    run.font.size = Pt(9)
    doc.add_paragraph(NOTE)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="附件3 consolidated .docx benchmark")
    parser.add_argument("--units", type=int, default=47, help="reporting units (demo: 47)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from docx import Document

    from anbiao.stats.export_docx import render_docx

    sheet = demo_sheet(args.units)
    out = render_docx(sheet)  # warm imports
    check = Document(io.BytesIO(out)).tables[0]
    assert len(check.rows) == 2 + len(sheet.rows)
    new_s = best(lambda: render_docx(sheet), args.repeat)
    old_s = best(lambda: legacy_render_docx(sheet), 1)  # tens of seconds: once
    print(
        f"行数 {len(sheet.rows)}（{args.units} 个单位、本级、全市合计），脚注 {len(sheet.footnotes)} 条"
    )
    print(f"新的生成：{new_s * 1000:.0f} ms；原来的生成：{old_s * 1000:.0f} ms")
    print(
        json.dumps(
            {
                "bench": "stats_docx",
                "n": len(sheet.rows),
                "seconds": round(new_s, 4),
                "baseline_seconds": round(old_s, 4),
                "ratio": round(new_s / old_s, 4) if old_s else None,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
