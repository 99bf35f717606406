"""A department sub-unit's user lists only its own sub-unit's records behind the numbers of the
table it fills in (issue 17 finding 5): the same scope as everywhere else, said on the page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.stats.tests import builders as b
from anbiao.stats.tests import test_stats
from anbiao.stats.tests.test_stats import PQ, client_for

pytestmark = pytest.mark.django_db
city = test_stats.city  # the fixture
COLUMNS = range(1, 16)


@pytest.fixture
def sub(city: dict) -> dict[str, Any]:
    unit = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, parent=city["d1"], name="执法大队")
    own = EnterpriseFactory.create(
        department=unit, town=city["t1"], organization__name="戊机械有限公司"
    )
    b.record(own.organization, kind="experience", submitted=True, evidence=True, date=b.DATES["in"])
    return {"unit": unit, "user": make_user(unit, Role.FILLER), "own": own}


def _pages(client: Any) -> dict[int, str]:
    out = {}
    for no in COLUMNS:
        r = client.get(reverse("stats:drill", args=[no]) + "?" + PQ)
        if r.status_code == 200:
            out[no] = r.content.decode()
    return out


def test_a_sub_units_user_lists_only_its_own_records_and_is_told_so(city: dict, sub: dict) -> None:
    parent_pages = _pages(client_for(city["users"]["d1"]))
    sub_pages = _pages(client_for(sub["user"]))
    assert sub_pages, "the sub-unit's user opens the drill-down lists"
    # the parent's user sees the parent's enterprise and the sub-unit's
    assert any("甲石材有限公司" in html for html in parent_pages.values())
    assert any("戊机械有限公司" in html for html in parent_pages.values())
    # the sub-unit's user sees only its own
    assert not any(
        "甲石材有限公司" in html or "乙陶瓷有限公司" in html for html in sub_pages.values()
    )
    assert any("戊机械有限公司" in html for html in sub_pages.values())
    assert all('id="sub-unit-note"' in html for html in sub_pages.values())
    assert not any('id="sub-unit-note"' in html for html in parent_pages.values())


def test_a_sub_units_drill_export_holds_only_its_own_records(city: dict, sub: dict) -> None:
    c = client_for(sub["user"])
    seen = []
    for no in COLUMNS:
        r = c.get(reverse("stats:drill_export", args=[no]) + "?" + PQ)
        if r.status_code != 200:
            continue
        ws = load_workbook(io.BytesIO(r.content)).active
        seen += [str(v) for row in ws.iter_rows(values_only=True) for v in row if v]
    assert any("戊机械有限公司" in v for v in seen)
    assert not any("甲石材有限公司" in v or "乙陶瓷有限公司" in v for v in seen)
