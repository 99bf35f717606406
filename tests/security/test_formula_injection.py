"""Spreadsheet exports never hand a formula to Excel/WPS: cells starting = + - @ are escaped."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.core.xlsx import FORMULA_PREFIXES, safe_cell
from anbiao.orgs.tests.factories import EnterpriseFactory
from tests.security.conftest import login

HOSTILE = {
    "name": '=HYPERLINK("http://x","y")',
    "principal": "+1+cmd|' /C calc'!A0",
    "phone": "-2+3+cmd|' /C notepad'!A0",
    "address": "@SUM(1+1)*cmd|' /C calc'!A0",
}


@pytest.mark.django_db
def test_the_registry_export_escapes_formulas(city_world) -> None:  # noqa: ANN001
    EnterpriseFactory(
        town=city_world["town"],
        department=city_world["dept"],
        organization__name=HOSTILE["name"],
        principal=HOSTILE["principal"],
        phone=HOSTILE["phone"],
        address=HOSTILE["address"],
    )
    response = login(city_world["dept_filler"]).get(reverse("orgs:enterprise_export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content

    # no <f> (formula) element anywhere in the sheet XML
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name

    ws = load_workbook(io.BytesIO(content)).active
    rows = [[c for c in row] for row in ws.iter_rows()]
    hostile_row = next(r for r in rows if "HYPERLINK" in str(r[0].value))
    texts = {str(c.value) for c in hostile_row}
    for field, value in HOSTILE.items():
        assert f"'{value}" in texts, (field, texts)
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_PREFIXES), (cell.coordinate, cell.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("南安市=1", "南安市=1"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_safe_cell_quotes_every_formula_prefix(value, expected) -> None:  # noqa: ANN001
    assert safe_cell(value) == expected
