from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import LoginView, LogoutView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from anbiao.accounts.forms import ChangePasswordForm, LoginForm
from anbiao.accounts.models import ADMIN_ROLES, BUSINESS_ROLES
from anbiao.core.access import public, require
from anbiao.core.audit import log_action

login_view = public(
    LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout_view = public(LogoutView.as_view())


@require(roles=BUSINESS_ROLES | ADMIN_ROLES)
def password_change(request: HttpRequest) -> HttpResponse:
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
