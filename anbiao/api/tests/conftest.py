from __future__ import annotations

import pytest

from anbiao.accounts.models import Role
from anbiao.api.services import apitoken_create
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user


class ApiWorld:
    """A department with two enterprises, another department's enterprise, and tokens."""

    def __init__(self) -> None:
        self.dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
        self.dept_other = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="交通运输局")
        self.town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
        self.town_other = OrganizationFactory.create(kind=OrgKind.TOWN, name="水头镇")
        self.ent = EnterpriseFactory.create(
            town=self.town, department=self.dept, organization__name="南安市溪美机械有限公司"
        )
        self.ent2 = EnterpriseFactory.create(
            town=self.town_other, department=self.dept, organization__name="南安市水头石材有限公司"
        )
        self.ent_other = EnterpriseFactory.create(
            town=self.town_other,
            department=self.dept_other,
            organization__name="南安市外辖区物流有限公司",
        )
        self.filler = make_user(self.dept, Role.FILLER, username="dept_filler")
        self.viewer = make_user(self.dept, Role.VIEWER, username="dept_viewer")
        self.ent_admin = make_user(self.ent.organization, Role.ORG_ADMIN, username="ent_admin")
        self.tokens = {
            name: apitoken_create(by=user, name="测试")[1]
            for name, user in {
                "filler": self.filler,
                "viewer": self.viewer,
                "ent_admin": self.ent_admin,
            }.items()
        }

    def auth(self, who: str = "filler") -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def apiworld(db) -> ApiWorld:  # noqa: ANN001
    return ApiWorld()
