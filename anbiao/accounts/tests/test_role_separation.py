"""三员分立 cannot be bypassed: the attacks of issue 17.1, each refused where it was made."""

from __future__ import annotations

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anbiao.accounts import services
from anbiao.accounts.models import ADMIN_ROLES, Membership, Role, RoleGrant, User
from anbiao.accounts.tests.helpers import login_fully
from anbiao.core.models import AuditEntry
from anbiao.orgs import services as org_services
from anbiao.orgs.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    login_fully(c, user)
    return c


def _offered(page) -> set[str]:
    field = page.context["form"].fields["roles"]
    return {value for value, _ in field.choices}


def _stored(user) -> set[str]:
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def _ask(by, user, role: str) -> RoleGrant:
    grant = services.roles_set(by=by, user=user, roles=[role])
    assert grant is not None, "the role should wait for a second admin"
    return grant


def _edit(client: Client, user, roles: list[str]):
    return client.post(
        reverse("orgs:user_edit", args=[user.pk]),
        {
            "full_name": user.full_name,
            "mobile": user.mobile or "",
            "is_active": "on",
            "roles": roles,
        },
    )


# --- the attacks as reported ---------------------------------------------------------------


def test_a_unit_admin_is_not_offered_admin_roles_for_itself_or_anyone(people) -> None:
    c = _client(people["city_admin"])
    own = c.get(reverse("orgs:user_edit", args=[people["city_admin"].pk]))
    assert own.status_code == 200
    assert not _offered(own) & ADMIN_ROLES
    assert own.context["form"].fields["roles"].disabled  # one's own roles: shown, not changed
    other = make_user(people["city"], Role.FILLER, username="cityfill")
    page = c.get(reverse("orgs:user_edit", args=[other.pk]))
    assert _offered(page) == {Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.VIEWER}
    new = c.get(reverse("orgs:user_create"))
    assert not _offered(new) & ADMIN_ROLES


def test_a_unit_admin_cannot_make_itself_auditor_and_read_the_audit_log(people) -> None:
    city_admin = people["city_admin"]
    c = _client(city_admin)
    response = _edit(c, city_admin, [Role.ORG_ADMIN, Role.AUDITOR])
    assert _stored(city_admin) == {Role.ORG_ADMIN}
    assert not RoleGrant.objects.exists()
    assert response.status_code in (200, 302)
    fresh = _client(User.objects.get(pk=city_admin.pk))
    assert fresh.get(reverse("core:audit_list")).status_code == 404
    assert fresh.get(reverse("core:audit_export")).status_code == 404


def test_the_service_refuses_a_unit_admin_granting_itself_a_role(people) -> None:
    city_admin = people["city_admin"]
    with pytest.raises(ValidationError) as exc:
        org_services.user_update(
            by=city_admin, user=city_admin, roles=[Role.ORG_ADMIN, Role.AUDITOR]
        )
    assert "不能修改自己的角色" in str(exc.value)
    with pytest.raises(ValidationError):
        org_services.user_update(by=city_admin, user=city_admin, roles=[Role.FILLER])
    assert _stored(city_admin) == {Role.ORG_ADMIN}


