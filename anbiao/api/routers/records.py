"""Experiences and mechanisms (经验做法、工作机制): list and detail in scope.

As on the pages: ``scope=own`` (default) lists the own unit's records; ``scope=all`` adds the
SUBMITTED records of organizations in the user's scope (other units' drafts stay private).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from anbiao.api import errors
from anbiao.api.errors import ERRORS
from anbiao.api.fields import CleanText, LocalDateTime
from anbiao.api.pagination import PageQuery, page_of
from anbiao.api.routers._common import UnitRef, allow, ref
from anbiao.records import selectors
from anbiao.records.models import Category, Record, RecordKind, RecordStatus

router = Router(tags=["经验做法与工作机制"])

# Built from the model choices at run time (what pydantic and the schema see); the type
# checker cannot evaluate such a Literal and sees the plain string.
if TYPE_CHECKING:
    KindCode = str
    CategoryCode = str
    StatusCode = str
else:
    KindCode = Literal[tuple(RecordKind.values)]
    CategoryCode = Literal[tuple(Category.values)]
    StatusCode = Literal[tuple(RecordStatus.values)]

errors.FIELD_LABELS.update({"scope": "范围", "category": "分类", "selected": "优秀案例"})


class RecordListOut(Schema):
    id: UUID
    kind: str
    kind_label: str
    organization: UnitRef
    title: str
    category: str
    category_label: str
    date: date
    status: str
    status_label: str
    is_selected: bool
    evidence_count: int


class RecordPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[RecordListOut]


class RecordOut(RecordListOut):
    summary: str
    has_document: bool
    submitted_at: LocalDateTime | None
    selected_at: LocalDateTime | None
    can_edit: bool
    can_select: bool


class RecordQuery(PageQuery):
    scope: Literal["own", "all"] = Field("own", description="own 本单位 / all 范围内已提交的")
    kind: KindCode | None = Field(None, description="experience 经验做法 / mechanism 工作机制")
    category: CategoryCode | None = Field(None, description="分类")
    status: StatusCode | None = Field(None, description="draft 草稿 / submitted 已提交")
    selected: bool | None = Field(None, description="true 只看优秀案例")
    organization: UUID | None = Field(None, description="单位编号")
    q: CleanText = Field("", max_length=100, description="标题或单位名称（部分）")


def record_list_out(r: Record) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "organization": ref(r.organization),
        "title": r.title,
        "category": r.category,
        "category_label": r.get_category_display() if r.category else "",
        "date": r.date,
        "status": r.status,
        "status_label": r.get_status_display(),
        "is_selected": r.is_selected,
        "evidence_count": getattr(r, "evidence_count", 0),
    }


@router.get(
    "/records",
    response={200: RecordPage, **ERRORS},
    summary="经验做法与工作机制列表",
    operation_id="record_list",
)
def record_list(request: HttpRequest, filters: Query[RecordQuery]) -> dict:
    user = allow(request)
    f = selectors.RecordFilter(
        scope=filters.scope,
        kind=filters.kind or "",
        category=filters.category or "",
        status=filters.status or "",
        selected="" if filters.selected is None else ("1" if filters.selected else "0"),
        org=str(filters.organization) if filters.organization else "",
        q=filters.q,
    )
    qs = selectors.record_list(user=user, filters=f)
    return page_of(qs, page=filters.page, page_size=filters.page_size, item=record_list_out)


@router.get(
    "/records/{id}",
    response={200: RecordOut, **ERRORS},
    summary="经验做法或工作机制详情",
    operation_id="record_detail",
)
def record_detail(request: HttpRequest, id: UUID) -> dict:  # noqa: A002
    user = allow(request)
    r = selectors.record_get(user=user, pk=id)
    if r.is_draft and r.organization_id != user.organization_id:
        raise Http404("对象不存在或无权访问")
    return {
        **record_list_out(r),
        "summary": r.summary,
        "has_document": bool(r.document_id),
        "submitted_at": r.submitted_at,
        "selected_at": r.selected_at,
        "can_edit": selectors.can_edit(user, r),
        "can_select": selectors.can_select(user, r),
    }
