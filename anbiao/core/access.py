"""The one place that decides who may use which page: kinds of organization and roles.

Every view declares its rule with :func:`require` (or :func:`public`); a test walks every URL
pattern and fails when a view carries no rule. Which objects a user sees is decided above core,
by the organization scope (:mod:`anbiao.orgs.visibility`, built on :mod:`anbiao.orgs.scope`):
every query for organization-owned data starts from one of those selectors, and
:func:`get_in_scope_or_404` answers 404 for another organization's object.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from anbiao.core.vocabulary import ADMIN_ROLES, BUSINESS_ROLES, GOVERNMENT_KINDS, OrgKind, Role

if TYPE_CHECKING:
    from anbiao.accounts.models import User

V = TypeVar("V", bound=Callable[..., HttpResponseBase])
M = TypeVar("M", bound=Model)

ALL_KINDS = frozenset(OrgKind.values)
GOV_KINDS = frozenset(GOVERNMENT_KINDS)
SUPERVISOR_KINDS = GOV_KINDS
WRITER_ROLES = frozenset({Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL})


@dataclass(frozen=True)
class AccessRule:
    """Who may use a view: organization kinds and roles (a user needs any one of the roles)."""

    kinds: frozenset[str] = ALL_KINDS
    roles: frozenset[str] = BUSINESS_ROLES
    public: bool = False
    note: str = field(default="", compare=False)

    def allows(self, user: User) -> bool:
        if self.public:
            return True
        if not user.is_authenticated or not user.is_active:
            return False
        org = user.organization
        if org is None or not org.is_active:
            return False
        return org.kind in self.kinds and user.has_role(*self.roles)


def require(
    *, kinds: Iterable[str] = ALL_KINDS, roles: Iterable[str] = BUSINESS_ROLES, note: str = ""
) -> Callable[[V], V]:
    """Declare who may use a view. Anonymous users go to the login page; others get 404.

    A 404 (not 403) keeps the existence of pages and objects of other organizations private.
    A view behind it may declare ``request: anbiao.core.types.AuthedRequest``: its user is
    signed in and belongs to an active organization.
    """
    rule = AccessRule(kinds=frozenset(kinds), roles=frozenset(roles), note=note)

    def decorate(view: V) -> V:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule.allows(user):
                from anbiao.core.audit import log_denied

                log_denied(request, reason="rule")
                raise Http404("页面不存在")
            return view(request, *args, **kwargs)

        wrapper.access_rule = rule  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def public[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """Mark a view as open to anyone (login page, health check)."""
    view.access_rule = AccessRule(public=True)  # type: ignore[attr-defined]
    return view


# --- roles -----------------------------------------------------------------------------------


def can_write(user: User) -> bool:
    return user.has_role(*WRITER_ROLES)


def can_sign(user: User) -> bool:
    return user.has_role(Role.PRINCIPAL)


def is_admin_only(user: User) -> bool:
    """三员 accounts: platform administration only, never business operations."""
    roles = user.role_set()
    return bool(roles) and roles <= ADMIN_ROLES


# --- fetching from a scoped queryset ------------------------------------------------------


def get_in_scope_or_404[M: Model](queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from an already-scoped queryset, or answer 404."""
    try:
        return queryset.get(**lookup)
    # ValueError/TypeError: bad UUIDs too. The ignore: the stubs declare DoesNotExist on each
    # concrete model only, not on Model.
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404("对象不存在或无权访问") from exc
    except Exception as exc:
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Http404("对象不存在或无权访问") from exc
        raise
