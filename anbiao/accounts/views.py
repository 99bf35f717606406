from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anbiao.accounts import selectors, services
from anbiao.accounts.forms import ChangePasswordForm, LoginForm, TOTPCodeForm, UnlockForm
from anbiao.accounts.lockout import LIFTED_FLAG, clear_account
from anbiao.accounts.models import ADMIN_ROLES, BUSINESS_ROLES, Role, TOTPDevice, User
from anbiao.accounts.roles import CONFIRMER_ROLES, can_confirm_grants, is_system_admin
from anbiao.accounts.services import SESSION_2FA_KEY
from anbiao.accounts.totp_qr import qr_png_data_uri
from anbiao.core.access import get_in_scope_or_404, public, require
from anbiao.core.audit import log_action
from anbiao.core.types import AuthedRequest
from anbiao.orgs.models import OrgKind

ANY_ROLE = BUSINESS_ROLES | ADMIN_ROLES


class AnbiaoLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)  # logs in: a new session key
        user = form.get_user()
        if getattr(self.request, LIFTED_FLAG, False):
            # Password and TOTP code given together on the lock page: the login is complete.
            self.request.session[SESSION_2FA_KEY] = True
            services.lockout_lifted(user=user, request=self.request)
            return response
        # A fresh password login always asks for the second factor again.
        self.request.session.pop(SESSION_2FA_KEY, None)
        if not TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
            # The password was the whole login; with a device, the code completes it.
            clear_account(username=user.username)
        return response


login_view = public(AnbiaoLoginView.as_view())
logout_view = public(LogoutView.as_view())


@require(roles=ANY_ROLE)
def password_change(request: AuthedRequest) -> HttpResponse:
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            user.must_change_password = False
            user.password_changed_at = timezone.now()
            user.save(update_fields=["must_change_password", "password_changed_at"])
            log_action(user, "anbiao.auth.password_changed", user=user, request=request)
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require(roles=ANY_ROLE)
def totp_setup(request: AuthedRequest) -> HttpResponse:
    """Set up an authenticator app: show the secret and the otpauth:// URI, confirm with a code."""
    user: User = request.user
    existing = TOTPDevice.objects.filter(user=user).first()
    if existing is not None and existing.confirmed:
        if not request.session.get(SESSION_2FA_KEY):
            # A confirmed device is never replaced before its code has been given.
            return redirect(f"{_verify_url()}?{urlencode({'next': _next_url(request)})}")
        return render(request, "accounts/totp_status.html", {"device": existing})
    device = existing or services.totp_device_start(user=user)
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(user=user, code=form.cleaned_data["code"], request=request)
        except ValidationError as exc:
            form.add_error("code", exc.message_dict["code"])
        else:
            request.session[SESSION_2FA_KEY] = True
            messages.success(request, "动态口令已启用，以后每次登录都需要输入。")
            return redirect(_next_url(request))
    uri = services.totp_provisioning_uri(device=device)
    response = render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "secret": _group(device.secret),
            "uri": uri,
            "qr": qr_png_data_uri(uri),
            "required": bool(user.role_set() & ADMIN_ROLES),
            "next": _next_url(request),
        },
    )
    response["Cache-Control"] = "no-store"  # the secret is on this page
    return response


def _verify_url() -> str:
    return reverse("accounts:totp_verify")


@require(roles=ANY_ROLE)
def totp_verify(request: AuthedRequest) -> HttpResponse:
    """Ask for the 6-digit code after the password; 5 wrong codes in a row lock it 30 minutes."""
    user: User = request.user
    if not TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
        return redirect("accounts:totp_setup")
    if request.session.get(SESSION_2FA_KEY):
        return redirect(_next_url(request))
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.totp_verify(user=user, code=form.cleaned_data["code"], request=request)
        if result == services.TOTP_OK:
            request.session.cycle_key()
            request.session[SESSION_2FA_KEY] = True
            return redirect(_next_url(request))
        if result == services.TOTP_LOCKED:
            logout(request)
            messages.error(
                request,
                "动态口令连续输错次数过多，已锁定 30 分钟。请稍后再试，或联系安全管理员解锁。",
            )
            return redirect("accounts:login")
        left = services.totp_failures_left(user=user)
        form.add_error("code", f"动态口令不正确或已使用过，还可以再试 {left} 次。")
    return render(request, "accounts/totp_verify.html", {"form": form, "next": _next_url(request)})


