"""The user's own API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anbiao.api import selectors, services
from anbiao.api.forms import TokenCreateForm
from anbiao.core.access import require
from anbiao.core.types import AuthedRequest


@require(note="业务用户管理自己的接口令牌")
def token_list(request: AuthedRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, plain = services.apitoken_create(by=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            for error in exc.message_dict.get("name", exc.messages):
                form.add_error("name", error)
        else:
            created = {"token": token, "plain": plain}
            form = TokenCreateForm()
    response = render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "tokens": selectors.apitokens_for_user(user=request.user),
            "created": created,
            "api_base": request.build_absolute_uri("/api/v1/"),
        },
    )
    if created:
        response["Cache-Control"] = "no-store"  # the plain token is on this page only
    return response


@require(note="业务用户吊销自己的接口令牌")
@require_POST
def token_revoke(request: AuthedRequest, pk: str) -> HttpResponse:
    token = selectors.apitoken_get(user=request.user, pk=pk)
    services.apitoken_revoke(by=request.user, token=token)
    messages.success(request, f"已吊销令牌：{token.name}")
    return redirect("apitokens:list")
