"""三员分立: system, security and audit administrators; none does business; only the auditor reads."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import ADMIN_ROLES, Membership, Role, User
from anbiao.accounts.tests.helpers import login_fully
from anbiao.core.access import AccessRule
from anbiao.core.models import AuditEntry
from anbiao.core.tests.test_url_matrix import walk
from anbiao.orgs.demo import DEMO_USERS

pytestmark = pytest.mark.django_db

ADMIN_KEYS = ("sysadmin", "secadmin", "auditor")


def _client(user) -> Client:
    c = Client()
    login_fully(c, user)
    return c


# Pages every signed-in user has (home, own password, own second factor).
SELF_SERVICE = {
    "core:home",
    "accounts:password_change",
    "accounts:totp_setup",
    "accounts:totp_verify",
}
# User and unit management: the 系统管理员's job, shared with the city's 单位管理员.
USER_AND_UNIT_MANAGEMENT = {
    "orgs:unit_list",
    "orgs:unit_create",
    "orgs:unit_edit",
    "orgs:user_list",
    "orgs:user_create",
    "orgs:user_edit",
}


def test_no_business_page_admits_an_admin_role() -> None:
    """A rule that admits a business role admits no admin role, except the listed pages."""
    from django.urls import get_resolver

    found = {}
    for name, callback in walk(get_resolver()):
        rule: AccessRule | None = getattr(callback, "access_rule", None)
        if rule is None or rule.public:
            continue
        admins = rule.roles & ADMIN_ROLES
        if admins and rule.roles - ADMIN_ROLES and name not in SELF_SERVICE:
            found[name] = admins
    assert set(found) <= USER_AND_UNIT_MANAGEMENT, sorted(set(found) - USER_AND_UNIT_MANAGEMENT)
    assert all(roles == {Role.SYSADMIN} for roles in found.values()), found


@pytest.mark.parametrize("key", ADMIN_KEYS)
def test_admins_cannot_reach_business_pages(people, key) -> None:
    c = _client(people[key])
    assert c.get(reverse("orgs:enterprise_list")).status_code == 404
    assert c.get(reverse("orgs:enterprise_detail", args=[people["ent"].pk])).status_code == 404
    assert c.get(reverse("core:home")).status_code == 200


def test_the_system_admin_manages_users_and_the_others_do_not(people) -> None:
    assert _client(people["sysadmin"]).get(reverse("orgs:user_list")).status_code == 200
    for key in ("secadmin", "auditor"):
        assert _client(people[key]).get(reverse("orgs:user_list")).status_code == 404


def test_only_the_security_admin_has_the_security_page(people) -> None:
    assert _client(people["secadmin"]).get(reverse("accounts:security")).status_code == 200
    for key in ("sysadmin", "auditor", "dept_filler"):
        assert _client(people[key]).get(reverse("accounts:security")).status_code == 404


def test_only_the_auditor_reads_the_audit_log(people) -> None:
    assert _client(people["auditor"]).get(reverse("core:audit_list")).status_code == 200
    for key in ("sysadmin", "secadmin", "dept_filler", "ent_filler"):
        assert _client(people[key]).get(reverse("core:audit_list")).status_code == 404


def test_the_audit_trail_is_not_in_the_django_admin() -> None:
    assert not admin.site.is_registered(AuditEntry)


def test_the_system_admin_has_exactly_user_and_organization_rights_in_the_django_admin(
    people,
) -> None:
    sysadmin = people["sysadmin"]
    for perm in (
        "accounts.change_user",
        "accounts.view_membership",
        "orgs.change_organization",
        "orgs.view_enterprise",
    ):
        assert sysadmin.has_perm(perm), perm
    for perm in (
        # Roles are given in 用户管理 under the separation rules, never in the admin.
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.delete_membership",
        "core.view_auditentry",
        "core.change_auditentry",
        "core.delete_auditentry",
        "axes.delete_accessattempt",
        "accounts.delete_user",
        "auth.change_group",
    ):
        assert not sysadmin.has_perm(perm), perm
    for key in ("secadmin", "auditor"):
        assert not people[key].has_perm("accounts.view_user")
    c = _client(sysadmin)
    assert c.get("/django-admin/accounts/user/").status_code == 200
    assert c.get("/django-admin/orgs/organization/").status_code == 200
    assert c.get("/django-admin/orgs/enterprise/").status_code == 200
    assert c.get("/django-admin/core/auditentry/").status_code == 404
    assert c.get("/django-admin/axes/accessattempt/").status_code == 403


def test_losing_the_role_loses_the_django_admin_rights(people) -> None:
    sysadmin = people["sysadmin"]
    Membership.objects.filter(user=sysadmin).update(role=Role.VIEWER)
    fresh = User.objects.get(pk=sysadmin.pk)
    assert not fresh.has_perm("accounts.change_user")


def test_the_system_admin_cannot_make_itself_superuser_in_the_django_admin(people) -> None:
    sysadmin = people["sysadmin"]
    c = _client(sysadmin)
    url = f"/django-admin/accounts/user/{sysadmin.pk}/change/"
    page = c.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    data = {
        "username": sysadmin.username,
        "password": sysadmin.password,
        "is_active": "on",
        "is_superuser": "on",
        "is_staff": "on",
        "full_name": "系统管理员改名",
        "mobile": "",
        "organization": str(sysadmin.organization_id),
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(sysadmin.memberships.get().pk),
        "memberships-0-user": str(sysadmin.pk),
        "memberships-0-role": Role.SYSADMIN,
    }
    response = c.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    sysadmin.refresh_from_db()
    assert sysadmin.full_name == "系统管理员改名"
    assert sysadmin.is_superuser is False
    entry = AuditEntry.objects.get(action="anbiao.admin.updated")
    assert entry.username == sysadmin.username and entry.object_id == str(sysadmin.pk)
    assert entry.ip == "127.0.0.1"


def test_no_demo_account_is_called_admin_or_root() -> None:
    names = {row[0].lower() for row in DEMO_USERS}
    assert names and not names & {"admin", "root", "administrator", "superuser", "sa"}
    roles = {role for row in DEMO_USERS for role in row[3]}
    assert roles >= ADMIN_ROLES  # each of the three has its own demo account
    for row in DEMO_USERS:
        if set(row[3]) & ADMIN_ROLES:
            assert len(row[3]) == 1, f"{row[0]} mixes an admin role with others"
