"""Reads of API tokens: a user sees only their own; a bearer token resolves to its user."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from anbiao.accounts.models import ADMIN_ROLES
from anbiao.api.models import ApiToken
from anbiao.api.services import token_hash
from anbiao.core.access import AccessRule, get_in_scope_or_404

if TYPE_CHECKING:
    from anbiao.accounts.models import User

# The API serves business users only (the 三员 administer the platform in the UI).
API_RULE = AccessRule(note="接口：业务角色")
LAST_USED_GRANULARITY = timedelta(minutes=1)


def apitokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked", "-created_at")


def apitoken_get(*, user: User, pk: Any) -> ApiToken:
    return get_in_scope_or_404(apitokens_for_user(user=user), pk=pk)


def apitoken_authenticate(token: str) -> User | None:
    """The user a bearer token belongs to, or None (unknown, revoked, disabled, no business role)."""
    if not token or len(token) > 200:
        return None
    found = (
        ApiToken.objects.select_related("user", "user__organization")
        .filter(key_hash=token_hash(token), revoked=False)
        .first()
    )
    if found is None:
        return None
    user = found.user
    # Not for an account holding an admin role, even beside business roles from earlier data.
    if not API_RULE.allows(user) or user.stored_roles() & ADMIN_ROLES:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return user
