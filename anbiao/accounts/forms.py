from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.views.decorators.debug import sensitive_variables


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名或手机号",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    # Only on the lock page: with the password, the account's current TOTP code lifts the lock
    # of an account that is locked everywhere (anbiao.accounts.lockout).
    code = forms.CharField(
        label="动态口令",
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        # The same message whether or not the account exists.
        "invalid_login": "用户名/手机号或密码不正确。",
        "inactive": "用户名/手机号或密码不正确。",
    }

    @sensitive_variables()
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        code = (self.cleaned_data.get("code") or "").strip().replace(" ", "")
        if username is not None and password:
            self.user_cache = authenticate(
                self.request, username=username, password=password, code=code
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ChangePasswordForm(PasswordChangeForm):
    def validate_password_for_user(self, user: Any, password_field_name: str = "") -> None:
        # Name the field the user typed the new password into, not the confirmation.
        super().validate_password_for_user(user, "new_password1")


class TOTPCodeForm(forms.Form):
    code = forms.CharField(
        label="动态口令",
        max_length=8,
        help_text="打开手机上的身份验证器应用（如 Microsoft Authenticator、Google Authenticator、FreeOTP），输入显示的 6 位数字。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "请输入 6 位动态口令。"},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError("动态口令为 6 位数字。")
        return code


class UnlockForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, error_messages={"required": "请指定要解锁的用户名。"}
    )
