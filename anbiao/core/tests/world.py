"""A small world for access tests: two of each kind of unit, and one user per persona.

Personas are ``anon``, ``disabled`` and ``<kind>:<role>``; each persona's user belongs to the
"own" unit of its kind (``city``, ``dept``, ``town``, ``ent``). ``ent`` lies in ``dept`` and
``town``; ``ent_other`` lies in ``dept_other`` and ``town_other``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from anbiao.accounts.models import Role
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

KIND_ROLES: dict[str, tuple[str, ...]] = {
    OrgKind.CITY: (
        Role.ORG_ADMIN,
        Role.FILLER,
        Role.PRINCIPAL,
        Role.VIEWER,
        Role.SYSADMIN,
        Role.SECADMIN,
        Role.AUDITOR,
    ),
    OrgKind.DEPARTMENT: (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.VIEWER),
    OrgKind.TOWN: (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER),
    OrgKind.ENTERPRISE: (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.VIEWER),
}
PERSONAS: tuple[str, ...] = ("anon", "disabled") + tuple(
    f"{kind}:{role}" for kind, roles in KIND_ROLES.items() for role in roles
)


@dataclass
class World:
    city: Organization
    dept: Organization
    dept_other: Organization
    town: Organization
    town_other: Organization
    ent: Enterprise
    ent_other: Enterprise
    users: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def own_unit(self, kind: str) -> Organization:
        units: dict[str, Organization] = {
            OrgKind.CITY: self.city,
            OrgKind.DEPARTMENT: self.dept,
            OrgKind.TOWN: self.town,
            OrgKind.ENTERPRISE: self.ent.organization,
        }
        return units[kind]


def build_world() -> World:
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="测试市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="测试应急管理局")
    dept_other = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="测试交通运输局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="测试溪美街道")
    town_other = OrganizationFactory.create(kind=OrgKind.TOWN, name="测试水头镇")
    ent = EnterpriseFactory.create(
        town=town, department=dept, organization__name="本辖区测试企业有限公司"
    )
    ent_other = EnterpriseFactory.create(
        town=town_other, department=dept_other, organization__name="外辖区测试企业有限公司"
    )
    world = World(city, dept, dept_other, town, town_other, ent, ent_other)
    for kind, roles in KIND_ROLES.items():
        for role in roles:
            world.users[f"{kind}:{role}"] = make_user(
                world.own_unit(kind), role, username=f"{kind}_{role}"
            )
    world.users["disabled"] = make_user(
        dept, Role.ORG_ADMIN, username="disabled_user", is_active=False
    )
    return world
