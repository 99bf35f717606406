"""The request being served, for audit entries written by services that were not given it.

Services take ``by=user`` and no request (they also run from commands and background tasks),
so :func:`anbiao.core.audit.log_action` asks :func:`current_request` for the client's IP and
browser. :class:`AuditContextMiddleware` sets it for the duration of one request and clears
it after the response; commands, background tasks and new threads have none.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("anbiao_audit_request", default=None)


def current_request() -> HttpRequest | None:
    """The request this code runs for, or None outside a request."""
    return _request.get()


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