def test_a_unit_admin_cannot_create_an_auditor(people) -> None:
    c = _client(people["city_admin"])
    response = c.post(
        reverse("orgs:user_create"),
        {
            "username": "mole",
            "full_name": "内应",
            "password": "Start#2026ab",
            "roles": [Role.AUDITOR],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "角色：不能授予角色“auditor”" in body and 'value="内应"' in body
    assert not User.objects.filter(username="mole").exists()
    with pytest.raises(ValidationError) as exc:
        org_services.user_create(
            by=people["city_admin"],
            organization=people["city"],
            username="mole",
            password="Start#2026ab",
            roles=[Role.AUDITOR],
        )
    assert "只有系统管理员" in str(exc.value)
    assert not User.objects.filter(username="mole").exists()


def test_a_system_admin_cannot_take_the_other_two_admin_roles(people) -> None:
    sysadmin = people["sysadmin"]
    c = _client(sysadmin)
    response = _edit(c, sysadmin, [Role.SYSADMIN, Role.AUDITOR, Role.SECADMIN])
    assert response.status_code in (200, 302)
    assert _stored(sysadmin) == {Role.SYSADMIN}
    assert not RoleGrant.objects.exists()
    fresh = _client(User.objects.get(pk=sysadmin.pk))
    assert fresh.get(reverse("core:audit_list")).status_code == 404
    assert fresh.get(reverse("accounts:security")).status_code == 404
    reset = fresh.post(reverse("accounts:totp_reset", args=[people["auditor"].pk]))
    assert reset.status_code == 404
    with pytest.raises(ValidationError):
        services.roles_set(by=sysadmin, user=sysadmin, roles=[Role.SYSADMIN, Role.AUDITOR])


def test_a_unit_admin_cannot_see_or_change_the_admin_accounts(people) -> None:
    c = _client(people["city_admin"])
    listing = c.get(reverse("orgs:user_list")).content.decode()
    assert "sysop" not in listing and "auditop" not in listing
    for key in ("sysadmin", "secadmin", "auditor"):
        url = reverse("orgs:user_edit", args=[people[key].pk])
        assert c.get(url).status_code == 404
    with pytest.raises(ValidationError, match="只能由系统管理员维护"):
        org_services.user_update(by=people["city_admin"], user=people["auditor"], is_active=False)
    assert User.objects.get(pk=people["auditor"].pk).is_active


# --- the second admin's confirmation -------------------------------------------------------


def test_granting_the_auditor_role_waits_for_a_second_admin(people) -> None:
    target = make_user(people["city"], Role.VIEWER, username="newaud")
    sys_c = _client(people["sysadmin"])
    response = _edit(sys_c, target, [Role.AUDITOR])
    assert response.status_code == 302
    assert _stored(target) == {Role.VIEWER}  # nothing yet
    grant = RoleGrant.objects.get(user=target)
    assert grant.status == RoleGrant.Status.PENDING and grant.requested_by == people["sysadmin"]
    assert _client(target).get(reverse("core:audit_list")).status_code == 404
    page = sys_c.get(reverse("orgs:user_edit", args=[target.pk])).content.decode()
    assert "待确认" in page and "审计管理员" in page
    # Not the requester, not another system admin, not a business user.
    for confirmer in (
        people["sysadmin"],
        make_user(people["city"], Role.SYSADMIN, username="sysop2"),
        people["city_admin"],
    ):
        with pytest.raises(ValidationError):
            services.role_grant_confirm(by=confirmer, grant=grant)
    assert (
        _client(people["city_admin"])
        .post(reverse("accounts:role_grant_confirm", args=[grant.pk]))
        .status_code
        == 404
    )
    # The security admin confirms: the account is then auditor and nothing else.
    sec_c = _client(people["secadmin"])
    listing = sec_c.get(reverse("accounts:role_grant_list"))
    assert listing.status_code == 200 and "newaud" in listing.content.decode()
    assert sec_c.post(reverse("accounts:role_grant_confirm", args=[grant.pk])).status_code == 302
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.CONFIRMED and grant.decided_by == people["secadmin"]
    assert _stored(target) == {Role.AUDITOR}
    assert (
        _client(User.objects.get(pk=target.pk)).get(reverse("core:audit_list")).status_code == 200
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(target.pk), action__startswith="anbiao.user.role")
        .order_by("id")
        .values_list("action", "username")
    )
    assert actions == [
        ("anbiao.user.role_grant_requested", "sysop"),
        ("anbiao.user.roles_changed", "secop"),
        ("anbiao.user.role_grant_confirmed", "secop"),
    ]


def test_nobody_confirms_a_grant_of_their_own_account(people) -> None:
    # The security admin is to become auditor instead: it may not confirm that itself.
    grant = _ask(people["sysadmin"], people["secadmin"], Role.AUDITOR)
    with pytest.raises(ValidationError, match="授予自己"):
        services.role_grant_confirm(by=people["secadmin"], grant=grant)
    services.role_grant_confirm(by=people["auditor"], grant=grant)
    assert _stored(people["secadmin"]) == {Role.AUDITOR}


def test_a_refused_or_withdrawn_grant_changes_nothing_and_cannot_be_confirmed_later(
    people,
) -> None:
    target = make_user(people["city"], Role.VIEWER, username="cand")
    grant = _ask(people["sysadmin"], target, Role.SECADMIN)
    services.role_grant_refuse(by=people["auditor"], grant=grant)
    with pytest.raises(ValidationError, match="已处理"):
        services.role_grant_confirm(by=people["secadmin"], grant=grant)
    assert _stored(target) == {Role.VIEWER}
    again = _ask(people["sysadmin"], target, Role.SECADMIN)
    c = _client(people["sysadmin"])
    assert c.post(reverse("accounts:role_grant_cancel", args=[again.pk])).status_code == 302
    again.refresh_from_db()
    assert again.status == RoleGrant.Status.CANCELLED
    with pytest.raises(ValidationError):
        services.role_grant_confirm(by=people["auditor"], grant=again)
    assert _stored(target) == {Role.VIEWER}
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "anbiao.user.role_grant_refused",
        "anbiao.user.role_grant_cancelled",
    }


