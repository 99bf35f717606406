"""The 被检查单位 picker: a search over the unit's targets instead of one select of thousands."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.accounts.tests.helpers import login_fully
from anbiao.inspections.forms import TargetPicker
from anbiao.inspections.models import Inspection
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit() -> dict[str, Any]:
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    other = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市住建局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    ents = [
        EnterpriseFactory.create(
            department=dept, town=town, organization__name=f"南安市第{n:03d}陶瓷有限公司"
        )
        for n in range(TargetPicker.LIMIT + 10)
    ]
    stone = EnterpriseFactory.create(
        department=dept, town=town, organization__name="福建省石材<加工>有限公司"
    )
    foreign = EnterpriseFactory.create(
        department=other, town=town, organization__name="外部门石材有限公司"
    )
    user = make_user(dept, Role.FILLER)
    client = Client()
    login_fully(client, user)
    return {"dept": dept, "ents": ents, "stone": stone, "foreign": foreign, "client": client}


def options(html: str) -> list[str]:
    return re.findall(r'<option value="([0-9a-f-]+)"', html)


def test_the_form_lists_at_most_the_limit_and_says_how_to_narrow(unit) -> None:  # noqa: ANN001
    html = unit["client"].get(reverse("inspections:inspection_create")).content.decode()
    assert len(options(html)) == TargetPicker.LIMIT
    assert f"共 {TargetPicker.LIMIT + 11} 个单位符合，只列出前 {TargetPicker.LIMIT} 个" in html
    assert 'name="target_q"' in html and 'hx-get="/inspections/targets/' in html


def test_the_search_finds_by_name_and_by_credit_code_within_scope_only(unit) -> None:  # noqa: ANN001
    url = reverse("inspections:target_options")
    html = unit["client"].get(url, {"target_q": "石材"}).content.decode()
    assert options(html) == [str(unit["stone"].organization_id)]
    assert "福建省石材&lt;加工&gt;有限公司" in html  # escaped
    assert "外部门" not in html
    code = unit["ents"][7].credit_code
    html = unit["client"].get(url, {"target_q": code[-8:]}).content.decode()
    assert str(unit["ents"][7].organization_id) in options(html)
    html = unit["client"].get(url, {"target_q": "不存在的企业"}).content.decode()
    assert options(html) == [] and "没有名称或信用代码含“不存在的企业”的单位" in html


def test_the_chosen_target_stays_listed_whatever_the_search(unit) -> None:  # noqa: ANN001
    chosen = unit["ents"][-1].organization_id  # beyond the first LIMIT by name
    url = reverse("inspections:target_options")
    html = unit["client"].get(url, {"target_q": "石材", "target": str(chosen)}).content.decode()
    assert str(chosen) in options(html)
    assert re.search(rf'<option value="{chosen}" selected>', html)
    page = reverse("inspections:inspection_create") + f"?target={chosen}"
    assert str(chosen) in options(unit["client"].get(page).content.decode())


def test_find_without_javascript_keeps_what_was_typed(unit) -> None:  # noqa: ANN001
    r = unit["client"].post(
        reverse("inspections:inspection_create"),
        {"find": "1", "target_q": "石材", "inspectors": "王五", "date": "2026-11-20"},
    )
    html = r.content.decode()
    assert r.status_code == 200 and not Inspection.objects.exists()
    assert options(html) == [str(unit["stone"].organization_id)]
    assert 'value="王五"' in html and 'value="2026-11-20"' in html
    assert "field-error" not in html


def test_a_target_outside_scope_is_refused_even_when_posted_directly(unit) -> None:  # noqa: ANN001
    r = unit["client"].post(
        reverse("inspections:inspection_create"),
        {
            "target": str(unit["foreign"].organization_id),
            "inspectors": "王五",
            "date": "2026-11-20",
        },
    )
    assert "所选单位不在本单位的检查范围内。" in r.content.decode()
    assert not Inspection.objects.exists()
    r = unit["client"].post(
        reverse("inspections:inspection_create"),
        {
            "target": str(unit["ents"][-1].organization_id),
            "inspectors": "王五",
            "date": "2026-11-20",
        },
    )
    assert r.status_code == 302
    assert Inspection.objects.get().target_id == unit["ents"][-1].organization_id
