"""The drill-down lists of 附件3 as .xlsx: every record behind the number, audited, scoped."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.core.models import AuditEntry
from anbiao.stats import selectors
from anbiao.stats.tests import test_stats
from anbiao.stats.tests.test_stats import PERIOD, PQ, client_for

pytestmark = pytest.mark.django_db
city = test_stats.city  # the fixture


def test_a_drill_down_list_exports_exactly_its_records(city: dict) -> None:
    c = client_for(city["users"]["city"])
    for unit, no in ((city["d1"], 3), (city["d1"], 8), (city["t1"], 1), (city["office"], 9)):
        n = selectors.unit_table(unit=unit, period=PERIOD).values[no - 1] or 0
        r = c.get(reverse("stats:drill_export", args=[no]) + f"?unit={unit.pk}&{PQ}")
        assert r.status_code == 200
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws.cell(1, 1).value == "序号"
        assert ws.max_row - 1 == n, (unit.name, no)
        assert [ws.cell(i, 1).value for i in range(2, ws.max_row + 1)] == list(range(1, n + 1))
    entry = AuditEntry.objects.filter(action="anbiao.file.downloaded").latest("pk")
    assert entry.data["name"].startswith("附件3第9列明细_")


def test_the_drill_page_links_its_export_and_another_unit_answers_404(city: dict) -> None:
    c = client_for(city["users"]["d1"])
    html = c.get(reverse("stats:drill", args=[1]) + "?" + PQ).content.decode()
    assert 'id="drill-export"' in html
    url = reverse("stats:drill_export", args=[1]) + f"?unit={city['d2'].pk}&{PQ}"
    assert c.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="anbiao.file.downloaded").exists()
