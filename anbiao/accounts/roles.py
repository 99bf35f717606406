"""三员分立: which roles may sit on one account, and who may grant which.

One place for the rules, asked by every path that changes roles (the 用户管理 forms and their
services, the role-grant confirmations, ``manage.py role_grant``); the Django admin shows roles
read-only and the API has no operation on roles. The rules:

1. a business role and an admin role (系统管理员、安全管理员、审计管理员) never sit on one account;
2. no account holds two of the three admin roles;
3. nobody changes their own roles;
4. only a 系统管理员 grants or withdraws admin roles, and only to accounts of the city office;
5. the 安全管理员 and 审计管理员 roles take effect only when a second admin confirms them
   (``anbiao.accounts.models.RoleGrant``, confirmed by a 安全管理员 or 审计管理员 who is neither
   the requester nor the account).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from anbiao.accounts.models import ADMIN_ROLES, BUSINESS_ROLES, Role
from anbiao.orgs.models import OrgKind

if TYPE_CHECKING:
    from anbiao.accounts.models import User

# Business roles an account of each kind of organization may hold, in the order forms list them.
BUSINESS_ROLES_BY_KIND: dict[str, tuple[Role, ...]] = {
    OrgKind.CITY: (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.VIEWER),
    OrgKind.DEPARTMENT: (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.VIEWER),
    OrgKind.TOWN: (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER),
    OrgKind.ENTERPRISE: (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.VIEWER),
}
ADMIN_ROLE_ORDER = (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)
# Granted only after a second admin's confirmation.
CONFIRMED_ROLES = frozenset({Role.SECADMIN, Role.AUDITOR})
# Who may confirm such a grant (never the requesting 系统管理员 itself).
CONFIRMER_ROLES = frozenset({Role.SECADMIN, Role.AUDITOR})
LABELS = dict(Role.choices)

MIXED = (
    "系统管理员、安全管理员、审计管理员（三员）不能与业务角色（单位管理员、填报员、主要负责人、"
    "网格员、查看）授予同一账号。"
)
TWO_ADMIN_ROLES = "一个账号只能担任系统管理员、安全管理员、审计管理员中的一个。"
OWN_ROLES = "不能修改自己的角色，请由其他管理员修改。"
ONLY_SYSADMIN = "只有系统管理员可以授予或撤销系统管理员、安全管理员、审计管理员角色。"
ONLY_CITY = "系统管理员、安全管理员、审计管理员角色只能授予市安委办的账号。"
ADMIN_ACCOUNT = "三员账号（系统管理员、安全管理员、审计管理员）只能由系统管理员维护。"


def label(role: str) -> str:
    return LABELS.get(role, role)


def role_set_problems(roles: Iterable[str]) -> list[str]:
    """Why these roles cannot sit on one account (rules 1 and 2); empty when they can."""
    roles = set(roles)
    admin = roles & ADMIN_ROLES
    problems = []
    if admin and roles & BUSINESS_ROLES:
        problems.append(MIXED)
    if len(admin) > 1:
        problems.append(TWO_ADMIN_ROLES)
    return problems


def _in_city_office(user: User | None) -> bool:
    if user is None or not user.pk or not user.is_active:
        return False
    org = user.organization
    return org is not None and org.is_active and org.kind == OrgKind.CITY


def is_system_admin(user: User | None) -> bool:
    """A 系统管理员 in force (an account mixing roles from earlier data is not one)."""
    return _in_city_office(user) and user.has_role(Role.SYSADMIN)  # type: ignore[union-attr]


def is_security_admin(user: User | None) -> bool:
    return _in_city_office(user) and user.has_role(Role.SECADMIN)  # type: ignore[union-attr]


def can_confirm_grants(user: User | None) -> bool:
    """A 安全管理员 or 审计管理员 in force: may confirm other people's role grants."""
    return _in_city_office(user) and user.has_role(*CONFIRMER_ROLES)  # type: ignore[union-attr]


def grantable_roles(*, by: User, kind: str, user: User | None = None) -> list[str]:
    """The roles ``by`` may give an account of an organization of ``kind`` (what forms offer).

    None for one's own account (rule 3); admin roles for a 系统管理员 and a city-office account.
    """
    if user is not None and user.pk is not None and user.pk == by.pk:
        return []
    roles: list[str] = list(BUSINESS_ROLES_BY_KIND.get(kind, ()))
    if kind == OrgKind.CITY and is_system_admin(by):
        roles += ADMIN_ROLE_ORDER
    return roles


def account_edit_problems(*, by: User | None, user: User) -> list[str]:
    """Why ``by`` may not change ``user``'s account at all: a 三员 account needs a 系统管理员."""
    if user.pk is not None and user.stored_roles() & ADMIN_ROLES and not is_system_admin(by):
        return [ADMIN_ACCOUNT]
    return []


def role_change_problems(
    *, by: User | None, user: User, kind: str, before: Iterable[str], after: Iterable[str]
) -> list[str]:
    """Why ``by`` may not change ``user``'s roles from ``before`` to ``after`` (rules 1–4).

    ``by=None`` is code acting for nobody in particular: it may not touch admin roles.
    """
    before, after = set(before), set(after)
    changed = (after - before) | (before - after)
    if not changed:
        return []
    if by is not None and user.pk is not None and by.pk == user.pk:
        return [OWN_ROLES]
    problems = []
    if changed & ADMIN_ROLES and not is_system_admin(by):
        problems.append(ONLY_SYSADMIN)
    if (after - before) & ADMIN_ROLES and kind != OrgKind.CITY:
        problems.append(ONLY_CITY)
    unfit = sorted((after - before) & BUSINESS_ROLES - set(BUSINESS_ROLES_BY_KIND.get(kind, ())))
    if unfit:
        problems.append(f"角色“{'、'.join(label(r) for r in unfit)}”不适用于该单位。")
    return problems + role_set_problems(after)
