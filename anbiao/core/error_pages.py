"""The product's own Chinese error pages (400, 403, 404, 500), with DEBUG on or off.

The pages are plain templates (``templates/<code>.html`` on ``templates/errors/layout.html``)
rendered without the request: no context processor runs (the menu, the user's unit), the
stylesheet is linked by ``STATIC_URL`` and not through the static-files manifest, nothing is
read from the database. An error page cannot itself fail because of what failed; if the
template engine is what fails, a fixed Chinese text is sent. Under ``/api/`` the answer is
JSON like the API's own (``{"detail": "…"}``).

With ``DEBUG`` on Django shows its English technical pages instead (the 404 lists every URL
pattern). :class:`DebugErrorPagesMiddleware` shows ours there too, unless a developer asks for
the technical ones: ``DEBUG_TECHNICAL_404=1``, ``DEBUG_TECHNICAL_500=1``. The traceback of a
500 always goes to the console log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.urls import is_valid_path
from django.utils import timezone

logger = logging.getLogger("django.request")

TITLES = {400: "请求有误", 403: "没有权限", 404: "页面不存在", 500: "系统出错"}
API_DETAILS = {
    400: "请求有误。",
    403: "没有权限。",
    404: "对象不存在或无权访问。",
    500: "服务器出错，错误已记录，请稍后重试。",
}
FALLBACK = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{title} · 安标回头看</title></head><body><h1>{title}</h1>"
    '<p>错误代码 {status}。<a href="/">返回首页</a></p></body></html>'
)


def error_response(request: HttpRequest | None, status: int, template: str = "") -> HttpResponse:
    """Our page for ``status``; JSON under ``/api/``."""
    if request is not None and request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": API_DETAILS[status]},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {
        "static_url": settings.STATIC_URL,
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S") if status == 500 else "",
    }
    try:
        html = loader.get_template(template or f"{status}.html").render(context)
    except Exception:  # noqa: BLE001 — the error page must answer whatever broke
        logger.exception("error page %s could not be rendered", status)
        html = FALLBACK.format(title=TITLES[status], status=status)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


# Django's handler400/403/404/500 (config/urls.py).
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the refused form is explained in Chinese (Django's page is English)."""
    if request.path.startswith("/api/"):
        return error_response(request, 403)
    return error_response(request, 403, "403_csrf.html")


class DebugErrorPagesMiddleware:
    """With DEBUG on, our 404/400/500 pages instead of Django's technical ones (see above).

    Unknown URLs are found before the view runs (Django turns them into its technical page
    before any middleware sees the exception); a view's ``Http404`` and other exceptions are
    taken in ``process_exception``. Placed after ``CommonMiddleware``, so that a missing
    trailing slash still redirects.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.DEBUG
            and not settings.DEBUG_TECHNICAL_404
            and not is_valid_path(request.path_info, getattr(request, "urlconf", None))
        ):
            return page_not_found(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not settings.DEBUG:
            return None  # production: Django calls the handlers above
        if isinstance(exception, Http404):
            return None if settings.DEBUG_TECHNICAL_404 else page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return None  # Django calls handler403 with DEBUG on too
        if settings.DEBUG_TECHNICAL_500:
            return None
        if isinstance(exception, SuspiciousOperation | BadRequest):
            logger.warning("Bad request: %s (%s)", request.path, exception)
            return bad_request(request, exception)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"request": request},
        )
        return server_error(request)
