"""Enterprise registry, enterprise profile, government units and users."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.core.access import GOV_KINDS, WRITER_ROLES, require
from anbiao.core.audit import log_action
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.core.xlsx import workbook_response
from anbiao.orgs import selectors, services
from anbiao.orgs.exports import registry_workbook
from anbiao.orgs.forms import (
    EnterpriseFilterForm,
    EnterpriseForm,
    EnterpriseProfileForm,
    OrganizationForm,
    UserCreateForm,
    UserEditForm,
)
from anbiao.orgs.models import OrgKind

GOV_WRITERS = frozenset({Role.ORG_ADMIN, Role.FILLER})
MANAGER_ROLES = frozenset({Role.ORG_ADMIN, Role.SYSADMIN})


def _filters(request: HttpRequest) -> tuple[EnterpriseFilterForm, selectors.EnterpriseFilter]:
    form = EnterpriseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    f = selectors.EnterpriseFilter(
        q=data.get("q") or "",
        town=str(data["town"].pk) if data.get("town") else "",
        department=str(data["department"].pk) if data.get("department") else "",
        industry=data.get("industry") or "",
        size_class=data.get("size_class") or "",
        closed=data.get("closed") or "",
        sort=data.get("sort") or "name",
    )
    return form, f


@require(kinds=GOV_KINDS)
def enterprise_list(request: AuthedRequest) -> HttpResponse:
    form, f = _filters(request)
    qs = selectors.enterprise_list(user=request.user, filters=f)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/enterprise_list.html",
        {"form": form, "page": page, "can_write": request.user.has_role(*GOV_WRITERS)},
    )


@require(kinds=GOV_KINDS)
def enterprise_export(request: AuthedRequest) -> HttpResponse:
    _, f = _filters(request)
    qs = selectors.enterprise_list(user=request.user, filters=f)
    log_action(None, "anbiao.enterprise.exported", request=request, data={"filters": f.__dict__})
    stamp = timezone.localtime().strftime("%Y%m%d")
    return workbook_response(registry_workbook(qs), filename=f"企业底数台账_{stamp}.xlsx")


@require(kinds=GOV_KINDS)
def enterprise_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    return render(
        request,
        "orgs/enterprise_detail.html",
        {"e": enterprise, "can_write": request.user.has_role(*GOV_WRITERS), "show_full": True},
    )


@require(kinds=GOV_KINDS, roles=GOV_WRITERS)
def enterprise_create(request: AuthedRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        others = list(data.pop("other_departments"))
        try:
            enterprise = services.enterprise_create(
                by=request.user,
                name=data.pop("name"),
                credit_code=data.pop("credit_code"),
                accept_bad_checksum=data.pop("accept_bad_checksum", False),
                other_departments=others,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新增企业：{enterprise.name}")
            return redirect("orgs:enterprise_detail", pk=enterprise.pk)
    return render(request, "orgs/enterprise_form.html", {"form": form, "title": "新增企业"})


@require(kinds=GOV_KINDS, roles=GOV_WRITERS)
def enterprise_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("credit_code", None)
        try:
            services.enterprise_update(
                by=request.user, enterprise=enterprise, name=data.pop("name"), **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:enterprise_detail", pk=enterprise.pk)
    return render(
        request, "orgs/enterprise_form.html", {"form": form, "title": f"编辑：{enterprise.name}"}
    )


@require(kinds={OrgKind.ENTERPRISE})
def profile(request: AuthedRequest) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=request.user.organization_id)
    return render(
        request,
        "orgs/enterprise_detail.html",
        {
            "e": enterprise,
            "is_profile": True,
            "show_full": True,
            "can_write": request.user.has_role(*WRITER_ROLES),
        },
    )


@require(kinds={OrgKind.ENTERPRISE}, roles=WRITER_ROLES)
def profile_edit(request: AuthedRequest) -> HttpResponse:
    enterprise = selectors.enterprise_get(user=request.user, pk=request.user.organization_id)
    form = EnterpriseProfileForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        services.enterprise_update(by=request.user, enterprise=enterprise, **form.cleaned_data)
        messages.success(request, "企业信息已保存。")
        return redirect("orgs:profile")
    return render(request, "orgs/enterprise_form.html", {"form": form, "title": "编辑本企业信息"})


# --- government units (city office 单位管理员 and 系统管理员) --------------------------------


def _require_manage_all(request: AuthedRequest) -> None:
    if not selectors.can_manage_all(request.user):
        raise Http404


@require(kinds={OrgKind.CITY}, roles=MANAGER_ROLES)
def unit_list(request: AuthedRequest) -> HttpResponse:
    _require_manage_all(request)
    units = selectors.government_units_for_user(user=request.user)
    return render(request, "orgs/unit_list.html", {"units": units})


@require(kinds={OrgKind.CITY}, roles=MANAGER_ROLES)
def unit_create(request: AuthedRequest) -> HttpResponse:
    _require_manage_all(request)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.organization_create(by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新增单位：{data['name']}")
            return redirect("orgs:unit_list")
    return render(request, "orgs/simple_form.html", {"form": form, "title": "新增单位"})


@require(kinds={OrgKind.CITY}, roles=MANAGER_ROLES)
def unit_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    _require_manage_all(request)
    unit = selectors.organization_get(user=request.user, pk=pk)
    if unit.kind == OrgKind.ENTERPRISE:
        raise Http404
    form = OrganizationForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.changed_data}
        try:
            unit.refresh_from_db()
            services.organization_update(by=request.user, organization=unit, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:unit_list")
    return render(
        request, "orgs/simple_form.html", {"form": form, "title": f"编辑单位：{unit.name}"}
    )


# --- users -------------------------------------------------------------------------------------


@require(roles=MANAGER_ROLES)
def user_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.users_for_manager(user=request.user).order_by(
        "organization__kind", "organization__name", "username"
    )
    q = request.GET.get("q", "").strip()
    if q:
        from django.db.models import Q

        qs = qs.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(organization__name__icontains=q)
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/user_list.html",
        {"page": page, "q": q, "manage_all": selectors.can_manage_all(request.user)},
    )


@require(roles=MANAGER_ROLES)
def user_create(request: AuthedRequest) -> HttpResponse:
    org_id = request.GET.get("org") or request.POST.get("org") or str(request.user.organization_id)
    organization = (
        selectors.organization_get(user=request.user, pk=org_id)
        if selectors.can_manage_all(request.user)
        else request.user.organization
    )
    form = UserCreateForm(request.POST or None, kind=organization.kind, by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                by=request.user, organization=organization, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新增用户：{user.username}")
            _announce_grant(request, user)
            return redirect("orgs:user_list")
    return render(
        request,
        "orgs/simple_form.html",
        {"form": form, "title": f"新增用户 · {organization.name}", "org": organization},
    )


@require(roles=MANAGER_ROLES)
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    from anbiao.core.access import get_in_scope_or_404

    target = get_in_scope_or_404(selectors.users_for_manager(user=request.user), pk=pk)
    initial = {
        "full_name": target.full_name,
        "mobile": target.mobile or "",
        "is_active": target.is_active,
        "roles": sorted(target.stored_roles()),
    }
    form = UserEditForm(
        request.POST or None,
        initial=initial,
        kind=target.organization.kind if target.organization else OrgKind.CITY,
        by=request.user,
        user=target,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["mobile"] = data["mobile"] or None
        if target.pk == request.user.pk and not data["is_active"]:
            form.add_error("is_active", "不能停用自己的账号。")
        else:
            try:
                services.user_update(by=request.user, user=target, request=request, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已保存。")
                _announce_grant(request, target)
                return redirect("orgs:user_list")
    return render(
        request,
        "orgs/simple_form.html",
        {
            "form": form,
            "title": f"编辑用户：{target.username}",
            "pending_grant": selectors.pending_role_grant(user=target),
        },
    )


def _announce_grant(request: HttpRequest, user: object) -> None:
    grant = selectors.pending_role_grant(user=user)
    if grant is not None:
        messages.info(
            request,
            f"“{grant.get_role_display()}”角色须经另一名安全管理员或审计管理员在“角色授权”中确认后生效。",
        )
