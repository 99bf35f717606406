"""The one place that decides who may see and do what.

Every view declares its rule with :func:`require` (or :func:`public`); a test walks every URL
pattern and fails when a view carries no rule. Every query for organization-owned data starts
from one of the scope selectors below, so that another organization's object answers 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from anbiao.accounts.models import ADMIN_ROLES, BUSINESS_ROLES, Role
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.scope import descendant_ids, seen_enterprises_q

if TYPE_CHECKING:
    from anbiao.accounts.models import User

V = TypeVar("V", bound=Callable[..., HttpResponseBase])
M = TypeVar("M", bound=Model)

ALL_KINDS = frozenset(OrgKind.values)
GOV_KINDS = frozenset({OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN})
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


# --- organization scope ----------------------------------------------------------------------


def _cached(user: User, key: str, compute: Callable[[], Any]) -> Any:
    cache = user.__dict__.setdefault("_scope_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def own_unit_ids(user: User) -> set[Any]:
    org = user.organization
    if org is None:
        return set()
    return _cached(user, "own_units", lambda: descendant_ids(org))


def enterprise_filter(user: User, prefix: str = "") -> Q:
    """A Q over Enterprise (or over a model reaching Enterprise through ``prefix``, ending in
    ``__``): the enterprises the user's unit sees (:func:`anbiao.orgs.scope.seen_enterprises_q`)."""
    org = user.organization
    if org is None or not org.is_active or not user.is_active:
        return Q(pk__in=[])
    ids = {org.pk} if org.kind == OrgKind.ENTERPRISE else own_unit_ids(user)
    return seen_enterprises_q(org.kind, ids, prefix.removesuffix("__"))


def enterprises_for_user(user: User) -> QuerySet[Enterprise]:
    """Enterprises the user may see (department: supervised; town: located in it)."""
    qs = Enterprise.objects.select_related("organization", "town", "department")
    org = user.organization
    if org is not None and org.kind == OrgKind.DEPARTMENT:
        return qs.filter(enterprise_filter(user)).distinct()
    return qs.filter(enterprise_filter(user))


def organizations_for_user(user: User) -> QuerySet[Organization]:
    """Organizations the user may see: its own unit and sub-units, plus enterprises in scope."""
    org = user.organization
    if org is None or not org.is_active or not user.is_active:
        return Organization.objects.none()
    if org.kind == OrgKind.CITY:
        return Organization.objects.all()
    units = own_unit_ids(user)
    if org.kind == OrgKind.ENTERPRISE:
        return Organization.objects.filter(pk=org.pk)
    enterprise_ids = enterprises_for_user(user).values("organization_id")
    return Organization.objects.filter(Q(pk__in=units) | Q(pk__in=enterprise_ids))


def organization_ids_for_user(user: User) -> QuerySet[Organization, Mapping[str, Any]]:
    return organizations_for_user(user).values("pk")


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


def get_enterprise_for_user(user: User, pk: Any) -> Enterprise:
    return get_in_scope_or_404(enterprises_for_user(user), pk=pk)


def supervises(user: User, org: Organization) -> bool:
    """Whether the user's organization supervises ``org`` (the unit that reviews its work)."""
    mine = user.organization
    if mine is None:
        return False
    if mine.kind == OrgKind.CITY:
        return org.pk != mine.pk
    if org.kind == OrgKind.ENTERPRISE:
        return enterprises_for_user(user).filter(pk=org.pk).exists()
    return False