@require(kinds={OrgKind.CITY}, roles={Role.SECADMIN}, note="安全管理员")
def security(request: AuthedRequest) -> HttpResponse:
    """安全管理员: the security rules in force, current lockouts, the 三员's second factor."""
    return render(
        request,
        "accounts/security.html",
        {
            "lockouts": selectors.current_lockouts(),
            "ip_lockouts": selectors.current_ip_lockouts(),
            "admins": selectors.admin_accounts(),
            "violations": selectors.role_separation_violations(),
            "form": UnlockForm(),
            "policy": {
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "ip_failure_limit": settings.LOGIN_IP_FAILURE_LIMIT,
                "cool_off_minutes": int(selectors.cool_off().total_seconds() // 60),
                "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
                "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
            },
        },
    )


@require(kinds={OrgKind.CITY}, roles={Role.SECADMIN}, note="安全管理员")
@require_POST
def lockout_unlock(request: AuthedRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if form.is_valid():
        username = form.cleaned_data["username"]
        services.lockout_reset(by=request.user, username=username, request=request)
        messages.success(request, f"已解除“{username}”的登录锁定。")
    else:
        messages.error(request, "用户名：请指定要解锁的用户名。")
    return redirect("accounts:security")


@require(kinds={OrgKind.CITY}, roles={Role.SECADMIN}, note="安全管理员")
@require_POST
def lockout_unlock_ip(request: AuthedRequest) -> HttpResponse:
    ip = request.POST.get("ip", "")
    try:
        services.lockout_reset_ip(by=request.user, ip=ip, request=request)
    except ValidationError:
        messages.error(request, "IP 地址：请指定要解锁的 IP 地址。")
    else:
        messages.success(request, f"已解除 IP“{ip.strip()}”的登录锁定。")
    return redirect("accounts:security")


@require(kinds={OrgKind.CITY}, roles={Role.SECADMIN}, note="安全管理员")
@require_POST
def totp_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    user = get_in_scope_or_404(User.objects.all(), pk=pk)
    try:
        reset = services.totp_device_reset(by=request.user, user=user, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if reset:
            messages.success(request, f"已重置“{user.username}”的动态口令，下次登录时须重新绑定。")
    return redirect("accounts:security")


# --- role grants (安全管理员、审计管理员 confirm what a 系统管理员 asked) --------------------


@require(kinds={OrgKind.CITY}, roles=ADMIN_ROLES, note="三员：角色授权申请")
def role_grant_list(request: AuthedRequest) -> HttpResponse:
    """Grants of the 安全管理员/审计管理员 roles waiting for a second admin, and recent decisions."""
    user: User = request.user
    return render(
        request,
        "accounts/role_grants.html",
        {
            "pending": selectors.role_grants_pending(),
            "decided": selectors.role_grants_decided(),
            "can_confirm": can_confirm_grants(user),
            "can_cancel": is_system_admin(user),
        },
    )


def _decide(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    grant = selectors.role_grant_get(pk=pk)
    service, done = {
        "confirm": (services.role_grant_confirm, "已确认"),
        "refuse": (services.role_grant_refuse, "已拒绝"),
        "cancel": (services.role_grant_cancel, "已撤回"),
    }[action]
    try:
        service(by=request.user, grant=grant, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, f"{done}：授予“{grant.user.username}”{grant.get_role_display()}角色。"
        )
    return redirect("accounts:role_grant_list")


@require(kinds={OrgKind.CITY}, roles=CONFIRMER_ROLES, note="安全管理员、审计管理员")
@require_POST
def role_grant_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "confirm")


@require(kinds={OrgKind.CITY}, roles=CONFIRMER_ROLES, note="安全管理员、审计管理员")
@require_POST
def role_grant_refuse(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "refuse")


@require(kinds={OrgKind.CITY}, roles={Role.SYSADMIN}, note="系统管理员")
@require_POST
def role_grant_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "cancel")
