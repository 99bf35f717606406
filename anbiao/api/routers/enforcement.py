"""Enforcement (执法): cases and exposure batches, for the city office and departments only.

A department sees its own (and its sub-units'); the city office all; others get 404, as on the
pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypedDict
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from anbiao.api.errors import ERRORS
from anbiao.api.fields import LocalDateTime
from anbiao.api.pagination import PageQuery, page_of
from anbiao.api.routers._common import UnitRef, allow, ref
from anbiao.enforcement import selectors
from anbiao.enforcement.models import BatchStatus, EnforcementCase, ExposureBatch
from anbiao.orgs.models import OrgKind

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class BatchCounts(TypedDict):
        n_cases: int
        n_enterprises: int


router = Router(tags=["执法"])

CASE_KINDS = frozenset({OrgKind.CITY, OrgKind.DEPARTMENT})
# Built from the model choices at run time (what pydantic and the schema see); the type
# checker cannot evaluate such a Literal and sees the plain string.
if TYPE_CHECKING:
    BatchStatusCode = str
else:
    BatchStatusCode = Literal[tuple(BatchStatus.values)]


class CaseOut(Schema):
    id: UUID
    department: UnitRef
    enterprise: UnitRef
    case_number: str
    violation: str
    legal_basis: str
    penalty: str
    fine_amount: Decimal | None
    decided_on: date


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[CaseOut]


class BatchOut(Schema):
    id: UUID
    department: UnitRef
    title: str
    date: date
    status: str
    status_label: str
    published_at: LocalDateTime | None
    case_count: int
    enterprise_count: int


class BatchPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[BatchOut]


class CaseQuery(PageQuery):
    department: UUID | None = Field(None, description="部门编号")


class BatchQuery(PageQuery):
    status: BatchStatusCode | None = Field(None, description="draft 草稿 / published 已曝光")


def case_out(c: EnforcementCase) -> dict[str, Any]:
    return {
        "id": c.pk,
        "department": ref(c.department),
        "enterprise": ref(c.enterprise.organization),
        "case_number": c.case_number,
        "violation": c.violation,
        "legal_basis": c.legal_basis,
        "penalty": c.penalty,
        "fine_amount": c.fine_amount,
        "decided_on": c.decided_on,
    }


def batch_out(b: WithAnnotations[ExposureBatch, BatchCounts]) -> dict[str, Any]:
    """A batch from selectors.batches_for_user, which counts its cases and enterprises."""
    return {
        "id": b.pk,
        "department": ref(b.department),
        "title": b.title,
        "date": b.date,
        "status": b.status,
        "status_label": b.get_status_display(),
        "published_at": b.published_at,
        "case_count": b.n_cases,
        "enterprise_count": b.n_enterprises,
    }


@router.get(
    "/enforcement/cases",
    response={200: CasePage, **ERRORS},
    summary="执法案例列表（市安委办、部门）",
    operation_id="enforcement_case_list",
)
def case_list(request: HttpRequest, filters: Query[CaseQuery]) -> dict:
    user = allow(request, kinds=CASE_KINDS)
    qs = selectors.cases_for_user(user)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    qs = qs.order_by("-decided_on", "-created_at", "pk")
    return page_of(qs, page=filters.page, page_size=filters.page_size, item=case_out)


@router.get(
    "/enforcement/batches",
    response={200: BatchPage, **ERRORS},
    summary="曝光批次列表（市安委办、部门）",
    operation_id="enforcement_batch_list",
)
def batch_list(request: HttpRequest, filters: Query[BatchQuery]) -> dict:
    user = allow(request, kinds=CASE_KINDS)
    qs = selectors.batches_for_user(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return page_of(qs, page=filters.page, page_size=filters.page_size, item=batch_out)
