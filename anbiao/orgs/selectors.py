"""Reads of organizations and enterprises, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from anbiao.core.access import get_in_scope_or_404
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.visibility import enterprises_for_user, organizations_for_user

if TYPE_CHECKING:
    from anbiao.accounts.models import User

SORTS = {
    "name": "organization__name",
    "-name": "-organization__name",
    "town": "town__sort_order",
    "-town": "-town__sort_order",
    "department": "department__name",
    "-department": "-department__name",
    "class": "size_class",
    "-class": "-size_class",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


@dataclass(frozen=True)
class EnterpriseFilter:
    q: str = ""
    town: str = ""
    department: str = ""
    industry: str = ""
    size_class: str = ""
    closed: str = ""  # "", "0", "1"
    sort: str = "name"


def enterprise_list(*, user: User, filters: EnterpriseFilter) -> QuerySet[Enterprise]:
    """Enterprises in the user's scope, searched by name or credit code and filtered."""
    qs = enterprises_for_user(user)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(organization__name__icontains=q) | Q(credit_code__icontains=q.upper()))
    if filters.town:
        # The stubs want a UUID here; Django takes its text form as well.
        qs = qs.filter(town_id=filters.town)  # type: ignore[misc]
    if filters.department:
        qs = qs.filter(
            Q(department_id=filters.department) | Q(other_departments=filters.department)
        )
    if filters.industry:
        qs = qs.filter(industry=filters.industry)
    if filters.size_class:
        qs = qs.filter(size_class=filters.size_class)
    if filters.closed in {"0", "1"}:
        qs = qs.filter(is_closed=filters.closed == "1")
    return qs.order_by(SORTS.get(filters.sort, "organization__name"), "credit_code")


def enterprise_get(*, user: User, pk: object) -> Enterprise:
    return get_in_scope_or_404(enterprises_for_user(user), pk=pk)


def towns() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrgKind.TOWN, is_active=True).order_by(
        "sort_order", "name"
    )


def departments() -> QuerySet[Organization]:
    return Organization.objects.filter(
        kind=OrgKind.DEPARTMENT, parent__isnull=True, is_active=True
    ).order_by("sort_order", "name")


def supervising_departments() -> QuerySet[Organization]:
    """The units an enterprise's 主管部门 may be: every active department, its sub-units too
    (a 执法大队 supervises enterprises and rolls up to its department). The enterprise form,
    the API and the registry import all choose from this list."""
    return Organization.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True).order_by(
        "sort_order", "name"
    )


def government_units_for_user(*, user: User) -> QuerySet[Organization]:
    return (
        organizations_for_user(user)
        .exclude(kind=OrgKind.ENTERPRISE)
        .select_related("parent")
        .order_by("kind", "sort_order", "name")
    )


def organization_get(*, user: User, pk: object) -> Organization:
    return get_in_scope_or_404(organizations_for_user(user), pk=pk)


def can_manage_all(user: User) -> bool:
    """The city office's 单位管理员 and the 系统管理员 manage every organization and user."""
    from anbiao.accounts.models import Role

    org = user.organization
    return (
        org is not None
        and org.kind == OrgKind.CITY
        and user.has_role(Role.ORG_ADMIN, Role.SYSADMIN)
    )


def users_for_manager(*, user: User) -> QuerySet[Any]:
    """Users a manager may administer: everybody for the city office, else its own unit's users.

    The 三员 accounts are the 系统管理员's alone: a 单位管理员 does not see them.
    """
    from django.contrib.auth import get_user_model

    from anbiao.accounts.models import ADMIN_ROLES
    from anbiao.accounts.roles import is_system_admin

    qs = get_user_model().objects.select_related("organization").prefetch_related("memberships")
    if not is_system_admin(user):
        qs = qs.exclude(memberships__role__in=ADMIN_ROLES)
    if can_manage_all(user):
        return qs
    assert user.organization_id is not None  # managers reach this behind @require
    return qs.filter(organization_id=user.organization_id)


def pending_role_grant(*, user: Any) -> Any:
    """The role grant of this account that waits for a second admin, if any."""
    from anbiao.accounts.models import RoleGrant

    return (
        RoleGrant.objects.select_related("requested_by")
        .filter(user=user, status=RoleGrant.Status.PENDING)
        .first()
    )