def test_a_grant_from_someone_no_longer_system_admin_cannot_be_confirmed(people) -> None:
    target = make_user(people["city"], Role.VIEWER, username="cand")
    other_sys = make_user(people["city"], Role.SYSADMIN, username="sysop2")
    grant = _ask(other_sys, target, Role.AUDITOR)
    services.roles_set(by=people["sysadmin"], user=other_sys, roles=[Role.VIEWER])
    with pytest.raises(ValidationError, match="不再是系统管理员"):
        services.role_grant_confirm(by=people["secadmin"], grant=grant)
    assert _stored(target) == {Role.VIEWER}


def test_the_system_admin_role_itself_is_granted_at_once_by_a_system_admin(people) -> None:
    target = make_user(people["city"], Role.VIEWER, username="sys2")
    assert services.roles_set(by=people["sysadmin"], user=target, roles=[Role.SYSADMIN]) is None
    target.refresh_from_db()
    assert _stored(target) == {Role.SYSADMIN} and target.is_staff


def test_admin_roles_go_only_to_city_office_accounts(people) -> None:
    dept_user = people["dept_filler"]
    with pytest.raises(ValidationError, match="只能授予市安委办"):
        services.roles_set(by=people["sysadmin"], user=dept_user, roles=[Role.SYSADMIN])


# --- every combination, through the form, the Django admin and the API ---------------------

ALL_ROLES = sorted(Role.values)
COMBINATIONS = [
    [role for bit, role in enumerate(ALL_ROLES) if mask >> bit & 1]
    for mask in range(1, 2 ** len(ALL_ROLES))
]
BUSINESS = {Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER}


def _expected(*, by_sysadmin: bool, self_edit: bool, roles: set[str]) -> str:
    """The rules written out plainly: what should happen to a city-office account."""
    admin = roles & ADMIN_ROLES
    if self_edit:
        return "unchanged"
    if Role.GRID in roles:  # not a role of the city office
        return "unchanged"
    if admin and not by_sysadmin:
        return "unchanged"
    if admin and roles & BUSINESS or len(admin) > 1:
        return "unchanged"
    if admin & {Role.SECADMIN, Role.AUDITOR}:
        return "pending"
    return "applied"


def _reset(user, roles: set[str]) -> None:
    RoleGrant.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    for role in roles:
        Membership.objects.create(user=user, role=role)
    User.objects.filter(pk=user.pk).update(is_staff=Role.SYSADMIN in roles)


def _outcome(target, baseline: set[str], roles: set[str]) -> str:
    grant = RoleGrant.objects.filter(user=target, status=RoleGrant.Status.PENDING).first()
    stored = _stored(target)
    if grant is not None:
        return "pending" if stored == baseline and {grant.role} == roles else f"grant {grant.role}"
    if stored == baseline:
        return "unchanged"
    return "applied" if stored == roles else f"wrote {sorted(stored)}"


