"""The world of the inspection tests: the city office, two departments, two towns, three
enterprises and one user of each kind that matters."""

from __future__ import annotations

from typing import Any

import pytest

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind, SizeClass
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user


@pytest.fixture
def w(db: Any) -> dict[str, Any]:
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    dept2 = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="住建局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    town2 = OrganizationFactory.create(kind=OrgKind.TOWN, name="水头镇")
    ent = EnterpriseFactory.create(
        town=town, department=dept, organization__name="鑫源石材", size_class=SizeClass.SMALL
    )
    ent2 = EnterpriseFactory.create(
        town=town, department=dept, organization__name="宏达机械", size_class=SizeClass.ABOVE
    )
    far = EnterpriseFactory.create(town=town2, department=dept2, organization__name="远方建材")
    users = {
        "city": make_user(city, Role.FILLER, username="city_filler"),
        "dept": make_user(dept, Role.FILLER, username="dept_filler"),
        "dept_viewer": make_user(dept, Role.VIEWER, username="dept_viewer"),
        "dept2": make_user(dept2, Role.FILLER, username="dept2_filler"),
        "grid": make_user(town, Role.GRID, username="town_grid"),
        "town2_grid": make_user(town2, Role.GRID, username="town2_grid"),
        "ent": make_user(ent.organization, Role.ORG_ADMIN, username="ent_admin"),
        "ent2": make_user(ent2.organization, Role.ORG_ADMIN, username="ent2_admin"),
    }
    return {
        "city": city,
        "dept": dept,
        "dept2": dept2,
        "town": town,
        "town2": town2,
        "ent": ent,
        "ent2": ent2,
        "far": far,
        "u": users,
    }
