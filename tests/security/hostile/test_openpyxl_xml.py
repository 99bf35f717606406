"""Reading an uploaded .xlsx (registry import) never expands XML entities.

openpyxl parses through defusedxml when it is installed; these tests fail if it is not, or if
a hostile workbook would be expanded (XXE reads a local file, billion laughs eats memory).
"""

from __future__ import annotations

import io

import pytest
from defusedxml import DefusedXmlException

from tests.security.hostile.corpus import (
    LAUGHS_DTD,
    xlsx,
    xlsx_shared_strings_with,
    xlsx_with_entity_in_defined_name,
    xlsx_with_xxe,
)


def test_openpyxl_uses_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: xlsx_with_xxe("xl/workbook.xml"), id="xxe-workbook"),
        pytest.param(xlsx_with_entity_in_defined_name, id="xxe-defined-name"),
        pytest.param(
            lambda: xlsx_with_entity_in_defined_name(LAUGHS_DTD, b"&lol9;"),
            id="laughs-defined-name",
        ),
        pytest.param(lambda: xlsx_with_xxe("xl/worksheets/sheet1.xml"), id="xxe-sheet"),
        pytest.param(
            lambda: xlsx_with_xxe("xl/workbook.xml", LAUGHS_DTD, b"&lol9;"), id="laughs-workbook"
        ),
        pytest.param(
            lambda: xlsx_shared_strings_with(LAUGHS_DTD, b"&lol9;"), id="laughs-shared-strings"
        ),
        pytest.param(
            lambda: xlsx_shared_strings_with(
                b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n',
                b"&xxe;",
            ),
            id="xxe-shared-strings",
        ),
    ],
)
@pytest.mark.parametrize("read_only", [False, True], ids=["normal", "read_only"])
def test_openpyxl_never_expands_entities(make, read_only: bool) -> None:  # noqa: ANN001
    """Either reading fails because of the DTD, or it succeeds with the entity left out.

    Worksheets and shared strings go through defusedxml (EntitiesForbidden); with lxml present,
    openpyxl parses workbook.xml with lxml and ``resolve_entities=False`` (nothing expanded,
    and libxml2 stops entity amplification).
    """
    try:
        seen = _read_everything(make(), read_only=read_only)
    except Exception as caught:  # noqa: BLE001 — the cause is checked below
        chain = []
        exc: BaseException | None = caught
        while exc is not None:
            chain.append(exc)
            exc = exc.__cause__ or exc.__context__
        assert any(
            isinstance(e, DefusedXmlException) or "amplification" in str(e) for e in chain
        ), [repr(e) for e in chain]
        return
    text = "\n".join(str(v) for v in seen)
    assert "root:" not in text and "lollol" not in text, text[:200]
    assert len(text) < 10_000


def _read_everything(data: bytes, *, read_only: bool) -> list[object]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=read_only)
    values: list[object] = list(wb.sheetnames)
    values += [dn.value for dn in wb.defined_names.values()]
    values += [cell.value for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    return values


def test_an_entity_in_the_workbook_part_is_left_unexpanded() -> None:
    """The defined name that would carry /etc/passwd is empty or absent, not expanded."""
    try:
        seen = _read_everything(xlsx_with_entity_in_defined_name(), read_only=False)
    except Exception:  # noqa: BLE001 — refusing is fine too
        return
    assert not any("root:" in str(v) for v in seen)


def test_the_harmless_workbook_of_the_corpus_opens() -> None:
    """The same builder without the DTD reads fine, so the refusals above are about the DTD."""
    from openpyxl import load_workbook

    assert _read_everything(xlsx(), read_only=True) == ["Sheet", "企业名称"]
    assert load_workbook(io.BytesIO(xlsx())).active["A1"].value == "企业名称"
