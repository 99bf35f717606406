"""Each export is read back (openpyxl / python-docx) and checked against the template."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.checklists.exports.tests.helpers import campaign, fill, make_checklist
from anbiao.checklists.models import Clause, TemplateVersion
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db

FIRST = 5  # first data row of the .xlsx (1 附件, 2 title, 3 header line, 4 column headings)


def expected_layout(version: TemplateVersion) -> dict:
    """From the template: clause texts in order, and the row ranges 项目/内容 merge over."""
    clauses = list(
        Clause.objects.filter(version=version).select_related("item__section").order_by("position")
    )
    sections: dict[int, list[int]] = {}
    items: dict[int, list[int]] = {}
    for row, c in enumerate(clauses):
        sections.setdefault(c.item.section.position, []).append(row)
        items.setdefault(c.item.position, []).append(row)
    return {
        "clauses": clauses,
        "section_ranges": [(r[0], r[-1]) for r in sections.values()],
        "item_ranges": [(r[0], r[-1]) for r in items.values()],
        "section_titles": [clauses[r[0]].item.section.title for r in sections.values()],
        "item_texts": [clauses[r[0]].item.text for r in items.values()],
    }


@pytest.fixture
def enterprise_world():
    ent = EnterpriseFactory.create(organization__name="南安市测试陶瓷有限公司")
    user = make_user(ent.organization, Role.FILLER)
    other = EnterpriseFactory.create(organization__name="别家企业有限公司")
    checklist = make_checklist(ent.organization)
    problems = fill(checklist, problems_every=5, lines_per_problem=2, evidence_every=4, user=user)
    client = Client()
    client.force_login(user)
    return {
        "ent": ent,
        "user": user,
        "other": other,
        "checklist": checklist,
        "problems": problems,
        "client": client,
    }


def get_xlsx(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def get_docx(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return Document(io.BytesIO(response.content))


def xlsx_merged(ws, col: str) -> list[tuple[int, int]]:
    ranges = []
    for rng in ws.merged_cells.ranges:
        if rng.coord.startswith(col) and rng.min_row >= FIRST and rng.min_col == rng.max_col:
            ranges.append((rng.min_row - FIRST, rng.max_row - FIRST))
    return sorted(ranges)


def multi(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [r for r in ranges if r[1] > r[0]]


def test_the_filled_xlsx_has_the_official_layout_and_every_answer(enterprise_world):
    w = enterprise_world
    checklist = w["checklist"]
    layout = expected_layout(checklist.template_version)
    ws = get_xlsx(w["client"], reverse("checklist_exports:xlsx", args=[checklist.pk]))

    assert ws["A1"].value == "附件2"
    assert ws["A2"].value == "南安市企业安全生产标准化提升专项行动“回头看”细则"
    assert ws["A2"].font.name in ("黑体", "方正小标宋简体")
    assert ws["A3"].value == "企业名称：南安市测试陶瓷有限公司"
    assert ws["C3"].value == "主要负责人：（签字）"
    assert re.fullmatch(r"时间：\d{4}年\d{1,2}月\d{1,2}日", ws["E3"].value)
    assert len(ws._images) == 1  # the drawn signature
    assert [ws.cell(4, c).value for c in range(1, 6)] == [
        "项目",
        "“回头看”内容",
        "“回头看”细则",
        "存在问题",
        "备注",
    ]
    assert len(layout["clauses"]) == 51
    assert [ws.cell(FIRST + i, 3).value for i in range(51)] == [
        c.full_text for c in layout["clauses"]
    ]
    assert ws.cell(FIRST + 51, 3).value is None
    assert multi(xlsx_merged(ws, "A")) == multi(layout["section_ranges"])
    assert multi(xlsx_merged(ws, "B")) == multi(layout["item_ranges"])
    assert [ws.cell(FIRST + a, 1).value for a, _ in layout["section_ranges"]] == layout[
        "section_titles"
    ]
    assert [ws.cell(FIRST + a, 2).value for a, _ in layout["item_ranges"]] == layout["item_texts"]
    for i, clause in enumerate(layout["clauses"]):
        problems = ws.cell(FIRST + i, 4).value
        remarks = ws.cell(FIRST + i, 5).value
        if clause.position in w["problems"]:
            texts = w["problems"][clause.position]
            assert problems == "\n".join(f"{n}.{t}" for n, t in enumerate(texts, 1))
            assert remarks.splitlines()[0] == "不符合"
        elif clause.position % 7 == 0:
            assert problems is None
            assert remarks.splitlines()[:2] == ["不适用", f"第{clause.position}条不涉及"]
        else:
            assert problems is None
            assert remarks.splitlines()[0] == "符合"
        if clause.position % 4 == 0:
            assert "佐证材料 1 份" in remarks
        assert ws.cell(FIRST + i, 3).font.name == "宋体"
        assert ws.cell(FIRST + i, 3).border.left.style == "thin"

    # rows are tall enough for their wrapped text: the longest clause wraps over two lines or more
    longest = max(range(51), key=lambda i: len(ws.cell(FIRST + i, 3).value))
    assert ws.row_dimensions[FIRST + longest].height >= 2 * 14.5
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$4:$4"


def docx_vmerge_ranges(table, col: int, first_row: int = 1) -> list[tuple[int, int]]:
    """Vertical merges of one column read from the XML (restart … continue)."""
    ranges: list[tuple[int, int]] = []
    start = None
    rows = table.rows[first_row:]
    for i, row in enumerate(rows):
        tc = row._tr.tc_lst[col]
        v = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
        val = None if v is None else (v.get(qn("w:val")) or "continue")
        if val == "restart":
            if start is not None:
                ranges.append((start, i - 1))
            start = i
        elif val is None and start is not None:
            ranges.append((start, i - 1))
            start = None
    if start is not None:
        ranges.append((start, len(rows) - 1))
    return ranges


def test_the_filled_docx_has_the_official_layout_signature_and_answers(enterprise_world):
    w = enterprise_world
    checklist = w["checklist"]
    layout = expected_layout(checklist.template_version)
    doc = get_docx(w["client"], reverse("checklist_exports:docx", args=[checklist.pk]))

    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "附件2"
    assert paragraphs[1] == "南安市企业安全生产标准化提升专项行动“回头看”细则"
    assert paragraphs[2].startswith("企业名称：南安市测试陶瓷有限公司")
    assert "主要负责人：（签字）" in paragraphs[2]
    assert re.search(r"时间：\d{4}年\d{1,2}月\d{1,2}日", paragraphs[2])
    assert len(doc.inline_shapes) == 1  # the drawn signature image, in the header line
    assert doc.paragraphs[2]._p.xpath(".//pic:pic")

    section = doc.sections[0]
    assert section.orientation == 1  # WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(1)
    assert abs(section.page_height - Mm(210)) < Mm(1)

    table = doc.tables[0]
    assert len(table.rows) == 1 + 51
    header = table.rows[0]
    assert [c.text for c in header.cells] == [
        "项目",
        "“回头看”内容",
        "“回头看”细则",
        "存在问题",
        "备注",
    ]
    th = header._tr.trPr.find(qn("w:tblHeader"))
    assert th is not None and th.get(qn("w:val")) == "true"
    assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None

    assert [table.rows[1 + i].cells[2].text for i in range(51)] == [
        c.full_text for c in layout["clauses"]
    ]
    assert docx_vmerge_ranges(table, 0) == multi(layout["section_ranges"])
    assert docx_vmerge_ranges(table, 1) == multi(layout["item_ranges"])
    assert [table.rows[1 + a].cells[0].text for a, _ in layout["section_ranges"]] == layout[
        "section_titles"
    ]
    assert [table.rows[1 + a].cells[1].text for a, _ in layout["item_ranges"]] == layout[
        "item_texts"
    ]
    for i, clause in enumerate(layout["clauses"]):
        row = table.rows[1 + i]
        problems, remarks = row.cells[3].text, row.cells[4].text
        if clause.position in w["problems"]:
            texts = w["problems"][clause.position]
            assert problems == "\n".join(f"{n}.{t}" for n, t in enumerate(texts, 1))
            assert remarks.startswith("不符合")
        elif clause.position % 7 == 0:
            assert remarks.startswith("不适用\n")
        else:
            assert problems == "" and remarks.startswith("符合")

    runs = [r for p in table.rows[1].cells[2].paragraphs for r in p.runs]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体" for r in runs)
    title_run = doc.paragraphs[1].runs[0]
    assert title_run._element.rPr.rFonts.get(qn("w:eastAsia")) in ("方正小标宋简体", "黑体")


def test_an_unsigned_checklist_exports_without_a_signature_image():
    checklist = make_checklist(
        OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="测试住建局")
    )
    fill(checklist, sign=False)
    user = make_user(checklist.organization, Role.FILLER)
    client = Client()
    client.force_login(user)
    doc = get_docx(client, reverse("checklist_exports:docx", args=[checklist.pk]))
    assert len(doc.inline_shapes) == 0
    assert doc.paragraphs[0].text == "附件1"
    assert doc.paragraphs[1].text == "市安委会有关成员单位安全生产标准化提升专项行动“回头看”细则"
    assert doc.paragraphs[2].text.startswith("填报单位：测试住建局")
    layout = expected_layout(checklist.template_version)
    assert len(layout["clauses"]) == 22
    table = doc.tables[0]
    assert [table.rows[1 + i].cells[2].text for i in range(22)] == [
        c.full_text for c in layout["clauses"]
    ]
    assert docx_vmerge_ranges(table, 1) == multi(layout["item_ranges"])
    ws = get_xlsx(client, reverse("checklist_exports:xlsx", args=[checklist.pk]))
    assert ws["A1"].value == "附件1"
    assert ws["A3"].value == "填报单位：测试住建局"
    assert len(ws._images) == 0


@pytest.mark.parametrize("kind", ["enterprise", "government"])
def test_the_blank_form_has_every_clause_and_empty_answer_columns(kind):
    c = campaign()
    version = (
        c.enterprise_template_version if kind == "enterprise" else c.government_template_version
    )
    layout = expected_layout(version)
    n = len(layout["clauses"])
    user = make_user(OrganizationFactory.create(kind=OrgKind.TOWN), Role.VIEWER)
    client = Client()
    client.force_login(user)
    ws = get_xlsx(client, reverse("checklist_exports:blank_xlsx", args=[version.pk]))
    assert [ws.cell(FIRST + i, 3).value for i in range(n)] == [
        c.full_text for c in layout["clauses"]
    ]
    assert all(ws.cell(FIRST + i, col).value is None for i in range(n) for col in (4, 5))
    assert multi(xlsx_merged(ws, "A")) == multi(layout["section_ranges"])
    assert multi(xlsx_merged(ws, "B")) == multi(layout["item_ranges"])
    doc = get_docx(client, reverse("checklist_exports:blank_docx", args=[version.pk]))
    table = doc.tables[0]
    assert len(table.rows) == 1 + n
    assert all(r.cells[3].text == "" and r.cells[4].text == "" for r in table.rows[1:])
    assert docx_vmerge_ranges(table, 0) == multi(layout["section_ranges"])
    if kind == "enterprise":
        assert ws["A3"].value == "企业名称："
        assert doc.paragraphs[2].text.startswith("企业名称：")


def test_the_blank_list_links_every_template_version():
    c = campaign()
    client = Client()
    client.force_login(make_user(EnterpriseFactory.create().organization, Role.FILLER))
    html = client.get(reverse("checklist_exports:blank_list")).content.decode()
    for version in (c.enterprise_template_version, c.government_template_version):
        assert reverse("checklist_exports:blank_docx", args=[version.pk]) in html
        assert version.title in html


def test_the_print_view_shows_the_table_with_rowspans(enterprise_world):
    w = enterprise_world
    checklist = w["checklist"]
    layout = expected_layout(checklist.template_version)
    response = w["client"].get(reverse("checklist_exports:print", args=[checklist.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "anbiao/css/print.css" in html
    positions = [html.index(c.full_text) for c in layout["clauses"]]
    assert positions == sorted(positions)
    spans = [int(s) for s in re.findall(r'class="section" rowspan="(\d+)"', html)]
    assert spans == [b - a + 1 for a, b in layout["section_ranges"]]
    spans = [int(s) for s in re.findall(r'class="item" rowspan="(\d+)"', html)]
    assert spans == [b - a + 1 for a, b in layout["item_ranges"]]
    first_problem = w["problems"][min(w["problems"])][0]
    assert f"1.{first_problem}" in html
    signature_url = reverse("checklist_exports:signature", args=[checklist.pk])
    assert signature_url in html
    image = w["client"].get(signature_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_an_enterprise_cannot_export_another_enterprises_checklist(enterprise_world):
    w = enterprise_world
    theirs = make_checklist(w["other"].organization)
    for name in ("xlsx", "docx", "print"):
        response = w["client"].get(reverse(f"checklist_exports:{name}", args=[theirs.pk]))
        assert response.status_code == 404, name
