"""The enterprise registry (底数台账) in the user's scope: list, detail, and registry edits.

Edits follow the UI's rule: government 单位管理员/填报员 of the city office, a department or a
town may change every registry field of an enterprise in their scope; an enterprise's
单位管理员/填报员/主要负责人 may change only its own 主要负责人、联系电话、地址.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, StrictBool, StrictInt

from anbiao.accounts.models import Role
from anbiao.api import errors
from anbiao.api.errors import ERRORS, ErrorOut
from anbiao.api.fields import CleanText, LocalDateTime
from anbiao.api.pagination import PageQuery, page_of
from anbiao.core.access import GOV_KINDS, WRITER_ROLES
from anbiao.core.masking import mask_name, mask_phone
from anbiao.orgs import selectors, services
from anbiao.orgs.models import Enterprise, IndustrySection, OrgKind, RiskLevel, SizeClass
from anbiao.orgs.normalize import clean_name

router = Router(tags=["企业底数台账"])

# Built from the model choices at run time (what pydantic and the schema see); the type
# checker cannot evaluate such a Literal and sees the plain string.
if TYPE_CHECKING:
    IndustryCode = str
    SizeCode = str
    RiskCode = str
else:
    IndustryCode = Literal[tuple(IndustrySection.values)]
    SizeCode = Literal[tuple(SizeClass.values)]
    RiskCode = Literal[("", *RiskLevel.values)]

GOV_WRITERS = frozenset({Role.ORG_ADMIN, Role.FILLER})
ENTERPRISE_SELF_FIELDS = frozenset({"principal", "phone", "address"})
FIELD_LABELS = {
    "name": "企业名称",
    "principal": "主要负责人",
    "phone": "联系电话",
    "address": "地址",
    "town": "所属乡镇/街道",
    "department": "主管部门",
    "other_departments": "其他监管部门",
    "industry": "行业门类",
    "size_class": "企业类型",
    "star_level": "星级",
    "risk_level": "风险等级",
    "on_regional_platform": "已纳入智慧管理平台",
    "is_closed": "已关闭",
}
errors.FIELD_LABELS.update(FIELD_LABELS)


class UnitRef(Schema):
    id: UUID
    name: str


class EnterpriseListOut(Schema):
    id: UUID
    name: str
    credit_code: str
    principal: str = Field(description="列表中已脱敏，详情中为全文")
    phone: str = Field(description="列表中已脱敏，详情中为全文")
    town: UnitRef
    department: UnitRef
    industry: str
    industry_label: str
    size_class: str
    size_class_label: str
    star_level: int
    risk_level: str
    is_closed: bool


class EnterpriseOut(EnterpriseListOut):
    credit_code_checked: bool
    address: str
    other_departments: list[UnitRef]
    star_level_label: str
    risk_level_label: str
    on_regional_platform: bool
    updated_at: LocalDateTime


class EnterprisePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[EnterpriseListOut]


class EnterpriseQuery(PageQuery):
    q: CleanText = Field("", max_length=100, description="企业名称或统一社会信用代码（部分）")
    town: UUID | None = Field(None, description="所属乡镇/街道编号")
    department: UUID | None = Field(None, description="监管部门编号（主管或其他监管）")
    industry: IndustryCode | None = Field(None, description="行业门类 A–T")
    size_class: SizeCode | None = Field(None, description="企业类型：above/medium/small")
    closed: bool | None = Field(None, description="true 只看已关闭，false 只看在营")


def _not_sent(**field: Any) -> Any:
    """A field that may be left out but, when sent, may not be null.

    pydantic does not validate a default, so the default None stands for "not sent" while the
    field's type stays non-nullable. Typed Any because an annotation cannot say that.
    """
    return Field(None, **field)


class EnterprisePatch(Schema):
    """Only the fields sent are changed. The credit code cannot change (it is the identity)."""

    model_config = ConfigDict(extra="forbid")

    name: CleanText = _not_sent(min_length=1, max_length=200)
    principal: CleanText = _not_sent(max_length=50)
    phone: CleanText = _not_sent(max_length=30)
    address: CleanText = _not_sent(max_length=300)
    town: UUID = _not_sent(description="所属乡镇/街道编号")
    department: UUID = _not_sent(description="主管部门编号")
    other_departments: list[UUID] = _not_sent(max_length=50)
    industry: IndustryCode = _not_sent()
    size_class: SizeCode = _not_sent()
    star_level: StrictInt = _not_sent(ge=0, le=3)
    risk_level: RiskCode = _not_sent()
    on_regional_platform: StrictBool = _not_sent()
    is_closed: StrictBool = _not_sent()


def _ref(org: Any) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name}


def enterprise_list_out(e: Enterprise) -> dict[str, Any]:
    return {
        "id": e.pk,
        "name": e.organization.name,
        "credit_code": e.credit_code,
        "principal": mask_name(e.principal),
        "phone": mask_phone(e.phone),
        "town": _ref(e.town),
        "department": _ref(e.department),
        "industry": e.industry,
        "industry_label": e.get_industry_display(),
        "size_class": e.size_class,
        "size_class_label": e.get_size_class_display(),
        "star_level": e.star_level,
        "risk_level": e.risk_level,
        "is_closed": e.is_closed,
    }


def enterprise_out(e: Enterprise) -> dict[str, Any]:
    return {
        **enterprise_list_out(e),
        "principal": e.principal,
        "phone": e.phone,
        "credit_code_checked": e.credit_code_checked,
        "address": e.address,
        "other_departments": [_ref(d) for d in e.other_departments.order_by("name")],
        "star_level_label": e.get_star_level_display(),
        "risk_level_label": e.get_risk_level_display() if e.risk_level else "",
        "on_regional_platform": e.on_regional_platform,
        "updated_at": e.updated_at,
    }


@router.get(
    "/enterprises",
    response={200: EnterprisePage, **ERRORS},
    summary="企业列表（本单位范围内，可筛选、分页）",
    operation_id="enterprise_list",
)
def enterprise_list(request: HttpRequest, filters: Query[EnterpriseQuery]) -> dict:
    f = selectors.EnterpriseFilter(
        q=filters.q,
        town=str(filters.town) if filters.town else "",
        department=str(filters.department) if filters.department else "",
        industry=filters.industry or "",
        size_class=filters.size_class or "",
        closed="" if filters.closed is None else ("1" if filters.closed else "0"),
    )
    qs = selectors.enterprise_list(user=request.auth, filters=f)  # type: ignore[attr-defined]
    return page_of(qs, page=filters.page, page_size=filters.page_size, item=enterprise_list_out)


@router.get(
    "/enterprises/{id}",
    response={200: EnterpriseOut, **ERRORS},
    summary="企业详情",
    operation_id="enterprise_detail",
)
def enterprise_detail(request: HttpRequest, id: UUID) -> dict:  # noqa: A002
    return enterprise_out(selectors.enterprise_get(user=request.auth, pk=id))  # type: ignore[attr-defined]


def editable_fields(user: Any) -> frozenset[str]:
    """Which registry fields the user may change (empty: none), as in the UI."""
    org = user.organization
    if org is None:
        return frozenset()
    if org.kind in GOV_KINDS and user.has_role(*GOV_WRITERS):
        return frozenset(FIELD_LABELS)
    if org.kind == OrgKind.ENTERPRISE and user.has_role(*WRITER_ROLES):
        return ENTERPRISE_SELF_FIELDS
    return frozenset()


def _resolve_units(values: dict[str, Any]) -> dict[str, Any]:
    """Turn unit ids into organizations; an unknown id is a 422 naming the field."""
    problems: dict[str, str] = {}
    if "town" in values:
        town = selectors.towns().filter(pk=values["town"]).first()
        if town is None:
            problems["town"] = "不存在或已停用的乡镇/街道。"
        values["town"] = town
    depts = selectors.supervising_departments()  # the list the enterprise form offers
    if "department" in values:
        dept = depts.filter(pk=values["department"]).first()
        if dept is None:
            problems["department"] = "不存在或已停用的部门。"
        values["department"] = dept
    if "other_departments" in values:
        wanted = set(values["other_departments"])
        found = list(depts.filter(pk__in=wanted))
        if len(found) != len(wanted):
            problems["other_departments"] = "包含不存在或已停用的部门。"
        values["other_departments"] = found
    if problems:
        raise ValidationError(problems)
    return values


@router.patch(
    "/enterprises/{id}",
    response={200: EnterpriseOut, 403: ErrorOut, **ERRORS},
    summary="修改企业底数信息",
    operation_id="enterprise_update",
)
def enterprise_update(request: HttpRequest, id: UUID, payload: EnterprisePatch) -> dict:  # noqa: A002
    user = request.auth  # type: ignore[attr-defined]
    enterprise = selectors.enterprise_get(user=user, pk=id)
    values = payload.model_dump(exclude_unset=True)
    allowed = editable_fields(user)
    if not allowed:
        raise HttpError(403, "无权修改企业信息：需要单位管理员或填报员角色。")
    refused = [FIELD_LABELS[k] for k in values if k not in allowed]
    if refused:
        raise HttpError(
            403,
            "企业账号只能修改主要负责人、联系电话、地址；不能修改：" + "、".join(refused) + "。",
        )
    values = _resolve_units(values)
    name = values.pop("name", None)
    if name is not None:
        name = clean_name(name)
        if not name:
            raise ValidationError({"name": "请填写企业名称。"})
    services.enterprise_update(by=user, enterprise=enterprise, name=name, **values)
    enterprise.refresh_from_db()
    return enterprise_out(enterprise)
