"""Writes of organizations, enterprises and users. Each runs in a transaction and is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from anbiao.core.audit import log_action
from anbiao.core.validators import clean_phone_change
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.normalize import CreditCodeError, check_credit_code, normalize_credit_code

if TYPE_CHECKING:
    from django.http import HttpRequest

    from anbiao.accounts.models import RoleGrant, User

ENTERPRISE_FIELDS = (
    "principal",
    "phone",
    "address",
    "town",
    "department",
    "industry",
    "size_class",
    "star_level",
    "risk_level",
    "on_regional_platform",
    "is_closed",
)


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, list[str]]:
    changed = {}
    for key, new in values.items():
        old = getattr(obj, key)
        if old != new:
            changed[key] = [str(old), str(new)]
    return changed


@transaction.atomic
def enterprise_create(
    *,
    by: User | None,
    name: str,
    credit_code: str,
    accept_bad_checksum: bool = False,
    other_departments: list[Organization] | None = None,
    **fields: Any,
) -> Enterprise:
    """Create an enterprise and its organization. The credit code is normalized and checked,
    the phone too (see ``core.validators``)."""
    if fields.get("phone"):
        fields["phone"] = clean_phone_change("", fields["phone"], field="phone")
    code = normalize_credit_code(credit_code)
    checked = True
    try:
        check_credit_code(code)
    except CreditCodeError as exc:
        if not (exc.checksum_only and accept_bad_checksum):
            raise ValidationError({"credit_code": exc.message}) from exc
        checked = False
    org = Organization(kind=OrgKind.ENTERPRISE, name=name, code=code)
    org.full_clean()
    org.save()
    enterprise = Enterprise(
        organization=org, credit_code=code, credit_code_checked=checked, **fields
    )
    enterprise.full_clean()
    enterprise.save()
    if other_departments:
        enterprise.other_departments.set(other_departments)
    log_action(enterprise, "anbiao.enterprise.created", user=by, data={"credit_code": code})
    return enterprise


@transaction.atomic
def enterprise_update(
    *, by: User | None, enterprise: Enterprise, name: str | None = None, **fields: Any
) -> Enterprise:
    """Update the registry fields of an enterprise (its credit code stays: it is the identity).

    A changed phone must be a phone number and is stored normalized; an unchanged one stays as
    it is on record."""
    unknown = set(fields) - set(ENTERPRISE_FIELDS) - {"other_departments"}
    if unknown:
        raise ValueError(f"unknown enterprise fields: {sorted(unknown)}")
    if "phone" in fields:
        fields["phone"] = clean_phone_change(enterprise.phone, fields["phone"], field="phone")
    others = fields.pop("other_departments", None)
    changed = _changes(enterprise, fields)
    for key, value in fields.items():
        setattr(enterprise, key, value)
    org = enterprise.organization
    if name is not None and name != org.name:
        changed["name"] = [org.name, name]
        org.name = name
        org.full_clean()
        org.save(update_fields=["name", "updated_at"])
    enterprise.full_clean()
    enterprise.save()
    if "department" in changed or "town" in changed:
        # the look-backs and reports counted under the old department/town move with it
        from anbiao.orgs.scope import restamp

        restamp(organization_ids=[enterprise.organization_id])
    if others is not None:
        before = {str(d.pk) for d in enterprise.other_departments.all()}
        enterprise.other_departments.set(others)
        after = {str(d.pk) for d in others}
        if before != after:
            changed["other_departments"] = [",".join(sorted(before)), ",".join(sorted(after))]
    if changed:
        log_action(enterprise, "anbiao.enterprise.updated", user=by, data={"changed": changed})
    return enterprise


@transaction.atomic
def organization_create(
    *, by: User | None, kind: str, name: str, parent: Organization | None = None, **fields: Any
) -> Organization:
    """Create a government unit (city office, department, town) or a sub-unit."""
    if kind == OrgKind.ENTERPRISE:
        raise ValueError("use enterprise_create for enterprises")
    if fields.get("contact_phone"):
        fields["contact_phone"] = clean_phone_change(
            "", fields["contact_phone"], field="contact_phone"
        )
    org = Organization(kind=kind, name=name, parent=parent, **fields)
    org.full_clean()
    org.save()
    log_action(org, "anbiao.organization.created", user=by, data={"kind": kind})
    return org


@transaction.atomic
def organization_update(
    *, by: User | None, organization: Organization, **fields: Any
) -> Organization:
    """Change a government unit; a changed 联系电话 is validated and stored normalized."""
    if "contact_phone" in fields:
        fields["contact_phone"] = clean_phone_change(
            organization.contact_phone, fields["contact_phone"], field="contact_phone"
        )
    changed = _changes(organization, fields)
    for key, value in fields.items():
        setattr(organization, key, value)
    organization.full_clean()
    organization.save()
    if changed:
        log_action(organization, "anbiao.organization.updated", user=by, data={"changed": changed})
    return organization


@transaction.atomic
def user_create(
    *,
    by: User | None,
    organization: Organization,
    username: str,
    password: str,
    roles: list[str],
    full_name: str = "",
    mobile: str | None = None,
    must_change_password: bool = True,
    request: HttpRequest | None = None,
) -> User:
    """Create a user in an organization with roles; the password obeys the policy.

    The roles follow the separation rules (``anbiao.accounts.roles``); a 安全管理员 or
    审计管理员 role waits for a second admin's confirmation, the account has no role until then.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    UserModel = get_user_model()
    if mobile:
        mobile = clean_phone_change("", mobile, label="手机号", mobile_only=True, field="mobile")
    user = UserModel(
        username=username,
        full_name=full_name,
        mobile=mobile or None,
        organization=organization,
        must_change_password=must_change_password,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    user_set_roles(by=by, user=user, roles=roles, request=request)
    log_action(user, "anbiao.user.created", user=by, data={"roles": sorted(roles)})
    return user


def user_set_roles(
    *, by: User | None, user: User, roles: list[str], request: HttpRequest | None = None
) -> RoleGrant | None:
    """Set a user's roles under the separation rules (``anbiao.accounts.services.roles_set``)."""
    from anbiao.accounts.services import roles_set

    return roles_set(by=by, user=user, roles=roles, request=request)


@transaction.atomic
def user_update(
    *,
    by: User | None,
    user: User,
    roles: list[str] | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> User:
    """Update a user's name, mobile, state and roles; a 三员 account only by a 系统管理员; a
    changed 手机号 must be a mainland mobile (11 digits)."""
    from anbiao.accounts.roles import account_edit_problems

    problems = account_edit_problems(by=by, user=user)
    if problems:
        raise ValidationError(problems)
    if fields.get("mobile"):
        fields["mobile"] = clean_phone_change(
            user.mobile, fields["mobile"], label="手机号", mobile_only=True, field="mobile"
        )
    changed = _changes(user, fields)
    for key, value in fields.items():
        setattr(user, key, value)
    user.full_clean()
    user.save()
    if roles is not None:
        user_set_roles(by=by, user=user, roles=roles, request=request)
    if changed:
        log_action(user, "anbiao.user.updated", user=by, data={"changed": changed})
    if fields.get("is_active") is False:
        user_end_sessions(user=user)
    return user


def user_end_sessions(*, user: User) -> int:
    """End every session of a user at once (used when the user is disabled)."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended
