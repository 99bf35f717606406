"""联系电话 and 手机号 are validated wherever they are typed in the organizations pages and
services, stored normalized, and a number recorded before the rule is not rewritten silently."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anbiao.accounts.models import Role, User
from anbiao.orgs import services
from anbiao.orgs.forms import EnterpriseForm
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db

BAD = "格式不正确，应为11位手机号（如 13912345678）或带区号的固定电话（如 0595-86381234）"


def enterprise_post(e: Enterprise, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": e.organization.name,
        "principal": e.principal,
        "phone": e.phone,
        "address": e.address,
        "town": e.town_id,
        "department": e.department_id,
        "industry": e.industry,
        "size_class": e.size_class,
        "star_level": e.star_level,
    }
    data.update(changes)
    return data


@pytest.fixture
def dept_writer(client):
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    client.force_login(make_user(dept, Role.FILLER))
    client.dept = dept
    return client


def test_the_enterprise_form_refuses_a_number_without_area_code_and_keeps_what_was_typed(
    dept_writer,
):
    town = OrganizationFactory.create(kind=OrgKind.TOWN)
    response = dept_writer.post(
        reverse("orgs:enterprise_create"),
        {
            "name": "南安市测试有限公司",
            "credit_code": "91350583MA31N8K7XK",
            "phone": "86381234",
            "town": town.pk,
            "department": dept_writer.dept.pk,
            "industry": "C",
            "size_class": "small",
            "star_level": 0,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"联系电话：{BAD}" in body
    assert 'value="86381234"' in body  # the user's text is not lost
    assert not Enterprise.objects.exists()


def test_an_edited_phone_is_stored_normalized(dept_writer):
    e = EnterpriseFactory.create(department=dept_writer.dept)
    url = reverse("orgs:enterprise_edit", args=[e.pk])
    assert dept_writer.post(url, enterprise_post(e, phone="（0595）8638 1234")).status_code == 302
    e.refresh_from_db()
    assert e.phone == "0595-86381234"


def test_a_number_on_record_before_the_rule_does_not_block_other_edits(dept_writer):
    e = EnterpriseFactory.create(department=dept_writer.dept, phone="86381234")
    url = reverse("orgs:enterprise_edit", args=[e.pk])
    assert dept_writer.post(url, enterprise_post(e, address="新地址")).status_code == 302
    e.refresh_from_db()
    assert (e.address, e.phone) == ("新地址", "86381234")  # kept as it was, not rewritten

    response = dept_writer.post(url, enterprise_post(e, phone="86381235"))
    assert response.status_code == 200 and f"联系电话：{BAD}" in response.content.decode()


def test_the_enterprise_form_offers_a_departments_sub_unit_as_its_department():
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    squad = OrganizationFactory.create(
        kind=OrgKind.DEPARTMENT, name="南安市应急管理局执法大队", parent=dept
    )
    e = EnterpriseFactory.create(department=squad)
    form = EnterpriseForm(enterprise_post(e), instance=e)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["department"] == squad


def test_an_enterprise_profile_refuses_a_bad_phone(client):
    e = EnterpriseFactory.create()
    client.force_login(make_user(e.organization, Role.FILLER))
    response = client.post(
        reverse("orgs:profile_edit"), {"principal": "李四", "phone": "1391234567", "address": ""}
    )
    assert response.status_code == 200 and BAD in response.content.decode()
    e.refresh_from_db()
    assert e.phone == "13912345678"


def test_the_services_check_a_changed_phone_as_the_api_sends_it():
    e = EnterpriseFactory.create(phone="86381234")
    with pytest.raises(ValidationError) as exc:
        services.enterprise_update(by=None, enterprise=e, phone="12345")
    assert exc.value.message_dict == {"phone": [BAD]}
    services.enterprise_update(by=None, enterprise=e, phone="+86 13912345670")
    e.refresh_from_db()
    assert e.phone == "13912345670"


def test_a_units_contact_phone_is_checked(client):
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="南安市安委办")
    client.force_login(make_user(city, Role.ORG_ADMIN))
    response = client.post(
        reverse("orgs:unit_create"),
        {
            "kind": "department",
            "name": "南安市测试局",
            "contact_phone": "0595-8638",
            "sort_order": 0,
        },
    )
    assert response.status_code == 200 and f"联系电话：{BAD}" in response.content.decode()
    assert not Organization.objects.filter(name="南安市测试局").exists()
    with pytest.raises(ValidationError):
        services.organization_create(
            by=None, kind="department", name="南安市测试局", contact_phone="abc"
        )
    unit = services.organization_create(
        by=None, kind="department", name="南安市测试局", contact_phone="0595 86381234"
    )
    assert unit.contact_phone == "0595-86381234"


def test_a_users_mobile_must_be_a_mobile_and_is_stored_as_eleven_digits(client):
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="南安市安委办")
    client.force_login(make_user(city, Role.ORG_ADMIN))
    base = {
        "username": "new_user",
        "full_name": "王五",
        "password": "Abcd@12345",
        "roles": [Role.VIEWER],
    }
    response = client.post(reverse("orgs:user_create"), {**base, "mobile": "0595-86381234"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "手机号：格式不正确，应为11位手机号（如 13912345678）" in body
    assert not User.objects.filter(username="new_user").exists()

    response = client.post(reverse("orgs:user_create"), {**base, "mobile": "139 1234 5670"})
    assert response.status_code == 302
    user = User.objects.get(username="new_user")
    assert user.mobile == "13912345670"

    url = reverse("orgs:user_edit", args=[user.pk])
    edit = {"full_name": "王五", "is_active": "on", "roles": [Role.VIEWER]}
    assert client.post(url, {**edit, "mobile": "+86 139-1234-5671"}).status_code == 302
    user.refresh_from_db()
    assert user.mobile == "13912345671"
