"""Lockout through the real login form: 5 failures → 30 minutes, 429, unlocked by 安全管理员."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from anbiao.accounts.tests.conftest import PASSWORD
from anbiao.accounts.tests.helpers import login_fully, normalized, post_login
from anbiao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _fail(client, username: str, times: int = 5, **extra) -> list:
    return [post_login(client, username, "Wrong@pass1", **extra) for _ in range(times)]


def test_five_wrong_passwords_lock_the_account_with_a_429_in_chinese(client, people) -> None:
    responses = _fail(client, "deptfill", 4)
    assert [r.status_code for r in responses] == [200] * 4
    locking = post_login(client, "deptfill", "Wrong@pass1")
    assert locking.status_code == 429
    # Even the right password is refused while locked.
    response = post_login(client, "deptfill", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录已锁定" in body and "30 分钟" in body
    assert "_auth_user_id" not in client.session


def test_the_lock_follows_the_username_from_any_ip(client, people) -> None:
    for i in range(5):
        post_login(client, "deptfill", "Wrong@pass1", REMOTE_ADDR=f"10.0.0.{i + 1}")
    response = post_login(client, "deptfill", PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429


def test_other_accounts_are_not_locked_by_someone_elses_failures(client, people) -> None:
    _fail(client, "deptfill")
    assert post_login(client, "entfill", PASSWORD).status_code == 302


def test_the_lock_ends_after_thirty_minutes(client, people) -> None:
    _fail(client, "deptfill")
    assert post_login(client, "deptfill", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=29))
    assert post_login(client, "deptfill", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31))
    assert post_login(client, "deptfill", PASSWORD).status_code == 302


def test_an_unknown_username_gets_exactly_the_answer_of_a_wrong_password(client, people) -> None:
    known = post_login(client, "deptfill", "Wrong@pass1")
    unknown = post_login(client, "nosuchuser", "Wrong@pass1")
    assert known.status_code == unknown.status_code == 200
    assert normalized(known.content, "deptfill") == normalized(unknown.content, "nosuchuser")
    assert "用户名/手机号或密码不正确" in known.content.decode()
    # Locked: the same again.
    _fail(client, "deptfill", 4)
    _fail(client, "nosuchuser", 4)
    known = post_login(client, "deptfill", "Wrong@pass1")
    unknown = post_login(client, "nosuchuser", "Wrong@pass1")
    assert known.status_code == unknown.status_code == 429
    assert normalized(known.content, "deptfill") == normalized(unknown.content, "nosuchuser")


def test_failures_and_the_lockout_are_in_the_audit_trail_with_the_ip(client, people) -> None:
    _fail(client, "deptfill", REMOTE_ADDR="192.0.2.7")
    failed = AuditEntry.objects.filter(action="anbiao.auth.login_failed")
    assert failed.count() == 5
    assert set(failed.values_list("ip", flat=True)) == {"192.0.2.7"}
    assert {e.data["username"] for e in failed} == {"deptfill"}
    locked = AuditEntry.objects.get(action="anbiao.auth.locked_out")
    assert locked.ip == "192.0.2.7" and locked.data["username"] == "deptfill"


def test_the_security_admin_sees_the_lockout_and_unlocks_it(client, people) -> None:
    from django.test import Client

    _fail(client, "deptfill", REMOTE_ADDR="192.0.2.8")
    admin = Client()
    login_fully(admin, people["secadmin"])
    page = admin.get(reverse("accounts:security"))
    lockouts = page.context["lockouts"]
    assert [(lk.username, lk.ip_addresses, lk.failures) for lk in lockouts] == [
        ("deptfill", ("192.0.2.8",), 5)
    ]
    assert "deptfill" in page.content.decode()
    response = admin.post(reverse("accounts:lockout_unlock"), {"username": "deptfill"})
    assert response.status_code == 302
    assert admin.get(reverse("accounts:security")).context["lockouts"] == []
    entry = AuditEntry.objects.get(action="anbiao.auth.unlocked")
    assert entry.username == "secop" and entry.data["username"] == "deptfill"
    assert entry.data["attempts_removed"] >= 1
    assert post_login(client, "deptfill", PASSWORD, REMOTE_ADDR="192.0.2.8").status_code == 302


def test_nobody_but_the_security_admin_can_unlock(client, people) -> None:
    _fail(client, "deptfill")
    # (Not the locked user itself: any successful login of it resets its failures.)
    for key in ("sysadmin", "auditor", "ent_filler"):
        from django.test import Client

        other = Client()
        login_fully(other, people[key])
        assert (
            other.post(reverse("accounts:lockout_unlock"), {"username": "deptfill"}).status_code
            == 404
        )
        assert other.get(reverse("accounts:security")).status_code == 404
    assert post_login(client, "deptfill", PASSWORD).status_code == 429
