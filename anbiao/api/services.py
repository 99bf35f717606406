"""Writes of API tokens: create (the plain token is returned once) and revoke. Audited."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anbiao.api.models import ApiToken
from anbiao.core.audit import log_action

if TYPE_CHECKING:
    from anbiao.accounts.models import User

TOKEN_PREFIX = "ab_"  # noqa: S105 — a visible prefix, not a secret
MAX_ACTIVE_TOKENS = 10


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def apitoken_create(*, by: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``by``; returns the record and the plain token (shown only once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写令牌名称（例如“数据对接”）。"})
    if ApiToken.objects.filter(user=by, revoked=False).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": f"每个用户最多 {MAX_ACTIVE_TOKENS} 个有效令牌，请先吊销不用的令牌。"}
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=by, name=name, prefix=plain[:10], key_hash=token_hash(plain))
    token.full_clean()
    token.save()
    log_action(token, "anbiao.apitoken.created", user=by, data={"name": name})
    return token, plain


@transaction.atomic
def apitoken_revoke(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking twice is harmless."""
    if token.revoked:
        return token
    token.revoked = True
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked", "revoked_at"])
    log_action(token, "anbiao.apitoken.revoked", user=by, data={"name": token.name})
    return token
