"""Reading registry files: the lxml reader gives what openpyxl gives, headers are found under
title rows and in many spellings, CSV encodings, merged cells, and the fast check-digit test."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from openpyxl import load_workbook
from stdnum.cn import uscc

from anbiao.orgs.registry.cells import uscc_is_valid
from anbiao.orgs.registry.header import find_header, match_header
from anbiao.orgs.registry.reader import RegistryFileError, read_csv, read_table, read_xlsx
from anbiao.orgs.tests.registry_files import HEADER, code, csv_bytes, full_width, xlsx_bytes
from anbiao.orgs.tests.test_registry_import import messy_rows


def trimmed(rows):
    out = [list(r) for r in rows]
    for r in out:
        while r and r[-1] is None:
            r.pop()
    while out and not out[-1]:
        out.pop()
    return out


def openpyxl_rows(data: bytes, sheet: str | None = None):
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb[sheet] if sheet else wb.active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return trimmed(rows)


def test_the_reader_returns_the_same_cells_as_openpyxl():
    data = xlsx_bytes(messy_rows())
    assert trimmed(read_xlsx(data).rows) == openpyxl_rows(data)


def test_merged_cells_carry_their_value_into_every_cell_of_the_range():
    rows = [["标题"], HEADER, ["甲公司", "X", "", "", "水头镇"], ["乙公司", "Y"]]
    table = read_xlsx(xlsx_bytes(rows, merges=("A1:I1", "E3:E4")))
    assert table.rows[0][:9] == ["标题"] * 9
    assert table.rows[3][4] == "水头镇"


def _workbook_by_hand() -> bytes:
    """What Excel writes and openpyxl does not: shared strings with rich text and phonetic
    guides, escaped control characters, a hidden first sheet, cells without references."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    strings = [
        "<si><t>企业名称</t></si>",
        "<si><t>统一社会信用代码</t></si>",
        "<si><r><t>所属</t></r><r><rPr><b/></rPr><t>乡镇</t></r><rPh sb='0' eb='2'><t>xx</t></rPh></si>",
        "<si><t>主管部门</t></si>",
        "<si><t>行业门类</t></si>",
        "<si><t>企业类型</t></si>",
        "<si><t>南安市_x000D_换行有限公司</t></si>",
        "<si><t>说明</t></si>",
    ]
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="8" uniqueCount="8">'
        + "".join(strings)
        + "</sst>"
    )
    hidden = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
        "</sheetData></worksheet>"
    )
    visible = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'
        '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>'
        '<c r="C2" t="s"><v>2</v></c><c r="D2" t="s"><v>3</v></c>'
        '<c r="E2" t="s"><v>4</v></c><c r="F2" t="s"><v>5</v></c></row>'
        '<row r="4"><c r="A4" t="s"><v>6</v></c><c r="B4" t="str"><f>"9135"&amp;"0583"</f>'
        '<v>91350583</v></c><c><v>1.5</v></c><c r="F4" t="b"><v>1</v></c>'
        '<c r="G4" t="inlineStr"><is><r><t>C </t></r><r><t>制造业</t></r></is></c></row>'
        "</sheetData></worksheet>"
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel_ns}><sheets>'
        '<sheet name="说明" sheetId="1" state="hidden" r:id="rId1"/>'
        '<sheet name="台账" sheetId="2" r:id="rId2"/></sheets></workbook>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet2.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/sharedStrings.xml", shared)
        zf.writestr("xl/worksheets/sheet1.xml", hidden)
        zf.writestr("xl/worksheets/sheet2.xml", visible)
    return buffer.getvalue()


def test_shared_strings_rich_text_and_hidden_sheets_read_as_excel_shows_them():
    data = _workbook_by_hand()
    table = read_table(data)

    assert table.sheet_name == "台账"
    assert table.rows[1] == [
        "企业名称",
        "统一社会信用代码",
        "所属乡镇",
        "主管部门",
        "行业门类",
        "企业类型",
    ]
    assert table.rows[2] == []
    assert table.rows[3] == ["南安市\r换行有限公司", "91350583", 1.5, None, None, True, "C 制造业"]
    theirs = openpyxl_rows(data, "台账")
    assert theirs[3][0] == "南安市_x000D_换行有限公司"  # openpyxl leaves Excel's escape in
    theirs[3][0] = "南安市\r换行有限公司"
    assert trimmed(table.rows) == theirs


