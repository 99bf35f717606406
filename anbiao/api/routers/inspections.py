"""Inspections (督导检查): list and detail, in the same scope as the pages.

The city office sees all; any other unit the inspections it made (drafts included) and the
completed inspections of itself (``anbiao.inspections.selectors.visible_q``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from anbiao.api import errors
from anbiao.api.errors import ERRORS
from anbiao.api.fields import CleanText, LocalDateTime
from anbiao.api.pagination import PageQuery, page_of
from anbiao.api.routers._common import IsoDate, UnitRef, allow, person, ref
from anbiao.inspections import selectors
from anbiao.inspections.models import Inspection, InspectionStatus

router = Router(tags=["督导检查"])

# Built from the model choices at run time (what pydantic and the schema see); the type
# checker cannot evaluate such a Literal and sees the plain string.
if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from anbiao.inspections.selectors import ProblemCount

    StatusCode = str
else:
    StatusCode = Literal[tuple(InspectionStatus.values)]
GRADE_LABELS = {"general": "一般", "major": "重大"}

errors.FIELD_LABELS.update(
    {
        "inspector": "检查单位",
        "date_from": "检查日期起",
        "date_to": "检查日期止",
        "target_kind": "被检查对象类型",
    }
)


class InspectionListOut(Schema):
    id: UUID
    inspector: UnitRef
    target: UnitRef
    date: date
    inspectors: str
    status: str
    status_label: str
    finding_count: int = Field(description="另行登记的发现问题条数（不含按细则检查的问题）")
    problem_count: int = Field(
        description="发现问题（个）：已完成的检查为其登记的、未撤销的隐患数（与附件3第8、10列同一口径），"
        "草稿为完成后将登记的问题数（另行登记的问题加细则中的存在问题）"
    )
    completed_at: LocalDateTime | None


class InspectionPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[InspectionListOut]


class FindingOut(Schema):
    position: int
    description: str
    grade: str
    grade_label: str
    deadline: date | None
    photo_count: int
    problem_id: UUID | None = Field(description="检查完成后登记的隐患编号")


class InspectionOut(InspectionListOut):
    campaign: str
    summary: str
    recorded_by: str
    completed_by: str
    has_checklist: bool
    findings: list[FindingOut]


class InspectionQuery(PageQuery):
    inspector: UUID | None = Field(None, description="检查单位编号")
    q: CleanText = Field("", max_length=100, description="被检查单位名称（部分）")
    date_from: IsoDate | None = Field(None, description="检查日期起（含）")
    date_to: IsoDate | None = Field(None, description="检查日期止（含）")
    status: StatusCode | None = Field(None, description="draft 草稿 / completed 已完成")
    target_kind: Literal["enterprise", "government"] | None = Field(
        None, description="enterprise 企业 / government 政府部门、乡镇"
    )


def inspection_list_out(i: WithAnnotations[Inspection, ProblemCount]) -> dict[str, Any]:
    return {
        "id": i.pk,
        "inspector": ref(i.inspector),
        "target": ref(i.target),
        "date": i.date,
        "inspectors": i.inspectors,
        "status": i.status,
        "status_label": i.get_status_display(),
        "finding_count": getattr(i, "finding_count", None) or i.findings.count(),
        "problem_count": i.problem_count,
        "completed_at": i.completed_at,
    }


@router.get(
    "/inspections",
    response={200: InspectionPage, **ERRORS},
    summary="督导检查列表",
    operation_id="inspection_list",
)
def inspection_list(request: HttpRequest, filters: Query[InspectionQuery]) -> dict:
    user = allow(request)
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise ValidationError({"date_to": "结束日期不能早于开始日期。"})
    f = selectors.InspectionFilter(
        inspector=str(filters.inspector) if filters.inspector else "",
        q=filters.q,
        date_from=filters.date_from,
        date_to=filters.date_to,
        status=filters.status or "",
        target_kind=filters.target_kind or "",
    )
    qs = selectors.inspection_list(user=user, filters=f)
    return page_of(qs, page=filters.page, page_size=filters.page_size, item=inspection_list_out)


@router.get(
    "/inspections/{id}",
    response={200: InspectionOut, **ERRORS},
    summary="督导检查详情（含发现问题）",
    operation_id="inspection_detail",
)
def inspection_detail(request: HttpRequest, id: UUID) -> dict:  # noqa: A002
    user = allow(request)
    i = selectors.inspection_get(user=user, pk=id)
    links = dict(
        i.problem_links.filter(finding__isnull=False).values_list("finding_id", "problem_id")
    )
    findings = [
        {
            "position": f.position,
            "description": f.description,
            "grade": f.grade,
            "grade_label": GRADE_LABELS.get(f.grade, f.grade),
            "deadline": f.deadline,
            "photo_count": len(f.photos.all()),
            "problem_id": links.get(f.pk),
        }
        for f in i.findings.prefetch_related("photos").order_by("position")
    ]
    return {
        **inspection_list_out(i),
        "campaign": i.campaign.name if i.campaign is not None else "",
        "summary": i.summary,
        "recorded_by": person(i.recorded_by),
        "completed_by": person(i.completed_by),
        "has_checklist": bool(i.checklist_id),
        "findings": findings,
    }
