"""Checklists (回头看细则): list and detail in scope, and saving one clause's answer.

Saving uses the same optimistic concurrency as the page: send the ``version`` you read; if
someone saved the clause in between, nothing is written and the answer is 409 with the current
content. Problem lines follow the page's identity rule (:mod:`anbiao.rectification.sync`):
each line is sent with the ``id`` of its problem as read (its text may be corrected unless it is
已销号), a line without ``id`` is a new problem at 待整改, and a line left out withdraws its
problem. Only writers of the checklist's own organization fill it (as in the UI); submitting
is done on the page (it needs a signature).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from anbiao.api import errors
from anbiao.api.errors import ERRORS, ErrorOut
from anbiao.api.fields import CleanText, LocalDateTime
from anbiao.api.pagination import PageQuery, page_of
from anbiao.api.routers._common import IntId, UnitRef, allow, person, ref
from anbiao.checklists import selectors, services
from anbiao.checklists.models import (
    Answer,
    AnswerResult,
    Checklist,
    ChecklistPurpose,
    ChecklistStatus,
    ProblemLine,
)
from anbiao.core.access import WRITER_ROLES

router = Router(tags=["回头看细则"])

# Built from the model choices at run time (what pydantic and the schema see); the type
# checker cannot evaluate such a Literal and sees the plain string.
if TYPE_CHECKING:
    StatusCode = str
    PurposeCode = str
    ResultCode = str
else:
    StatusCode = Literal[tuple(ChecklistStatus.values)]
    PurposeCode = Literal[tuple(ChecklistPurpose.values)]
    ResultCode = Literal[("", *AnswerResult.values)]
RESULT_LABELS = dict(AnswerResult.choices)

errors.FIELD_LABELS.update(
    {
        "result": "结论",
        "remarks": "备注",
        "problems": "存在问题",
        "version": "版本",
        "campaign": "专项行动",
        "status": "状态",
        "purpose": "用途",
        "organization": "单位",
        "clause_id": "细则条目编号",
        "text": "存在问题内容",
    }
)


class ChecklistListOut(Schema):
    id: UUID
    organization: UnitRef
    campaign: str
    campaign_id: int | None
    template: str
    purpose: str
    status: str
    status_label: str
    problem_count: int | None = Field(description="提交时冻结的存在问题条数；未提交为 null")
    submitted_at: LocalDateTime | None
    updated_at: LocalDateTime


class ChecklistPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[ChecklistListOut]


class ProblemLineOut(Schema):
    position: int
    text: str
    id: UUID | None = Field(description="该行所对应问题（隐患）的编号；保存时原样带回")
    status: str = Field(description="问题的整改状态，如 pending 待整改、closed 已销号")
    status_label: str


class AnswerOut(Schema):
    clause_id: int
    code: str = Field(description="条目编号，如 12.（1）")
    section: str
    text: str
    result: str = Field(description="conform 符合 / nonconform 不符合 / na 不适用 / 空：未填")
    result_label: str
    remarks: str
    problems: list[ProblemLineOut]
    evidence_count: int
    version: int = Field(description="保存时原样带回，用于并发冲突检查")
    updated_by: str
    updated_at: LocalDateTime | None


class ChecklistOut(ChecklistListOut):
    return_reason: str
    answered: int
    total: int
    editable: bool
    can_fill: bool = Field(description="当前用户能否填写（本单位的回头看细则、填报角色、未锁定）")
    answers: list[AnswerOut]


class ChecklistQuery(PageQuery):
    campaign: int | None = Field(None, ge=1, le=2_147_483_647, description="专项行动编号")
    status: StatusCode | None = Field(None, description="draft/submitted/returned/accepted")
    purpose: PurposeCode | None = Field(None, description="lookback 回头看 / inspection 督导检查")
    organization: UUID | None = Field(None, description="单位编号")


class ProblemLineIn(Schema):
    id: UUID | None = Field(
        None,
        description="该行所对应问题的编号（读取时 problems[].id）；新增的一行不带或为 null",
    )
    text: CleanText = Field(max_length=1000, description="存在问题内容")


class AnswerIn(Schema):
    result: ResultCode = Field(description="conform / nonconform / na；空为未填")
    remarks: CleanText = Field("", max_length=2000)
    problems: list[ProblemLineIn] = Field(
        default_factory=list,
        max_length=30,
        description=(
            "存在问题（仅“不符合”时填写），按顺序每行一项。带 id 的一行是原来的问题（可更正文字，"
            "已销号的不能改）；不带 id 的一行是新问题（待整改）；未再提交的行，其问题撤销"
        ),
    )
    version: int = Field(ge=0, le=2_147_483_647, strict=True, description="读取时的版本号")


class ConflictOut(Schema):
    detail: str
    current: AnswerOut


def checklist_list_out(c: Checklist) -> dict[str, Any]:
    return {
        "id": c.pk,
        "organization": ref(c.organization),
        "campaign": c.campaign.name if c.campaign is not None else "",
        "campaign_id": c.campaign_id,
        "template": str(c.template_version),
        "purpose": c.purpose,
        "status": c.status,
        "status_label": c.get_status_display(),
        "problem_count": c.problem_count,
        "submitted_at": c.submitted_at,
        "updated_at": c.updated_at,
    }


def _line_out(line: ProblemLine) -> dict[str, Any]:
    tracked = getattr(line, "tracked_problem", None)  # prefetched with the answer
    return {
        "position": line.position,
        "text": line.text,
        "id": tracked.pk if tracked is not None else None,
        "status": tracked.status if tracked is not None else "",
        "status_label": tracked.get_status_display() if tracked is not None else "",
    }


def answer_out(a: Answer) -> dict[str, Any]:
    clause = a.clause
    return {
        "clause_id": clause.pk,
        "code": clause.code,
        "section": clause.item.section.title,
        "text": clause.full_text,
        "result": a.result,
        "result_label": RESULT_LABELS.get(a.result, "未填"),
        "remarks": a.remarks,
        "problems": [_line_out(p) for p in a.problems.all()],
        "evidence_count": len(a.evidence.all()),
        "version": a.version,
        "updated_by": person(a.updated_by),
        "updated_at": a.updated_at,
    }


@router.get(
    "/checklists",
    response={200: ChecklistPage, **ERRORS},
    summary="细则列表（本单位范围内）",
    operation_id="checklist_list",
)
def checklist_list(request: HttpRequest, filters: Query[ChecklistQuery]) -> dict:
    user = allow(request)
    qs = selectors.checklists_for_user(user)
    if filters.campaign is not None:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.purpose:
        qs = qs.filter(purpose=filters.purpose)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    qs = qs.order_by("-updated_at", "pk")
    return page_of(qs, page=filters.page, page_size=filters.page_size, item=checklist_list_out)


@router.get(
    "/checklists/{id}",
    response={200: ChecklistOut, **ERRORS},
    summary="细则详情：每条的结论、存在问题、备注和版本",
    operation_id="checklist_detail",
)
def checklist_detail(request: HttpRequest, id: UUID) -> dict:  # noqa: A002
    user = allow(request)
    checklist = selectors.checklist_get(user=user, pk=id)
    answers = list(selectors.answers_with_content(checklist))
    answered = sum(1 for a in answers if a.result)
    return {
        **checklist_list_out(checklist),
        "return_reason": checklist.return_reason,
        "answered": answered,
        "total": len(answers),
        "editable": checklist.is_editable,
        "can_fill": selectors.can_fill(user, checklist),
        "answers": [answer_out(a) for a in answers],
    }


@router.put(
    "/checklists/{id}/answers/{clause_id}",
    response={200: AnswerOut, 403: ErrorOut, 409: ConflictOut, **ERRORS},
    summary="保存一条细则的结论、存在问题和备注（带版本号，冲突时 409）",
    operation_id="checklist_answer_save",
)
def checklist_answer_save(
    request: HttpRequest,
    id: UUID,  # noqa: A002
    payload: AnswerIn,
    clause_id: int = IntId("细则条目编号（详情中的 clause_id）"),
) -> Any:
    # as the page: writers only (others: 404), and only the own unit's look-back checklist
    user = allow(request, roles=WRITER_ROLES)
    checklist = selectors.own_checklist_get(user=user, pk=id)
    answer = selectors.answer_for_clause(checklist, clause_id)
    lines = [services.LineInput(p.text, str(p.id) if p.id else "") for p in payload.problems]
    data = services.AnswerInput(result=payload.result, remarks=payload.remarks, problems=lines)
    try:
        services.answer_save(by=user, answer=answer, expected_version=payload.version, data=data)
    except services.AnswerConflict as conflict:
        current = selectors.answer_for_clause(checklist, clause_id)
        return Status(409, {"detail": conflict.message, "current": answer_out(current)})
    return Status(200, answer_out(selectors.answer_for_clause(checklist, clause_id)))
