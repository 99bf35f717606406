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


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.django_db
def test_no_xlsx_export_turns_a_hostile_name_into_a_formula() -> None:
    """Every parameterless export of every app, with an enterprise named like a formula."""
    from django.test import Client

    from anbiao.core.audit import log_action
    from anbiao.core.tests.world import build_world
    from tests.security.test_headers_everywhere import plain_urls

    world = build_world()
    hostile = EnterpriseFactory(
        town=world.town,
        department=world.dept,
        organization__name=HOSTILE["name"],
        principal=HOSTILE["principal"],
        address=HOSTILE["address"],
    )
    log_action(hostile, "anbiao.enterprise.updated", user=world.users["city:org_admin"])
    exports = [u for u in plain_urls() if "xlsx" in u or "export" in u]
    checked = []
    for persona in ("city:org_admin", "city:auditor", "department:filler", "town:org_admin"):
        client = Client(raise_request_exception=False)
        client.force_login(
            world.users[persona], backend="anbiao.accounts.backends.UsernameOrMobileBackend"
        )
        for url in exports:
            response = client.get(url)
            assert response.status_code < 500, (persona, url)
            if response.status_code != 200 or not response["Content-Type"].startswith(XLSX_MIME):
                continue
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            wb = load_workbook(io.BytesIO(content))
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        text = str(cell.value or "")
                        if "HYPERLINK" in text or "cmd|" in text:
                            assert cell.data_type != "f", (url, cell.coordinate, text)
                            assert not text.startswith(FORMULA_PREFIXES), (url, cell.coordinate)
            checked.append((persona, url))
    assert ("department:filler", reverse("orgs:enterprise_export")) in checked
