"""Which organizations and enterprises a user sees: the scope selectors for views and lists.

Every query for organization-owned data starts from one of these (or from a selector that uses
them), so that another organization's object answers 404 (``get_in_scope_or_404`` in
:mod:`anbiao.core.access`). The rule itself — primary department, town, other supervising
departments — is :mod:`anbiao.orgs.scope`; this module applies it to a signed-in user. (It lived
in ``core.access`` until core stopped importing the apps above it.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from anbiao.core.access import get_in_scope_or_404
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.scope import descendant_ids, seen_enterprises_q

if TYPE_CHECKING:
    from anbiao.accounts.models import User


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
