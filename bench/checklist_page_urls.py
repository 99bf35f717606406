"""The real URL conf plus one bench-only view: one ``SELECT 1`` rendered as text.

The baseline runs through the same middleware (session, user, CSP …) as every page, so the
ratio measures what the checklist page itself costs.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from anbiao.core.access import public


@public
def one_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return HttpResponse(f"{value}\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("__bench__/one-query/", one_query, name="bench_one_query"),
    path("", include("config.urls")),
]
