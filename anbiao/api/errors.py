"""Error answers of the API: Chinese messages that name the field, in one JSON shape.

``{"detail": "…"}`` for 401/404; ``{"detail": "…", "errors": [{"field", "label", "msg"}]}``
for 422 (invalid input, from pydantic or from a service's ``ValidationError``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from anbiao.core.audit import log_denied

NOT_AUTHENTICATED = "未认证：请在请求头 Authorization 中提供有效的接口令牌（Bearer）。"
NOT_FOUND = "对象不存在或无权访问。"
BAD_BODY = "请求体不是有效的 JSON（须为 UTF-8 编码的 JSON 对象）。"

# Field labels for messages; routers add their own with ``FIELD_LABELS.update(...)``.
FIELD_LABELS: dict[str, str] = {
    "id": "编号",
    "page": "页码",
    "page_size": "每页条数",
    "q": "关键词",
    "kind": "单位类型",
    "town": "所属乡镇/街道",
    "department": "主管部门",
    "industry": "行业门类",
    "size_class": "企业类型",
    "closed": "状态",
    "name": "名称",
    "principal": "主要负责人",
    "phone": "联系电话",
    "address": "地址",
    "other_departments": "其他监管部门",
    "star_level": "星级",
    "risk_level": "风险等级",
    "on_regional_platform": "已纳入智慧管理平台",
    "is_closed": "已关闭",
    "body": "请求体",
}

PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": "必填。",
    "string_type": "应为文本。",
    "string_too_long": "过长（最多 {max_length} 个字符）。",
    "string_too_short": "过短（至少 {min_length} 个字符）。",
    "string_pattern_mismatch": "格式不正确。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "int_from_float": "应为整数。",
    "bool_type": "应为是/否（true/false）。",
    "bool_parsing": "应为是/否（true/false）。",
    "uuid_type": "应为有效的编号（UUID）。",
    "uuid_parsing": "应为有效的编号（UUID）。",
    "enum": "取值无效，可选：{expected}。",
    "literal_error": "取值无效，可选：{expected}。",
    "greater_than_equal": "不能小于 {ge}。",
    "less_than_equal": "不能大于 {le}。",
    "greater_than": "必须大于 {gt}。",
    "less_than": "必须小于 {lt}。",
    "extra_forbidden": "不是可修改的字段。",
    "list_type": "应为列表。",
    "dict_type": "应为对象（JSON）。",
    "model_type": "应为对象（JSON）。",
    "model_attributes_type": "应为对象（JSON）。",
    "json_invalid": "不是有效的 JSON。",
    "value_error": "{msg}",
}


class FieldError(Schema):
    field: str
    label: str
    msg: str


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError]


def label_for(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def _field_of(loc: Any) -> str:
    parts = [str(p) for p in (loc or []) if not isinstance(p, int)]
    # ("body", "payload", "phone") → "phone"; ("query", "page") → "page"
    meaningful = [p for p in parts if p not in {"body", "query", "path", "header", "payload"}]
    return meaningful[-1] if meaningful else (parts[-1] if parts else "body")


def _pydantic_message(error: dict[str, Any]) -> str:
    template = PYDANTIC_MESSAGES.get(error.get("type", ""), "取值无效。")
    ctx = {k: v for k, v in (error.get("ctx") or {}).items()}
    if isinstance(ctx.get("expected"), str):  # "'a', 'b' or 'c'" → "a、b、c"
        ctx["expected"] = ctx["expected"].replace(" or ", ", ").replace("'", "").replace(", ", "、")
    if "msg" not in ctx:
        ctx["msg"] = str(error.get("msg", "取值无效。")).removeprefix("Value error, ")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return "取值无效。"


def validation_payload(errors: list[FieldError]) -> dict[str, Any]:
    summary = "；".join(e.msg for e in errors) or "输入有误。"
    return {"detail": f"输入有误：{summary}", "errors": [e.dict() for e in errors]}


def errors_from_pydantic(raw: list[dict[str, Any]]) -> list[FieldError]:
    out = []
    for error in raw:
        field = _field_of(error.get("loc"))
        label = label_for(field)
        out.append(FieldError(field=field, label=label, msg=f"{label}：{_pydantic_message(error)}"))
    return out


def errors_from_django(exc: DjangoValidationError) -> list[FieldError]:
    out = []
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            key = "body" if field == "__all__" else field
            label = label_for(key)
            for message in messages:
                out.append(FieldError(field=key, label=label, msg=f"{label}：{message}"))
    else:
        for message in exc.messages:
            out.append(FieldError(field="body", label=label_for("body"), msg=message))
    return out


def install(api: NinjaAPI) -> None:
    """Register the handlers on the API (called once from ``anbiao.api.main``)."""

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        if request.META.get("HTTP_AUTHORIZATION"):
            # a token was presented and refused (wrong, revoked, disabled user): recorded like
            # a denied page; a request without any token is not (as anonymous pages are not)
            log_denied(request, reason="api_token")
        response = api.create_response(request, {"detail": NOT_AUTHENTICATED}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="anbiao"'
        return response

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        payload = validation_payload(errors_from_pydantic(list(exc.errors)))
        return api.create_response(request, payload, status=422)

    @api.exception_handler(DjangoValidationError)
    def _invalid_service(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        payload = validation_payload(errors_from_django(exc))
        return api.create_response(request, payload, status=422)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = BAD_BODY
        if exc.status_code == 403:
            log_denied(request, reason="api_write")
        return api.create_response(request, {"detail": message}, status=exc.status_code)


# The usual error answers of an operation, for ``response={200: X, **ERRORS}``.
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
