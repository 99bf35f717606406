"""The token page: create (shown once), list own tokens only, revoke."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from anbiao.api.models import ApiToken
from anbiao.api.services import MAX_ACTIVE_TOKENS, apitoken_create
from anbiao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return client


def test_a_user_creates_a_token_and_sees_it_once(apiworld) -> None:  # noqa: ANN001
    client = login(apiworld.viewer)
    response = client.post(reverse("apitokens:list"), {"name": "统计脚本"})
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(r'<code id="new-token">(ab_[^<]+)</code>', html)
    assert found is not None
    plain = found.group(1)
    assert response["Cache-Control"] == "no-store"
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200
    again = client.get(reverse("apitokens:list")).content.decode()
    assert "统计脚本" in again and plain not in again
    assert AuditEntry.objects.filter(action="anbiao.apitoken.created").exists()


def test_a_token_name_is_required(apiworld) -> None:  # noqa: ANN001
    response = login(apiworld.viewer).post(reverse("apitokens:list"), {"name": "  "})
    assert "令牌名称：" in response.content.decode()
    assert ApiToken.objects.filter(user=apiworld.viewer).count() == 1  # the fixture's


def test_a_user_sees_only_their_own_tokens(apiworld) -> None:  # noqa: ANN001
    apitoken_create(by=apiworld.filler, name="填报员的令牌")
    html = login(apiworld.viewer).get(reverse("apitokens:list")).content.decode()
    assert "填报员的令牌" not in html


def test_revoking_a_token_stops_it_at_once(apiworld) -> None:  # noqa: ANN001
    token = ApiToken.objects.get(user=apiworld.filler)
    client = login(apiworld.filler)
    response = client.post(reverse("apitokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked and token.revoked_at is not None
    assert Client().get("/api/v1/me", **apiworld.auth()).status_code == 401
    assert AuditEntry.objects.filter(action="anbiao.apitoken.revoked").exists()


def test_revoking_by_get_is_refused(apiworld) -> None:  # noqa: ANN001
    token = ApiToken.objects.get(user=apiworld.filler)
    response = login(apiworld.filler).get(reverse("apitokens:revoke", args=[token.pk]))
    assert response.status_code == 405
    token.refresh_from_db()
    assert not token.revoked


def test_a_user_holds_at_most_ten_active_tokens(apiworld) -> None:  # noqa: ANN001
    for i in range(MAX_ACTIVE_TOKENS - 1):
        apitoken_create(by=apiworld.filler, name=f"t{i}")
    response = login(apiworld.filler).post(reverse("apitokens:list"), {"name": "多余"})
    assert "最多 10 个有效令牌" in response.content.decode()
    assert ApiToken.objects.filter(user=apiworld.filler, revoked=False).count() == 10
