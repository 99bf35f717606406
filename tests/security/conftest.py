from __future__ import annotations

import pytest

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user


@pytest.fixture
def uploader(db):  # noqa: ANN001, ANN201
    ent = EnterpriseFactory(organization__name="上传测试企业有限公司")
    return make_user(ent.organization, Role.FILLER, username="uploader")


@pytest.fixture
def city_world(db):  # noqa: ANN001, ANN201
    """A city office manager, a department filler and an enterprise admin, one enterprise each."""
    city = OrganizationFactory(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="应急管理局")
    town = OrganizationFactory(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory(town=town, department=dept, organization__name="南安市测试有限公司")
    return {
        "city": city,
        "dept": dept,
        "town": town,
        "ent": ent,
        "city_admin": make_user(city, Role.ORG_ADMIN, username="city_admin"),
        "dept_filler": make_user(dept, Role.FILLER, username="dept_filler"),
        "ent_admin": make_user(ent.organization, Role.ORG_ADMIN, username="ent_admin"),
    }


def login(user):  # noqa: ANN001, ANN201
    from django.test import Client

    client = Client()
    client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return client
