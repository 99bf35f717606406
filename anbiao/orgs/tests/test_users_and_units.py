import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role, User
from anbiao.orgs.models import Organization, OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def test_the_city_office_adds_a_department_and_a_user_for_it(client):
    city = OrganizationFactory.create(kind=OrgKind.CITY)
    client.force_login(make_user(city, Role.ORG_ADMIN))
    r = client.post(
        reverse("orgs:unit_create"),
        {"kind": "department", "name": "南安市水利局", "sort_order": 0, "is_active": "on"},
    )
    assert r.status_code == 302
    dept = Organization.objects.get(name="南安市水利局")
    r = client.post(
        reverse("orgs:user_create"),
        {
            "org": dept.pk,
            "username": "slj_filler",
            "full_name": "王五",
            "password": "Shuili#2024x",
            "roles": ["filler"],
        },
    )
    assert r.status_code == 302
    user = User.objects.get(username="slj_filler")
    assert user.organization == dept and user.role_set() == {"filler"} and user.must_change_password


def test_a_weak_password_is_refused_with_a_chinese_reason_and_the_input_kept(client):
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    client.force_login(make_user(dept, Role.ORG_ADMIN))
    r = client.post(
        reverse("orgs:user_create"),
        {"username": "weak", "full_name": "赵六", "password": "abcdefgh", "roles": ["viewer"]},
    )
    html = r.content.decode()
    assert r.status_code == 200 and "三类" in html and 'value="赵六"' in html
    assert not User.objects.filter(username="weak").exists()


def test_a_unit_admin_cannot_edit_another_units_user(client):
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    other = make_user(OrganizationFactory.create(kind=OrgKind.DEPARTMENT), Role.FILLER)
    client.force_login(make_user(dept, Role.ORG_ADMIN))
    assert client.get(reverse("orgs:user_edit", args=[other.pk])).status_code == 404


def test_disabling_a_user_ends_all_their_sessions_at_once(client):
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    target = make_user(dept, Role.FILLER)
    phone, pc = Client(), Client()
    phone.force_login(target)
    pc.force_login(target)
    assert phone.get(reverse("core:home")).status_code == 200
    client.force_login(make_user(dept, Role.ORG_ADMIN))
    r = client.post(
        reverse("orgs:user_edit", args=[target.pk]), {"full_name": "x", "roles": ["filler"]}
    )
    assert r.status_code == 302
    assert phone.get(reverse("core:home")).status_code == 302
    assert pc.get(reverse("core:home")).status_code == 302
    remaining = [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(target.pk)
    ]
    assert remaining == []
