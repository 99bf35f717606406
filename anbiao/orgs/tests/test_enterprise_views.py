import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import Enterprise, OrgKind
from anbiao.orgs.registry_columns import REGISTRY_COLUMNS
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_scope_in_the_import_columns(client):
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    mine = EnterpriseFactory.create(department=dept)
    EnterpriseFactory.create()  # another department's
    client.force_login(make_user(dept, Role.VIEWER))
    response = client.get(reverse("orgs:enterprise_export"))
    assert response["Content-Disposition"].startswith("attachment;")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][: len(REGISTRY_COLUMNS)]) == [c.header for c in REGISTRY_COLUMNS]
    assert len(rows) == 2
    assert rows[1][0] == mine.organization.name and rows[1][1] == mine.credit_code
    assert rows[1][4] == mine.town.name and rows[1][5] == dept.name


def test_a_department_writer_creates_an_enterprise_with_a_normalized_code(client):
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    client.force_login(make_user(dept, Role.FILLER))
    response = client.post(
        reverse("orgs:enterprise_create"),
        {
            "name": " 南安市测试石材有限公司 ",
            "credit_code": "９１３５０５８３ＭＡ３１Ｎ８Ｋ７Ｘ Ｋ".replace(" ", ""),
            "town": town.pk,
            "department": dept.pk,
            "industry": "C",
            "size_class": "small",
            "star_level": 0,
        },
    )
    # The full-width code normalizes, but this one has a bad check digit: refused with the reason.
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_a_bad_check_digit_can_be_accepted_knowingly(client):
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    town = OrganizationFactory.create(kind=OrgKind.TOWN)
    client.force_login(make_user(dept, Role.FILLER))
    response = client.post(
        reverse("orgs:enterprise_create"),
        {
            "name": "校验位存疑企业",
            "credit_code": "91350583MA31N8K7X1",
            "accept_bad_checksum": "on",
            "town": town.pk,
            "department": dept.pk,
            "industry": "C",
            "size_class": "small",
            "star_level": 0,
        },
    )
    assert response.status_code == 302
    e = Enterprise.objects.get()
    assert e.credit_code_checked is False
    assert AuditEntry.objects.filter(
        action="anbiao.enterprise.created", object_id=str(e.pk)
    ).exists()


def test_an_enterprise_edits_its_own_profile_only(client):
    e = EnterpriseFactory.create()
    client.force_login(make_user(e.organization, Role.FILLER))
    r = client.post(
        reverse("orgs:profile_edit"),
        {"principal": "李四", "phone": "13800001111", "address": "新地址"},
    )
    assert r.status_code == 302
    e.refresh_from_db()
    assert (e.principal, e.phone, e.address) == ("李四", "13800001111", "新地址")
    other = EnterpriseFactory.create()
    assert client.get(reverse("orgs:enterprise_detail", args=[other.pk])).status_code == 404
