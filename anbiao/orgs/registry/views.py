from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anbiao.accounts.models import Role
from anbiao.core.access import GOV_KINDS, require


@require(kinds=GOV_KINDS, roles={Role.ORG_ADMIN, Role.FILLER})
def registry_import(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/enterprise_form.html", {"form": None, "title": "导入底数台账"})
