"""报送事项: the obligations with their rates, one page per obligation, extensions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbiao.campaigns.models import Campaign
from anbiao.campaigns.selectors import campaign_chosen, campaign_list
from anbiao.core.access import GOV_KINDS, WRITER_ROLES, get_in_scope_or_404, own_unit_ids, require
from anbiao.core.downloads import serve_workbook
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.obligations import rates, selectors, services
from anbiao.obligations.exports import obligation_workbook
from anbiao.obligations.forms import ExtensionDecideForm, ExtensionRequestForm
from anbiao.obligations.kinds import NOTES, Obligation, obligation_for
from anbiao.orgs.models import Organization, OrgKind

PAGE_SIZE = 50
RECENT_MONTHS = 3  # the list shows the latest months; the earlier ones fold


def _campaign(request: HttpRequest) -> Campaign | None:
    return campaign_chosen(request.GET.get("campaign", ""))


@require(note="本单位应报事项；政府部门另见范围内各事项的报送率")
def obligation_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    campaign = _campaign(request)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "campaign": campaign,
        "campaigns": campaign_list(),
        "own": selectors.own_obligations(user=user, campaign=campaign),
        "to_decide": selectors.to_decide(user).count(),
        "is_gov": user.organization.kind in GOV_KINDS,
    }
    if context["is_gov"]:
        periods = Paginator(selectors.task_periods_followed(user), 30).get_page(
            request.GET.get("page")
        )
        months = selectors.month_listed(user, selectors.campaign_months(campaign, today))
        context.update(
            listed=selectors.campaign_listed(user, campaign),
            months=months[:RECENT_MONTHS],
            older_months=months[RECENT_MONTHS:],
            tasks=selectors.task_listed(list(periods)),
            task_page=periods,
        )
    return render(request, "obligations/list.html", context)


def _filters(request: AuthedRequest) -> tuple[str, Organization | None]:
    """The state asked for (unknown states: all) and the reporting unit whose row was opened."""
    state = request.GET.get("state", "")
    if state not in rates.STATES:
        state = ""
    unit = None
    wanted = request.GET.get("unit", "")
    if wanted:
        if request.user.organization.kind != OrgKind.CITY:
            raise Http404("对象不存在或无权访问")
        units = Organization.objects.filter(
            kind__in=(OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN), parent=None
        )
        unit = get_in_scope_or_404(units, pk=wanted)
    return state, unit


@require(kinds=GOV_KINDS)
def obligation_detail(request: AuthedRequest, kind: str, ref: str) -> HttpResponse:
    ob = selectors.obligation_get(user=request.user, kind=kind, ref=ref)
    state, unit = _filters(request)
    breakdown = rates.breakdown(ob, request.user)
    units = rates.unit_statuses(ob, request.user, state=state, unit=unit)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    shown = [
        (org, getattr(org, "extended_to", None) or ob.deadline, *_state(org, ob, now))
        for org in page
    ]
    return render(
        request,
        "obligations/detail.html",
        {
            "ob": ob,
            "note": NOTES[ob.kind],
            "b": breakdown,
            "page": page,
            "shown": shown,
            "state": state,
            "unit": unit,
            "states": rates.STATES,
            "own": selectors.own_item(user=request.user, ob=ob, now=now),
            "query": _query(state, unit),
        },
    )


def _state(org: Organization, ob: Obligation, now: Any) -> tuple[str, str]:
    due = getattr(org, "extended_to", None) or ob.deadline
    return rates.state_of(due, getattr(org, "reported_at", None), now)


def _query(state: str, unit: Organization | None) -> str:
    parts = [f"state={state}" if state else "", f"unit={unit.pk}" if unit else ""]
    return "&".join(p for p in parts if p)


@require(kinds=GOV_KINDS)
def obligation_export(request: AuthedRequest, kind: str, ref: str) -> HttpResponse:
    """The page as .xlsx: the rates (per reporting unit for the city office) and the units."""
    ob = selectors.obligation_get(user=request.user, kind=kind, ref=ref)
    state, unit = _filters(request)
    wb = obligation_workbook(
        rates.breakdown(ob, request.user),
        rates.unit_statuses(ob, request.user, state=state, unit=unit),
    )
    return serve_workbook(request, wb, filename=f"报送率_{ob.title}_{ob.period}.xlsx")


@require(roles=WRITER_ROLES)
def extension_request(request: AuthedRequest, kind: str, ref: str) -> HttpResponse:
    """The user's unit asks the level above to move its deadline of one obligation."""
    ob = obligation_for(kind, ref)
    item = selectors.own_item(user=request.user, ob=ob)
    if item is None:
        raise Http404("本单位不是该事项的报送单位")
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ext = services.extension_request(by=request.user, obligation=ob, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已提交延期申请，等待{ext.decider.name}审批。")
            return redirect("obligations:extension_detail", pk=ext.pk)
    return render(
        request,
        "obligations/extension_request.html",
        {"ob": ob, "item": item, "form": form, "decider": ob.decider(request.user.organization)},
    )


@require()
def extension_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.extensions_for_user(request.user)
    mine = request.user.organization.pk
    return render(
        request,
        "obligations/extension_list.html",
        {
            "to_decide": list(selectors.to_decide(request.user)),
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "mine": mine,
        },
    )


@require()
def extension_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    ext = selectors.extension_get(user=request.user, pk=pk)
    return render(
        request,
        "obligations/extension_detail.html",
        {
            "ext": ext,
            "can_decide": selectors.can_decide(request.user, ext),
            "form": ExtensionDecideForm(),
        },
    )


@require(roles=WRITER_ROLES)
@require_POST
def extension_decide(request: AuthedRequest, pk: str) -> HttpResponse:
    ext = selectors.extension_get(user=request.user, pk=pk)
    if ext.decider_id not in own_unit_ids(request.user):
        raise Http404("对象不存在或无权访问")
    if not ext.is_pending:
        messages.error(request, f"该延期申请已{ext.get_status_display()}，不能再审批。")
        return redirect("obligations:extension_detail", pk=ext.pk)
    form = ExtensionDecideForm(request.POST)
    grant = "grant" in request.POST
    if form.is_valid():
        try:
            services.extension_decide(
                by=request.user, extension=ext, grant=grant, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已同意延期。" if grant else "已不同意延期。")
            return redirect("obligations:extension_detail", pk=ext.pk)
    return render(
        request,
        "obligations/extension_detail.html",
        {"ext": ext, "can_decide": selectors.can_decide(request.user, ext), "form": form},
    )