def _through_the_form(by, target, combo: list[str]) -> None:
    """What 用户管理's edit view does with a post: the form, then the service."""
    from anbiao.orgs.forms import UserEditForm

    form = UserEditForm(
        {"full_name": target.full_name, "is_active": "on", "roles": combo},
        initial={"roles": sorted(target.stored_roles())},
        kind=target.organization.kind,
        by=by,
        user=target,
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["mobile"] = data["mobile"] or None
        with contextlib.suppress(ValidationError):  # refused: the outcome shows it
            org_services.user_update(by=by, user=target, **data)


@pytest.mark.parametrize("actor", ["city_admin", "sysadmin"])
@pytest.mark.parametrize("self_edit", [False, True], ids=["other", "self"])
def test_every_role_combination_through_the_form_follows_the_rules(
    people, actor, self_edit
) -> None:
    by = people[actor]
    target = by if self_edit else make_user(people["city"], Role.VIEWER, username="target")
    baseline = _stored(target)
    wrong = {}
    for combo in COMBINATIONS:
        roles = set(combo)
        target = User.objects.get(pk=target.pk)
        _through_the_form(User.objects.get(pk=by.pk), target, combo)
        expected = _expected(by_sysadmin=actor == "sysadmin", self_edit=self_edit, roles=roles)
        if roles == baseline:
            expected = "unchanged"
        outcome = _outcome(target, baseline, roles)
        if outcome != expected:
            wrong[",".join(combo)] = (outcome, expected)
        _reset(target, baseline)
    assert wrong == {}


# The combinations that matter for the attacks, posted over HTTP to the page and to the admin:
# every mix of one business role with the three admin roles.
ATTACK_ROLES: tuple[str, ...] = (Role.ORG_ADMIN, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)
ATTACKS: list[list[str]] = [
    [role for bit, role in enumerate(ATTACK_ROLES) if mask >> bit & 1]
    for mask in range(1, 2 ** len(ATTACK_ROLES))
]


@pytest.mark.parametrize("actor", ["city_admin", "sysadmin"])
def test_the_admin_role_mixes_posted_to_the_user_page_follow_the_rules(people, actor) -> None:
    by = people[actor]
    other = make_user(people["city"], Role.VIEWER, username="target")
    c = _client(by)
    wrong = {}
    for target in (by, other):
        baseline = _stored(target)
        for combo in ATTACKS:
            roles = set(combo)
            response = _edit(c, target, combo)
            assert response.status_code in (200, 302)
            expected = _expected(
                by_sysadmin=actor == "sysadmin", self_edit=target == by, roles=roles
            )
            if roles == baseline:
                expected = "unchanged"
            outcome = _outcome(target, baseline, roles)
            if outcome != expected:
                wrong[(target.username, ",".join(combo))] = (outcome, expected)
            _reset(target, baseline)
    assert wrong == {}


def test_the_django_admin_changes_no_role_whatever_is_posted(people) -> None:
    from django.contrib import admin

    from anbiao.accounts.admin import MembershipInline

    sysadmin = people["sysadmin"]
    target = make_user(people["city"], Role.VIEWER, username="target")
    c = _client(sysadmin)
    url = f"/django-admin/accounts/user/{target.pk}/change/"
    membership = target.memberships.get()
    refused = []
    for n, combo in enumerate(ATTACKS):
        data = {
            "username": target.username,
            "is_active": "on",
            "full_name": f"改名{n}",
            "mobile": "",
            "organization": str(target.organization_id),
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "memberships-TOTAL_FORMS": str(len(combo)),
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
        for i, role in enumerate(combo):
            data[f"memberships-{i}-user"] = str(target.pk)
            data[f"memberships-{i}-role"] = role
        data["memberships-0-id"] = str(membership.pk)
        assert c.post(url, data).status_code == 302
        assert User.objects.get(pk=target.pk).full_name == f"改名{n}"  # the post was taken
        if _stored(target) != {Role.VIEWER}:
            refused.append(combo)
            _reset(target, {Role.VIEWER})
            membership = target.memberships.get()
    assert refused == []
    assert not RoleGrant.objects.exists()
    # For every combination, and for a superuser too: the roles inline takes no change at all.
    request = type("R", (), {"user": User(is_superuser=True, is_active=True)})()
    inline = MembershipInline(User, admin.site)
    assert not inline.has_add_permission(request, target)  # type: ignore[arg-type]
    assert not inline.has_change_permission(request, target)  # type: ignore[arg-type]
    assert not inline.has_delete_permission(request, target)  # type: ignore[arg-type]


def test_no_api_operation_sets_roles_and_an_account_with_an_admin_role_gets_no_api(
    people,
) -> None:
    import re

    from anbiao.api.main import api
    from anbiao.api.services import apitoken_create

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    for path, operations in schema["paths"].items():
        assert "user" not in path and "role" not in path, path
        for method, operation in operations.items():
            body = str(operation.get("requestBody", ""))
            for name in re.findall(r"#/components/schemas/(\w+)", body):
                fields = set(components[name].get("properties", {}))
                assert not {f for f in fields if "role" in f}, (method, path, name)
    account = make_user(people["city"], Role.VIEWER, username="apiuser")
    _, plain = apitoken_create(by=account, name="对接")
    auth = {"Authorization": f"Bearer {plain}"}
    wrong: list[tuple[object, ...]] = []
    for combo in COMBINATIONS:
        _reset(account, set(combo))  # as earlier data may have left it
        c = Client()
        me = c.get("/api/v1/me", headers=auth)
        expected = 401 if set(combo) & ADMIN_ROLES else 200
        attempt = c.patch(
            "/api/v1/me", data={"roles": ALL_ROLES}, content_type="application/json", headers=auth
        )
        if me.status_code != expected or attempt.status_code not in (401, 405):
            wrong.append((combo, me.status_code, attempt.status_code))
        if _stored(account) != set(combo):
            wrong.append((combo, "roles changed"))
    assert wrong == []


# --- accounts left over from before the rules ----------------------------------------------


def _legacy(people, username: str, *roles: str) -> User:
    return make_user(people["city"], *roles, username=username)


def test_an_account_mixing_roles_from_earlier_data_loses_its_admin_role_until_corrected(
    people,
) -> None:
    mixed = _legacy(people, "mixed", Role.ORG_ADMIN, Role.AUDITOR)
    double = _legacy(people, "double", Role.SYSADMIN, Role.SECADMIN)
    c = _client(mixed)
    assert c.get(reverse("core:audit_list")).status_code == 404
    assert c.get(reverse("orgs:user_list")).status_code == 200  # its business role remains
    d = _client(double)
    assert d.get(reverse("accounts:security")).status_code == 404
    assert d.get(reverse("orgs:user_list")).status_code == 404
    assert not double.has_perm("accounts.change_user")


def test_the_role_check_lists_accounts_breaking_the_rules_and_fails(people) -> None:
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("role_check", stdout=out)
    assert "OK" in out.getvalue()
    _legacy(people, "mixed", Role.ORG_ADMIN, Role.AUDITOR)
    _legacy(people, "double", Role.SYSADMIN, Role.SECADMIN)
    out = io.StringIO()
    with pytest.raises(CommandError, match="共 2 个账号"):
        call_command("role_check", stdout=out)
    text = out.getvalue()
    assert "mixed" in text and "double" in text and "一个账号只能担任" in text
    page = _client(people["secadmin"]).get(reverse("accounts:security"))
    assert [v.user.username for v in page.context["violations"]] == ["double", "mixed"]
    # A system admin corrects one in 用户管理; it leaves the list.
    mixed = User.objects.get(username="mixed")
    assert _edit(_client(people["sysadmin"]), mixed, [Role.ORG_ADMIN]).status_code == 302
    out = io.StringIO()
    with pytest.raises(CommandError, match="共 1 个账号"):
        call_command("role_check", stdout=out)


def test_the_server_command_sets_the_first_admins_under_the_rules(people) -> None:
    import io

    from django.core.management import CommandError, call_command

    first = make_user(people["city"], username="first")
    out = io.StringIO()
    call_command("role_set", "first", "auditor", stdout=out)
    assert "审计管理员" in out.getvalue() and _stored(first) == {Role.AUDITOR}
    entry = AuditEntry.objects.get(action="anbiao.user.roles_changed", object_id=str(first.pk))
    assert entry.data["via"] == "manage.py role_set" and entry.data["after"] == ["auditor"]
    with pytest.raises(CommandError, match="不能与业务角色"):
        call_command("role_set", "first", "auditor", "filler")
    with pytest.raises(CommandError, match="只能授予市安委办"):
        call_command("role_set", "deptfill", "secadmin")
    assert _stored(first) == {Role.AUDITOR}
