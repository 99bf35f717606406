"""Password rules (Chinese messages), change at first login, every 90 days for government/admins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.models import Role, User
from anbiao.accounts.tests.conftest import PASSWORD
from anbiao.accounts.tests.helpers import pass_second_factor, post_login
from anbiao.core.models import AuditEntry
from anbiao.orgs import services as org_services

pytestmark = pytest.mark.django_db


def _errors(password: str, username: str = "zhangwei") -> list[str]:
    try:
        validate_password(password, User(username=username))
    except ValidationError as exc:
        return exc.messages
    return []


def test_a_short_password_is_refused_in_chinese() -> None:
    assert any("至少" in m and "8" in m for m in _errors("Ab1!xyz"))


def test_two_character_classes_are_not_enough() -> None:
    assert "密码须至少包含大写字母、小写字母、数字、特殊字符中的三类。" in _errors("abcdefgh123")
    assert _errors("Qz7#mVp2wK") == []
    assert _errors("qz7#mvp2wk") == []  # lower + digit + special: three classes


def test_a_common_password_is_refused() -> None:
    assert any("常见" in m for m in _errors("Password1"))


def test_a_password_containing_the_username_is_refused() -> None:
    assert "密码不能包含用户名。" in _errors("x-ZhangWei-2026!", username="zhangwei")


def test_the_change_form_names_the_problem_and_keeps_the_old_password(client, people) -> None:
    user = people["ent_filler"]
    post_login(client, "entfill", PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "新密码：" in body and "三类" in body
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_user_created_by_an_admin_must_change_the_password_at_first_login(client, people) -> None:
    created = org_services.user_create(
        by=people["sysadmin"],
        organization=people["dept"],
        username="newbie",
        password="Start#2026ab",
        roles=[Role.FILLER],
        full_name="新用户",
    )
    assert created.must_change_password is True
    response = post_login(client, "newbie", "Start#2026ab")
    assert response.status_code == 302
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:password_change"
    )
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Start#2026ab",
            "new_password1": "Fresh#2026cd",
            "new_password2": "Fresh#2026cd",
        },
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.must_change_password is False
    assert created.check_password("Fresh#2026cd")
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEntry.objects.filter(
        action="anbiao.auth.password_changed", username="newbie"
    ).exists()


def test_the_orgs_user_form_also_creates_users_who_must_change(client, people) -> None:
    post_login(client, "sysop", PASSWORD)
    pass_second_factor(client)
    response = client.post(
        reverse("orgs:user_create") + f"?org={people['dept'].pk}",
        {
            "username": "formuser",
            "full_name": "表单用户",
            "password": "Start#2026ab",
            "roles": [Role.FILLER],
            "org": str(people["dept"].pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="formuser").must_change_password is True


@pytest.mark.parametrize(
    ("key", "days", "forced"),
    [
        ("dept_filler", 91, True),
        ("dept_filler", 89, False),
        ("sysadmin", 90, True),
        ("secadmin", 100, True),
        ("auditor", 10, False),
        ("ent_filler", 400, False),  # enterprises are not forced by age
    ],
)
def test_government_and_admin_passwords_expire_after_90_days(
    client, people, key, days, forced
) -> None:
    user = people[key]
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=days)
    )
    assert post_login(client, user.username, PASSWORD).status_code == 302
    pass_second_factor(client)  # admins give a TOTP code first; not what this test is about
    response = client.get(reverse("core:home"))
    if forced:
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_change")
        assert client.get(reverse("accounts:password_change")).status_code == 200
    else:
        assert response.status_code == 200
