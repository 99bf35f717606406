"""Built-in organizations: the city office, the towns and streets, the member departments."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from anbiao.orgs.demo_data import CITY_OFFICE, DEPARTMENTS, TOWNS
from anbiao.orgs.models import Organization, OrgKind


@transaction.atomic
def load(stdout: Any = None) -> None:
    created = 0
    _, new = Organization.objects.get_or_create(
        kind=OrgKind.CITY, name=CITY_OFFICE, defaults={"code": "350583"}
    )
    created += new
    for order, (name, code) in enumerate(TOWNS):
        _, new = Organization.objects.get_or_create(
            kind=OrgKind.TOWN, name=name, defaults={"code": code, "sort_order": order}
        )
        created += new
    for order, name in enumerate(DEPARTMENTS):
        _, new = Organization.objects.get_or_create(
            kind=OrgKind.DEPARTMENT, name=name, defaults={"sort_order": order}
        )
        created += new
    if stdout is not None:
        stdout.write(
            f"单位：新增 {created} 个（市安委办、{len(TOWNS)} 个乡镇街道、{len(DEPARTMENTS)} 个成员单位）。"
        )