def test_entity_declarations_are_refused():
    data = _workbook_by_hand()
    evil = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                content = content.replace(
                    b"<sst", b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaa">]><sst', 1
                )
            dst.writestr(info, content)
    with pytest.raises(RegistryFileError, match="不安全的 XML"):
        read_table(evil.getvalue())


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (HEADER, {"name": 0, "credit_code": 1, "principal": 2, "phone": 3, "town": 4}),
        (
            [
                "序号",
                "单位名称",
                "统一社会信用代码（18位）",
                "法定代表人",
                "手机",
                "所属乡镇（街道）",
            ],
            {"name": 1, "credit_code": 2, "principal": 3, "phone": 4, "town": 5},
        ),
        (
            ["企 业 名 称", "社会信用代码", "负责人", "电话", "乡镇/街道"],
            {"name": 0, "credit_code": 1, "principal": 2, "phone": 3, "town": 4},
        ),
        (
            ["企业名称*", "统一社会\n信用代码", "主要负责人", "主要负责人电话", "所属乡镇"],
            {"name": 0, "credit_code": 1, "principal": 2, "phone": 3, "town": 4},
        ),
        (
            [full_width("企业名称"), "统一社会信用代码", "企业负责人", "联系方式", "属地"],
            {"name": 0, "credit_code": 1, "principal": 2, "phone": 3, "town": 4},
        ),
    ],
)
def test_common_spellings_of_the_headers_are_recognized(headers, expected):
    found = match_header(headers).columns
    assert {k: v for k, v in found.items() if k in expected} == expected


def test_other_registry_headers_map_too():
    found = match_header(["行业主管部门", "国民经济行业门类", "企业规模", "企业地址", "备注"])
    assert found.columns == {"department": 0, "industry": 1, "size_class": 2, "address": 3}
    assert found.ignored == ["备注"]


def test_the_header_is_found_under_title_rows_within_the_first_ten_rows():
    rows = [["标题"]] * 6 + [HEADER]
    assert find_header(read_xlsx(xlsx_bytes(rows))).row_no == 7
    with pytest.raises(RegistryFileError, match="前10行"):
        find_header(read_xlsx(xlsx_bytes([["标题"]] * 10 + [HEADER])))


def test_csv_in_gbk_and_utf8_with_bom_read_the_same():
    rows = [["南安市企业底数台账"], HEADER, ["南安市（测试）有限公司", code("91350583MA2XYW121")]]
    gbk = read_csv(csv_bytes(rows, encoding="gbk")).rows
    bom = read_csv(csv_bytes(rows, encoding="utf-8-sig")).rows
    plain = read_csv(csv_bytes(rows, encoding="utf-8")).rows
    assert gbk == bom == plain
    assert gbk[2][0] == "南安市（测试）有限公司"
    assert gbk[0][0] == "南安市企业底数台账"  # no BOM left on the first cell


def test_tab_separated_utf16_from_excel_unicode_text_reads_too():
    text = "\r\n".join("\t".join(r) for r in [HEADER, ["甲公司", "91350583MA2XYW121X"]])
    table = read_table("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    assert table.rows[1][:2] == ["甲公司", "91350583MA2XYW121X"]


def test_the_fast_check_digit_test_agrees_with_python_stdnum():
    rng = random.Random(4754)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    codes = []
    for _ in range(3000):
        body = "".join(rng.choice("0123456789") for _ in range(8)) + "".join(
            rng.choice(alphabet) for _ in range(9)
        )
        codes.append(body + uscc.calc_check_digit(body))
        codes.append(body + rng.choice(alphabet))
        codes.append(body + rng.choice("IOSVZ"))
        codes.append(body[:7] + "A" + body[8:] + rng.choice(alphabet))
        codes.append(body)
    assert any(uscc_is_valid(c) for c in codes) and not all(uscc_is_valid(c) for c in codes)
    assert [c for c in codes if uscc_is_valid(c) != uscc.is_valid(c)] == []


def test_a_sheet_claiming_absurd_row_or_column_numbers_is_refused_or_trimmed():
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    far = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c>'
        '<c r="XFD1" t="inlineStr"><is><t>远处</t></is></c></row>'
        '<row r="999999999"><c r="A999999999"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    data = _workbook_by_hand()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                content = far.encode()
            dst.writestr(info, content)
    with pytest.raises(RegistryFileError, match="行数过多"):
        read_table(out.getvalue())
    trimmed_far = far.replace('<row r="999999999"><c r="A999999999"><v>1</v></c></row>', "")
    out2 = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out2, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                content = trimmed_far.encode()
            dst.writestr(info, content)
    assert read_xlsx(out2.getvalue()).rows[0] == ["企业名称"]
