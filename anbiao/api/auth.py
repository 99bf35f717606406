"""Bearer-token authentication for the API (``Authorization: Bearer <token>``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from anbiao.api.selectors import apitoken_authenticate


class TokenAuth(HttpBearer):
    """A personal token of an active business user; anything else answers 401."""

    openapi_description = "个人接口令牌：在“接口令牌”页面创建，格式为 ab_ 开头的字符串。"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = apitoken_authenticate(token)
        if user is None:
            return None
        # Services and the audit trail read request.user, as in the UI.
        request.user = user
        return user
