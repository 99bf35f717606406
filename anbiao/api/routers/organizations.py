"""Organizations (city office, departments, towns, enterprises) in the user's scope."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from anbiao.api.errors import ERRORS
from anbiao.api.pagination import PageQuery, page_of
from anbiao.orgs import selectors
from anbiao.orgs.models import Organization, OrgKind
from anbiao.orgs.visibility import organizations_for_user

router = Router(tags=["单位"])

KindCode = Literal["city", "department", "town", "enterprise"]
assert set(KindCode.__args__) == set(OrgKind.values)  # type: ignore[attr-defined]


class OrganizationOut(Schema):
    id: UUID
    kind: KindCode
    kind_label: str
    name: str
    code: str
    parent_id: UUID | None
    contact_person: str
    contact_phone: str
    is_active: bool


class OrganizationPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[OrganizationOut]


class OrganizationQuery(PageQuery):
    kind: KindCode | None = Field(None, description="单位类型：city/department/town/enterprise")


def organization_out(org: Organization) -> dict[str, Any]:
    return {
        "id": org.pk,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "name": org.name,
        "code": org.code,
        "parent_id": org.parent_id,
        "contact_person": org.contact_person,
        "contact_phone": org.contact_phone,
        "is_active": org.is_active,
    }


@router.get(
    "/organizations",
    response={200: OrganizationPage, **ERRORS},
    summary="单位列表（本单位范围内）",
    operation_id="organization_list",
)
def organization_list(request: HttpRequest, filters: Query[OrganizationQuery]) -> dict:
    qs = organizations_for_user(request.auth).order_by("kind", "sort_order", "name", "pk")  # type: ignore[attr-defined]
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return page_of(qs, page=filters.page, page_size=filters.page_size, item=organization_out)


@router.get(
    "/organizations/{id}",
    response={200: OrganizationOut, **ERRORS},
    summary="单位详情",
    operation_id="organization_detail",
)
def organization_detail(request: HttpRequest, id: UUID) -> dict:  # noqa: A002
    return organization_out(selectors.organization_get(user=request.auth, pk=id))  # type: ignore[attr-defined]
