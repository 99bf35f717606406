from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from anbiao.core.access import public, require
from anbiao.core.menu import home_cards
from anbiao.core.types import AuthedRequest
from anbiao.core.vocabulary import ADMIN_ROLES, BUSINESS_ROLES


@require(roles=BUSINESS_ROLES | ADMIN_ROLES)
def home(request: AuthedRequest) -> HttpResponse:
    """A home page made for the user's organization and role: what to do next."""
    cards = home_cards(request.user)
    return render(request, "core/home.html", {"cards": cards})


@public
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
