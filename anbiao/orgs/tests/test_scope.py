"""Departments see the enterprises they supervise, towns those located in them, enterprises themselves."""

import pytest
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.orgs.visibility import enterprises_for_user, organizations_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_map():
    dept_a = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="甲局")
    dept_a_sub = OrganizationFactory.create(
        kind=OrgKind.DEPARTMENT, name="甲局执法大队", parent=dept_a
    )
    dept_b = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="乙局")
    town_a = OrganizationFactory.create(kind=OrgKind.TOWN, name="甲镇")
    town_b = OrganizationFactory.create(kind=OrgKind.TOWN, name="乙镇")
    e1 = EnterpriseFactory.create(department=dept_a, town=town_a)
    e2 = EnterpriseFactory.create(department=dept_b, town=town_a)
    e3 = EnterpriseFactory.create(department=dept_b, town=town_b)
    e4 = EnterpriseFactory.create(department=dept_a_sub, town=town_b)
    e5 = EnterpriseFactory.create(department=dept_b, town=town_b)
    e5.other_departments.add(dept_a)
    return locals()


def names(qs):
    return sorted(e.organization.name for e in qs)


def test_a_department_sees_the_enterprises_it_and_its_sub_units_supervise(city_map):
    m = city_map
    user = make_user(m["dept_a"], Role.VIEWER)
    assert names(enterprises_for_user(user)) == names([m["e1"], m["e4"], m["e5"]])


def test_a_town_sees_only_the_enterprises_located_in_it(city_map):
    m = city_map
    user = make_user(m["town_a"], Role.GRID)
    assert names(enterprises_for_user(user)) == names([m["e1"], m["e2"]])


def test_an_enterprise_sees_only_itself(city_map):
    m = city_map
    user = make_user(m["e2"].organization, Role.FILLER)
    assert list(enterprises_for_user(user)) == [m["e2"]]
    assert list(organizations_for_user(user)) == [m["e2"].organization]


def test_a_disabled_users_scope_is_empty(city_map):
    user = make_user(city_map["dept_a"], Role.VIEWER, is_active=False)
    assert not enterprises_for_user(user).exists()


def test_the_list_shows_only_the_scope_and_masks_phones(client, city_map):
    m = city_map
    user = make_user(m["town_b"], Role.VIEWER)
    client.force_login(user)
    response = client.get(reverse("orgs:enterprise_list"))
    html = response.content.decode()
    assert response.status_code == 200
    for e in (m["e3"], m["e4"], m["e5"]):
        assert e.organization.name in html
    for e in (m["e1"], m["e2"]):
        assert e.organization.name not in html
    assert "139****5678" in html and "13912345678" not in html


def test_filters_and_search_narrow_the_list(client, city_map):
    m = city_map
    user = make_user(OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办"), Role.VIEWER)
    client.force_login(user)
    r = client.get(reverse("orgs:enterprise_list"), {"town": m["town_a"].pk})
    assert r.context["page"].paginator.count == 2
    r = client.get(reverse("orgs:enterprise_list"), {"department": m["dept_a"].pk})
    assert r.context["page"].paginator.count == 2  # e1 primary, e5 co-supervised
    r = client.get(reverse("orgs:enterprise_list"), {"q": m["e3"].credit_code.lower()})
    assert [e.pk for e in r.context["page"]] == [m["e3"].pk]
