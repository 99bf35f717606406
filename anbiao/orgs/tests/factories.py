from __future__ import annotations

import random
from typing import Any

import factory
from stdnum.cn import uscc

from anbiao.accounts.models import Membership, User
from anbiao.orgs.models import Enterprise, IndustrySection, Organization, OrgKind, SizeClass

_rng = random.Random(7)


def credit_code() -> str:
    body = "91350583" + "".join(_rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    kind = OrgKind.DEPARTMENT
    name = factory.Sequence(lambda n: f"测试单位{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise

    organization = factory.SubFactory(
        OrganizationFactory,
        kind=OrgKind.ENTERPRISE,
        name=factory.Sequence(lambda n: f"测试企业{n}有限公司"),
    )
    credit_code = factory.LazyFunction(credit_code)
    principal = "张三"
    phone = "13912345678"
    address = "南安市溪美街道1号"
    town = factory.SubFactory(OrganizationFactory, kind=OrgKind.TOWN)
    department = factory.SubFactory(OrganizationFactory, kind=OrgKind.DEPARTMENT)
    industry = IndustrySection.C
    size_class = SizeClass.SMALL


def make_user(
    organization: Organization, *roles: str, username: str | None = None, **extra: Any
) -> User:
    n = User.objects.count() + 1
    user = User.objects.create_user(
        username=username or f"u{n}_{'_'.join(roles) or 'none'}",
        password="Test@12345",
        organization=organization,
        full_name=f"测试用户{n}",
        **extra,
    )
    for role in roles:
        Membership.objects.create(user=user, role=role)
    return user
