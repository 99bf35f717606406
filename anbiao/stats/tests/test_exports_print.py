"""The printed figure: an adjusted cell holds the number (numeric in .xlsx, so SUM works) and its
reason is a numbered footnote; headers keep the seed's line breaks with no bracket alone; row
heights fit; the .docx repeats its header rows and never splits a row. Read back with openpyxl
and python-docx."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from anbiao.stats import exports, reported, services
from anbiao.stats.export_docx import column_widths_cm
from anbiao.stats.tests import test_stats
from anbiao.stats.tests.test_stats import PERIOD, PQ, _submit, client_for

pytestmark = pytest.mark.django_db
city = test_stats.city  # the fixture


def _accepted(city: dict) -> Any:
    sub = _submit(
        city["users"]["d1"],
        city["d1"],
        adjustments={13: (3, "线下建立机制2项，纸质材料已存档"), 1: (4, "两家企业线下开展回头看")},
    )
    return services.submission_accept(by=city["users"]["city"], submission=sub)


def _city_export(city: dict, fmt: str) -> bytes:
    url = reverse("stats:city_export", args=[fmt]) + "?" + PQ
    r = client_for(city["users"]["city"]).get(url)
    assert r.status_code == 200
    return r.content


def test_the_city_xlsx_holds_numbers_with_marks_and_the_reasons_as_footnotes(city: dict) -> None:
    _accepted(city)
    wb = load_workbook(io.BytesIO(_city_export(city, "xlsx")))
    ws = wb["附件3"]
    t = reported.reported_city_table(period=PERIOD)
    rows = {ws.cell(r, 1).value: r for r in range(6, 6 + len(t.official_rows))}
    d1, total = rows["应急管理局"], rows["全市合计"]
    assert ws.cell(d1, 14).value == 3 and isinstance(ws.cell(d1, 14).value, int)
    assert ws.cell(d1, 2).value == 4
    assert ws.cell(total, 14).value == t.official_total.figures[12]
    assert all(
        isinstance(ws.cell(r, c).value, int) for r in rows.values() for c in range(2, 17)
    )  # every figure numeric: SUM over a column works
    marks = {ws.cell(d1, 2).number_format, ws.cell(d1, 14).number_format}
    assert all(m.startswith('0"') for m in marks)
    texts = [ws.cell(r, 1).value or "" for r in range(total + 1, ws.max_row + 1)]
    assert "调整说明：" in texts
    notes = [x for x in texts if x and x[0] in exports.CIRCLED]
    assert len(notes) == 2
    assert any("线下建立机制2项" in x for x in notes) and any("两家企业线下" in x for x in notes)
    for n, note in enumerate(notes, start=1):
        assert note.startswith(exports.mark(n))
    # the explanation rows are on the second sheet only
    assert "各行直接相加（含本级，实时数）" not in rows
    second = [wb["核对说明"].cell(r, 1).value for r in range(1, wb["核对说明"].max_row + 1)]
    assert "差额（直接相加 − 全市系统合计）" in second


def test_row_heights_and_column_widths_never_hide_a_figure_or_strand_a_bracket(
    city: dict,
) -> None:
    _accepted(city)
    ws = load_workbook(io.BytesIO(_city_export(city, "xlsx")))["附件3"]
    assert ws.cell(5, 2).value == "企业\n（家）"
    for c in range(2, 17):
        width = ws.column_dimensions[ws.cell(5, c).column_letter].width
        for line in ws.cell(5, c).value.split("\n"):
            assert exports.text_width(line) + 1 <= width, (line, width)  # never wrapped further
    for r in range(6, ws.max_row + 1):
        height = ws.row_dimensions[r].height
        values = [ws.cell(r, c).value for c in range(1, 17)]
        if any(v not in (None, "") for v in values):
            assert height is None or height >= 20, (r, height)
    for name in exports.PRINT_NAMES:
        assert not exports.lone_bracket(name, exports.chars_per_line(name))
    assert exports.lone_bracket("政府部门\n自查发现问题（个）", 4)  # the check can fail


def test_the_docx_repeats_its_header_never_splits_a_row_and_footnotes_the_reasons(
    city: dict,
) -> None:
    _accepted(city)
    doc = Document(io.BytesIO(_city_export(city, "docx")))
    table = doc.tables[0]
    prs = [tr.get_or_add_trPr() for tr in table._tbl.tr_lst]
    assert [pr.find(qn("w:tblHeader")) is not None for pr in prs[:3]] == [True, True, False]
    assert all(pr.find(qn("w:cantSplit")) is not None for pr in prs)
    assert table.rows[1].cells[1].text == "企业\n（家）"
    by_label = {r.cells[0].text: r for r in table.rows[2:]}
    cells = [c.text for c in by_label["应急管理局"].cells]
    assert cells[1] == "4①" or cells[1] == "4②"
    assert cells[13][0] == "3" and cells[13][1:] in exports.CIRCLED
    sup = [r for r in by_label["应急管理局"].cells[13].paragraphs[0].runs if r.font.superscript]
    assert len(sup) == 1
    text = [p.text for p in doc.paragraphs]
    notes = [x for x in text if x and x[0] in exports.CIRCLED]
    assert len(notes) == 2 and any("线下建立机制2项" in x for x in notes)
    assert text.index("调整说明：") < text.index(notes[0])


def test_the_docx_columns_fit_the_page_and_each_header_line() -> None:
    sheet = exports.Sheet("市", None, "", "", PERIOD, [], with_unit_column=True)
    widths = column_widths_cm(sheet)
    assert abs(sum(widths) - 26.7) < 0.01 and widths[0] >= 3.5
    sheet.with_unit_column = False
    assert abs(sum(column_widths_cm(sheet)) - 26.7) < 0.01


def test_a_units_export_prints_the_reported_number_and_its_footnote(city: dict) -> None:
    _accepted(city)
    content = (
        client_for(city["users"]["d1"]).get(reverse("stats:export", args=["docx"]) + "?" + PQ)
    ).content
    doc = Document(io.BytesIO(content))
    assert doc.tables[0].rows[2].cells[12].text.startswith("3")
    assert any("线下建立机制2项" in p.text for p in doc.paragraphs)
    html = exports.render_html(
        exports.unit_sheet(
            test_stats.selectors.unit_table(unit=city["d1"], period=PERIOD),
            test_stats.StatsSubmission.objects.get(),
        )
    )
    assert "<sup>" in html and "线下建立机制2项" in html and "企业<br>（家）" in html


def test_the_pdf_renders_with_the_footnotes(city: dict) -> None:
    _accepted(city)
    content = _city_export(city, "pdf")
    assert content.startswith(b"%PDF")
    html = exports.render_html(
        exports.city_sheet(
            reported.reported_city_table(period=PERIOD), city_name="南安市安委办", today=None
        )
    )
    assert "调整说明：" in html and "线下建立机制2项" in html
    assert html.count("<sup>") >= 4  # two adjusted cells, each in its row and in the total
