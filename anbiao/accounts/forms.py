from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名或手机号", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        # The same message whether or not the account exists.
        "invalid_login": "用户名/手机号或密码不正确。",
        "inactive": "用户名/手机号或密码不正确。",
    }


class ChangePasswordForm(PasswordChangeForm):
    pass
