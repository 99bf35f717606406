"""Builders for dashboard tests: a small city of N enterprises with look-backs and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from anbiao.accounts.models import Role
from anbiao.checklists.models import Checklist, ChecklistPurpose, ChecklistStatus
from anbiao.checklists.tests.helpers import campaign
from anbiao.orgs.models import OrgKind, SizeClass
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

SIZES = [SizeClass.values[i % len(SizeClass.values)] for i in range(3)]


@dataclass
class City:
    city: Any
    depts: list[Any]
    towns: list[Any]
    enterprises: list[Any] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    campaign: Any = None


def make_city(n: int, *, submitted_every: int = 2) -> City:
    """n enterprises over 2 departments and 2 towns; every ``submitted_every``-th submitted.

    Checklists are created directly (no answers): the dashboards count checklist statuses.
    """
    camp = campaign()
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="测试市安委办")
    depts = [
        OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name=f"测试部门{i}") for i in (1, 2)
    ]
    towns = [OrganizationFactory.create(kind=OrgKind.TOWN, name=f"测试镇{i}") for i in (1, 2)]
    c = City(city, depts, towns, campaign=camp)
    for i in range(n):
        e = EnterpriseFactory.create(
            department=depts[i % 2], town=towns[(i // 2) % 2], size_class=SIZES[i % 3]
        )
        c.enterprises.append(e)
        if i % submitted_every == 0:
            Checklist.objects.create(
                campaign=camp,
                organization=e.organization,
                template_version=camp.enterprise_template_version,
                purpose=ChecklistPurpose.LOOKBACK,
                status=ChecklistStatus.SUBMITTED if i % 4 == 0 else ChecklistStatus.ACCEPTED,
            )
    c.users["city"] = make_user(city, Role.VIEWER, username="city_viewer")
    c.users["dept"] = make_user(depts[0], Role.ORG_ADMIN, username="dept_admin")
    c.users["town"] = make_user(towns[0], Role.VIEWER, username="town_viewer")
    return c
