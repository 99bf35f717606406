from __future__ import annotations

import pytest

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

PASSWORD = "Test@12345"


@pytest.fixture
def people(db):
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    ent = EnterpriseFactory.create(department=dept)
    return {
        "city": city,
        "dept": dept,
        "ent": ent,
        "city_admin": make_user(city, Role.ORG_ADMIN, username="cityadm", mobile="13800000001"),
        "sysadmin": make_user(city, Role.SYSADMIN, username="sysop", is_staff=True),
        "secadmin": make_user(city, Role.SECADMIN, username="secop", mobile="13800000006"),
        "auditor": make_user(city, Role.AUDITOR, username="auditop"),
        "dept_filler": make_user(dept, Role.FILLER, username="deptfill"),
        "ent_filler": make_user(ent.organization, Role.FILLER, username="entfill"),
    }
