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


# --- issue 17.2: the lock belongs to the account, and its owner can lift it ------------------


def _code(user, steps_ahead: int = 0) -> str:
    import time

    import pyotp

    from anbiao.accounts.models import TOTPDevice
    from anbiao.accounts.services import totp_device_start

    device = TOTPDevice.objects.filter(user=user).first() or totp_device_start(user=user)
    if device.confirmed_at is None:
        device.confirmed_at = device.created_at
        device.save()
    return pyotp.TOTP(device.secret).at(time.time() + 30 * steps_ahead)


def test_a_lock_on_the_username_also_holds_for_the_mobile_number(client, people) -> None:
    _fail(client, "cityadm")
    assert post_login(client, "13800000001", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_under_both_names_add_up_to_one_account(client, people) -> None:
    _fail(client, "cityadm", 3)
    _fail(client, "13800000001", 1)
    assert post_login(client, "13800000001", "Wrong@pass1").status_code == 429
    assert post_login(client, "cityadm", PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"cityadm"}


def test_a_success_through_the_other_name_does_not_clear_the_lock(client, people) -> None:
    _fail(client, "cityadm")
    # The owner (or whoever has the password) tries the mobile number: refused, and the
    # lock on the username is still there afterwards.
    post_login(client, "13800000001", PASSWORD)
    assert post_login(client, "cityadm", PASSWORD).status_code == 429
    assert AccessAttempt.objects.filter(username="cityadm").exists()


def test_locking_out_the_security_admin_does_not_keep_it_out(client, people) -> None:
    from django.test import Client

    attacker = "203.0.113.66"
    # Five wrong passwords per name, as an attacker would send every half hour.
    _fail(client, "secop", REMOTE_ADDR=attacker)
    _fail(client, "13800000006", REMOTE_ADDR=attacker)
    owner = Client()
    office = "198.51.100.20"
    # The password alone: still locked (it could be a guesser on another address).
    assert post_login(owner, "secop", PASSWORD, REMOTE_ADDR=office).status_code == 429
    # Password and the code of its authenticator app, from its own address: in, at once.
    code = _code(people["secadmin"])
    response = owner.post(
        reverse("accounts:login"),
        {"username": "secop", "password": PASSWORD, "code": code},
        REMOTE_ADDR=office,
    )
    assert response.status_code == 302
    assert owner.get(reverse("accounts:security")).status_code == 200  # no second code asked
    assert not AccessAttempt.objects.filter(username="secop").exists()
    entry = AuditEntry.objects.get(action="anbiao.auth.lock_lifted")
    assert entry.username == "secop" and entry.ip == office
    # It can now unlock others as before.
    _fail(client, "deptfill", REMOTE_ADDR=attacker)
    owner.post(reverse("accounts:lockout_unlock"), {"username": "deptfill"})
    assert post_login(Client(), "deptfill", PASSWORD).status_code == 302


def test_the_lift_is_refused_from_the_locked_address_and_with_a_wrong_code(client, people) -> None:
    from django.test import Client

    attacker = "203.0.113.66"
    _fail(client, "secop", REMOTE_ADDR=attacker)
    _fail(client, "nosuchuser", REMOTE_ADDR=attacker)
    code = _code(people["secadmin"])
    here = client.post(
        reverse("accounts:login"),
        {"username": "secop", "password": PASSWORD, "code": code},
        REMOTE_ADDR=attacker,
    )
    assert here.status_code == 429 and "_auth_user_id" not in client.session
    other = Client()
    office = "198.51.100.20"
    wrong_code = other.post(
        reverse("accounts:login"),
        {"username": "secop", "password": PASSWORD, "code": "000000"},
        REMOTE_ADDR=office,
    )
    wrong_password = other.post(
        reverse("accounts:login"),
        {"username": "secop", "password": "Wrong@pass2", "code": code},
        REMOTE_ADDR=office,
    )
    unknown = other.post(
        reverse("accounts:login"),
        {"username": "nosuchuser", "password": PASSWORD, "code": code},
        REMOTE_ADDR=office,
    )
    # All three look the same: guessing passwords learns nothing while an account is locked.
    assert wrong_code.status_code == wrong_password.status_code == unknown.status_code == 429
    assert normalized(wrong_code.content, "secop") == normalized(wrong_password.content, "secop")
    assert normalized(wrong_code.content, "secop") == normalized(unknown.content, "nosuchuser")
    assert "_auth_user_id" not in other.session


def test_an_account_without_an_authenticator_app_cannot_lift_its_lock(client, people) -> None:
    from django.test import Client

    _fail(client, "deptfill", REMOTE_ADDR="203.0.113.66")
    response = Client().post(
        reverse("accounts:login"),
        {"username": "deptfill", "password": PASSWORD, "code": "123456"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 429


def test_the_lock_page_offers_the_lift_in_chinese(client, people) -> None:
    body = _fail(client, "secop")[-1].content.decode()
    assert "登录已锁定" in body and "动态口令" in body and "解除锁定并登录" in body
    assert 'name="code"' in body and 'value="secop"' in body


def test_an_address_trying_many_accounts_is_locked_for_all(client, people, settings) -> None:
    from django.test import Client

    settings.LOGIN_IP_FAILURE_LIMIT = 8
    sprayer = "203.0.113.77"
    for name in ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"):
        post_login(client, name, "Wrong@pass1", REMOTE_ADDR=sprayer)
    assert post_login(client, "entfill", PASSWORD, REMOTE_ADDR=sprayer).status_code == 429
    assert post_login(Client(), "entfill", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 302
    # The security admin sees the address and unlocks it.
    sec = Client()
    login_fully(sec, people["secadmin"])
    page = sec.get(reverse("accounts:security"))
    assert [lk.ip_address for lk in page.context["ip_lockouts"]] == [sprayer]
    sec.post(reverse("accounts:lockout_unlock_ip"), {"ip": sprayer})
    assert post_login(client, "entfill", PASSWORD, REMOTE_ADDR=sprayer).status_code == 302
    assert AuditEntry.objects.get(action="anbiao.auth.ip_unlocked").data["ip"] == sprayer


def test_the_security_admin_unlocks_by_mobile_number_too(client, people) -> None:
    from django.test import Client

    _fail(client, "13800000001")
    sec = Client()
    login_fully(sec, people["secadmin"])
    assert [lk.username for lk in sec.get(reverse("accounts:security")).context["lockouts"]] == [
        "cityadm"
    ]
    sec.post(reverse("accounts:lockout_unlock"), {"username": "13800000001"})
    assert post_login(client, "cityadm", PASSWORD).status_code == 302


def test_a_failed_code_after_the_password_does_not_clear_the_failures(client, people) -> None:
    from django.test import Client

    _code(people["secadmin"])  # the account has an authenticator app
    _fail(client, "secop", 4)
    # The password is right but the login is not complete until the code: nothing is cleared.
    other = Client()
    assert post_login(other, "secop", PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(username="secop").exists()
    other.post(reverse("accounts:totp_verify"), {"code": "000000"})
    assert AccessAttempt.objects.filter(username="secop").exists()
    other.post(reverse("accounts:totp_verify"), {"code": _code(people["secadmin"], 1)})
    assert not AccessAttempt.objects.filter(username="secop").exists()


def test_the_totp_code_typed_on_the_lock_page_is_not_stored_with_the_attempt(
    client, people
) -> None:
    _fail(client, "secop")
    client.post(
        reverse("accounts:login"),
        {"username": "secop", "password": "Wrong@pass1", "code": "654321"},
    )
    assert all("654321" not in a.post_data for a in AccessAttempt.objects.all())
