"""Campaigns: the city office creates, edits, opens and closes them; government units see them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anbiao.accounts.models import Role
from anbiao.campaigns import selectors, services
from anbiao.campaigns.forms import CampaignForm
from anbiao.core.access import GOV_KINDS, get_in_scope_or_404, require
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.orgs.models import OrgKind

CITY = (OrgKind.CITY,)
CITY_WRITERS = (Role.ORG_ADMIN, Role.FILLER)


def _can_manage(user) -> bool:  # noqa: ANN001
    return user.organization.kind == OrgKind.CITY and user.has_role(*CITY_WRITERS)


@require(kinds=GOV_KINDS)
def campaign_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": selectors.campaign_list(), "can_manage": _can_manage(request.user)},
    )


@require(kinds=CITY, roles=CITY_WRITERS)
def campaign_create(request: AuthedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已创建专项行动：{campaign.name}（草稿）。")
            return redirect("campaigns:list")
    return render(request, "campaigns/campaign_form.html", {"form": form, "title": "新建专项行动"})


@require(kinds=CITY, roles=CITY_WRITERS)
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_in_scope_or_404(selectors.campaign_list(), pk=pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(by=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("campaigns:list")
    return render(
        request, "campaigns/campaign_form.html", {"form": form, "title": f"编辑：{campaign.name}"}
    )


@require_POST
@require(kinds=CITY, roles=CITY_WRITERS)
def campaign_transition(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    campaign = get_in_scope_or_404(selectors.campaign_list(), pk=pk)
    try:
        services.campaign_transition(by=request.user, campaign=campaign, action=action)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"专项行动已{services.ACTION_LABELS.get(action, '')}。")
    return redirect("campaigns:list")
