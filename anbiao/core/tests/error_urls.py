"""The project's URLs plus views that fail on purpose (used only by test_error_pages)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


def _missing(request: HttpRequest) -> HttpResponse:
    raise Http404("No Enterprise matches the given query.")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("nope")


def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("odd input")


urlpatterns = [
    path("test-errors/boom/", _boom),
    path("test-errors/missing/", _missing),
    path("test-errors/forbidden/", _forbidden),
    path("test-errors/suspicious/", _suspicious),
    *project_urlpatterns,
]
handler400 = "anbiao.core.error_pages.bad_request"
handler403 = "anbiao.core.error_pages.permission_denied"
handler404 = "anbiao.core.error_pages.page_not_found"
handler500 = "anbiao.core.error_pages.server_error"
