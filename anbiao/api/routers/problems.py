"""Problems and their rectification (隐患与整改): list and detail in scope, and the transitions.

A transition goes through the ONE state machine of ``rectification.services``
(start/submit/reopen by the responsible unit, verify/reject by its supervising unit); a refused step
answers 422 with the Chinese reason. A transition must carry the ``lock_version`` the client
read (a write without it answers 422); one older than the problem's answers 409 with the
message of ``anbiao.core.versioning`` (who changed the problem, and when) and the current
``lock_version``: nothing is written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from anbiao.api import errors
from anbiao.api.errors import ERRORS
from anbiao.api.fields import CleanText, LocalDateTime
from anbiao.api.pagination import PageQuery, page_of
from anbiao.api.routers._common import UnitRef, allow, person, ref
from anbiao.core.access import WRITER_ROLES
from anbiao.core.versioning import EditConflict
from anbiao.orgs.models import SizeClass
from anbiao.rectification import selectors, services
from anbiao.rectification.models import Problem, ProblemGrade, ProblemSource, ProblemStatus

router = Router(tags=["隐患与整改"])

# Built from the model choices at run time (what pydantic and the schema see); the type
# checker cannot evaluate such a Literal and sees the plain string.
if TYPE_CHECKING:
    StatusCode = str
    GradeCode = str
    SourceCode = str
    SizeCode = str
    ActionCode = str
else:
    StatusCode = Literal[("open", *ProblemStatus.values)]
    GradeCode = Literal[tuple(ProblemGrade.values)]
    SourceCode = Literal[tuple(ProblemSource.values)]
    SizeCode = Literal[tuple(SizeClass.values)]
    ActionCode = Literal[tuple(n for n, t in services.TRANSITIONS.items() if t.actor != "system")]
STATUS_LABELS = dict(ProblemStatus.choices)

errors.FIELD_LABELS.update(
    {
        "grade": "等级",
        "source": "来源",
        "overdue": "是否逾期",
        "action": "操作",
        "reason": "说明",
        "lock_version": "版本",
    }
)


class ProblemListOut(Schema):
    id: UUID
    organization: UnitRef
    source: str
    source_label: str
    description: str
    grade: str
    grade_label: str
    status: str
    status_label: str
    overdue: bool
    deadline: date | None
    responsible_person: str
    recorded_at: LocalDateTime
    closed_at: LocalDateTime | None


class ProblemPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[ProblemListOut]


class TimelineOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str
    to_label: str
    by: str
    by_org: str
    at: LocalDateTime
    reason: str


class ProblemOut(ProblemListOut):
    clause: str = Field(description="细则条目（来自回头看细则时）")
    checklist_id: UUID | None
    recorded_by: str
    recorded_org: str
    measures: str
    funds: Decimal | None
    contingency_plan: str
    has_contingency_file: bool
    five_missing: list[str] = Field(description="五定中尚未填写的项")
    lock_version: int = Field(
        description="版本：办理时原样带回；五定保存、状态变化、同意延期后加 1，过期则 409"
    )
    verified_by: str
    verified_at: LocalDateTime | None
    evidence_before: int
    evidence_after: int
    allowed_actions: list[str] = Field(description="当前用户现在可办理的操作")
    timeline: list[TimelineOut]


class ProblemQuery(PageQuery):
    q: CleanText = Field("", max_length=100, description="问题描述、单位或责任人（部分）")
    status: StatusCode | None = Field(None, description="状态；open 为未销号（三种未完成状态）")
    grade: GradeCode | None = Field(None, description="general 一般 / major 重大")
    source: SourceCode | None = Field(None, description="来源")
    overdue: bool | None = Field(None, description="true 只看逾期，false 只看未逾期")
    town: UUID | None = Field(None, description="所属乡镇/街道编号")
    department: UUID | None = Field(None, description="主管部门编号")
    size_class: SizeCode | None = Field(None, description="企业类型")
    organization: UUID | None = Field(None, description="责任单位编号")


class TransitionIn(Schema):
    action: ActionCode = Field(
        description=(
            "start 开始整改 / submit 提交验收 / verify 验收通过并销号 / reject 验收不通过"
            " / reopen 重新打开已销号的问题（责任单位，须填 reason）"
        )
    )
    reason: CleanText = Field("", max_length=1000, description="说明（验收不通过、重新打开时必填）")
    # strict: JSON true/false is not a version number (pydantic would read it as 1/0)
    lock_version: int = Field(
        ge=0,
        le=2_147_483_647,
        strict=True,
        description="详情中的 lock_version（必填）；已过期则 409，不写入",
    )


def problem_list_out(p: Problem) -> dict[str, Any]:
    return {
        "id": p.pk,
        "organization": ref(p.organization),
        "source": p.source,
        "source_label": p.get_source_display(),
        "description": p.description,
        "grade": p.grade,
        "grade_label": p.get_grade_display(),
        "status": p.status,
        "status_label": p.get_status_display(),
        "overdue": bool(getattr(p, "overdue", p.is_overdue)),
        "deadline": p.deadline,
        "responsible_person": p.responsible_person,
        "recorded_at": p.recorded_at,
        "closed_at": p.closed_at,
    }


def problem_out(p: Problem, *, user: Any) -> dict[str, Any]:
    evidence = list(p.evidence.values_list("stage", flat=True))
    transitions = p.transitions.select_related("by", "by_org").order_by("at", "pk")
    return {
        **problem_list_out(p),
        "clause": p.clause.code if p.clause is not None else "",
        "checklist_id": p.checklist_id,
        "recorded_by": person(p.recorded_by),
        "recorded_org": p.recorded_org.name if p.recorded_org is not None else "",
        "measures": p.measures,
        "funds": p.funds,
        "contingency_plan": p.contingency_plan,
        "has_contingency_file": bool(p.contingency_file_id),
        "five_missing": p.five_missing,
        "lock_version": p.lock_version,
        "verified_by": person(p.verified_by),
        "verified_at": p.verified_at,
        "evidence_before": sum(1 for s in evidence if s == "before"),
        "evidence_after": sum(1 for s in evidence if s == "after"),
        "allowed_actions": services.allowed_actions(user=user, problem=p),
        "timeline": [
            {
                "action": t.action,
                "label": services.EVENT_LABELS.get(t.action, t.action),
                "from_status": t.from_status,
                "to_status": t.to_status,
                "to_label": STATUS_LABELS.get(t.to_status, t.to_status),
                "by": person(t.by),
                "by_org": t.by_org.name if t.by_org is not None else "",
                "at": t.at,
                "reason": t.reason,
            }
            for t in transitions
        ],
    }


@router.get(
    "/problems",
    response={200: ProblemPage, **ERRORS},
    summary="隐患列表（本单位范围内，可按状态、等级、是否逾期等筛选）",
    operation_id="problem_list",
)
def problem_list(request: HttpRequest, filters: Query[ProblemQuery]) -> dict:
    user = allow(request)
    f = selectors.ProblemFilter(
        q=filters.q,
        status=filters.status or "",
        grade=filters.grade or "",
        source=filters.source or "",
        town=str(filters.town) if filters.town else "",
        department=str(filters.department) if filters.department else "",
        size_class=filters.size_class or "",
        overdue="" if filters.overdue is None else ("1" if filters.overdue else "0"),
        organization=str(filters.organization) if filters.organization else "",
    )
    qs = selectors.problem_list(user=user, filters=f)
    return page_of(qs, page=filters.page, page_size=filters.page_size, item=problem_list_out)


@router.get(
    "/problems/{id}",
    response={200: ProblemOut, **ERRORS},
    summary="隐患详情：五定、佐证数量、可办理操作和办理过程",
    operation_id="problem_detail",
)
def problem_detail(request: HttpRequest, id: UUID) -> dict:  # noqa: A002
    user = allow(request)
    return problem_out(selectors.problem_get(user=user, pk=id), user=user)


class ProblemConflictOut(Schema):
    detail: str
    lock_version: int = Field(description="问题当前的版本（核对后用它重新办理）")


@router.post(
    "/problems/{id}/transitions",
    response={200: ProblemOut, 409: ProblemConflictOut, **ERRORS},
    summary="办理隐患：开始整改、提交验收、验收通过并销号、验收不通过",
    operation_id="problem_transition",
)
def problem_transition(request: HttpRequest, id: UUID, payload: TransitionIn) -> Any:  # noqa: A002
    user = allow(request, roles=WRITER_ROLES)  # as the page: other roles answer 404
    problem = selectors.problem_get(user=user, pk=id)
    try:
        services.problem_transition(
            by=user,
            problem=problem,
            action=payload.action,
            reason=payload.reason,
            lock_version=payload.lock_version,
        )
    except EditConflict as conflict:
        return Status(409, {"detail": conflict.message, "lock_version": conflict.version})
    return problem_out(selectors.problem_get(user=user, pk=id), user=user)
