"""Second factor (TOTP): required for the 三员, optional for others; no bypass, no replay."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import TOTPDevice
from anbiao.accounts.services import SESSION_2FA_KEY, totp_device_start
from anbiao.accounts.tests.conftest import PASSWORD
from anbiao.accounts.tests.helpers import SECOND_FACTOR_MIDDLEWARE, login_fully, post_login
from anbiao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    middleware = list(django_settings.MIDDLEWARE)
    at = middleware.index("anbiao.core.middleware.OrganizationMiddleware") + 1
    middleware.insert(at, SECOND_FACTOR_MIDDLEWARE)
    settings.MIDDLEWARE = middleware


def _confirmed_device(user) -> TOTPDevice:
    device = totp_device_start(user=user)
    device.confirmed_at = device.created_at
    device.save()
    return device


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(device.secret).at(time.time() + 30 * steps_ahead)


def test_an_admin_without_a_device_is_sent_to_set_one_up(client, people) -> None:
    post_login(client, "auditop", PASSWORD)
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:totp_setup"))
    assert "next=%2Faudit%2F" in response["Location"]
    # Every other page too, the Django admin included.
    for url in (reverse("core:home"), "/django-admin/", reverse("accounts:password_change")):
        assert client.get(url).status_code == 302, url


def test_setting_up_shows_the_secret_and_uri_offline_and_confirms_with_a_code(
    client, people
) -> None:
    post_login(client, "auditop", PASSWORD)
    page = client.get(reverse("accounts:totp_setup") + "?next=/audit/")
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=people["auditor"])
    assert device.confirmed_at is None
    grouped = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    assert grouped in body
    assert "otpauth://totp/" in body and f"secret={device.secret}" in body
    # No QR image from an outside service: no address other than our own.
    assert not re.search(r"(src|href)=\"https?://", body)
    wrong = client.post(reverse("accounts:totp_setup"), {"code": "000000", "next": "/audit/"})
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    right = client.post(reverse("accounts:totp_setup"), {"code": _code(device), "next": "/audit/"})
    assert right.status_code == 302 and right["Location"] == "/audit/"
    assert client.get(reverse("core:audit_list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert AuditEntry.objects.filter(action="anbiao.auth.totp_enabled", username="auditop").exists()


def test_every_login_asks_for_the_code_and_a_code_is_never_accepted_twice(client, people) -> None:
    device = _confirmed_device(people["secadmin"])
    post_login(client, "secop", PASSWORD)
    response = client.get(reverse("accounts:security"))
    assert response["Location"].startswith(reverse("accounts:totp_verify"))
    # The setup page cannot be used to replace a device before its code was given.
    assert client.get(reverse("accounts:totp_setup"))["Location"].startswith(
        reverse("accounts:totp_verify")
    )
    bad = client.post(reverse("accounts:totp_verify"), {"code": "123456"})
    assert bad.status_code == 200 and "动态口令不正确" in bad.content.decode()
    assert client.get(reverse("accounts:security")).status_code == 302
    key_before = client.session.session_key
    code = _code(device)
    ok = client.post(reverse("accounts:totp_verify"), {"code": code, "next": "/accounts/security/"})
    assert ok.status_code == 302 and ok["Location"] == "/accounts/security/"
    assert client.session.session_key != key_before
    assert client.get(reverse("accounts:security")).status_code == 200
    # A new login (another browser) with the same code: refused, it was used.
    other = Client()
    post_login(other, "secop", PASSWORD)
    assert other.post(reverse("accounts:totp_verify"), {"code": code}).status_code == 200
    assert other.get(reverse("accounts:security")).status_code == 302
    later = other.post(reverse("accounts:totp_verify"), {"code": _code(device, 1)})
    assert later.status_code == 302
    assert other.get(reverse("accounts:security")).status_code == 200
    actions = list(
        AuditEntry.objects.filter(username="secop", action__startswith="anbiao.auth.totp")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "anbiao.auth.totp_failed",
        "anbiao.auth.totp_verified",
        "anbiao.auth.totp_failed",
        "anbiao.auth.totp_verified",
    ]


def test_a_fresh_password_login_asks_again(client, people) -> None:
    device = _confirmed_device(people["sysadmin"])
    post_login(client, "sysop", PASSWORD)
    client.post(reverse("accounts:totp_verify"), {"code": _code(device)})
    assert client.session.get(SESSION_2FA_KEY) is True
    client.post(reverse("accounts:logout"))
    post_login(client, "sysop", PASSWORD)
    assert client.session.get(SESSION_2FA_KEY) is None
    assert client.get(reverse("core:home")).status_code == 302


def test_five_wrong_codes_lock_the_second_factor_across_logins(client, people) -> None:
    device = _confirmed_device(people["auditor"])
    post_login(client, "auditop", PASSWORD)
    for _ in range(3):
        assert client.post(reverse("accounts:totp_verify"), {"code": "000000"}).status_code == 200
    # Logging in again does not start the count afresh.
    client.post(reverse("accounts:logout"))
    post_login(client, "auditop", PASSWORD)
    page = client.post(reverse("accounts:totp_verify"), {"code": "000000"})
    assert "还可以再试 1 次" in page.content.decode()
    last = client.post(reverse("accounts:totp_verify"), {"code": "000000"})
    assert last.status_code == 302 and last["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="anbiao.auth.totp_locked").count() == 1
    # Locked: even the right code is refused, in a new login too.
    post_login(client, "auditop", PASSWORD)
    refused = client.post(reverse("accounts:totp_verify"), {"code": _code(device)})
    assert refused.status_code == 302 and "_auth_user_id" not in client.session
    # The security admin's unlock ends it.
    sec = Client()
    login_fully(sec, people["secadmin"])
    sec.post(reverse("accounts:lockout_unlock"), {"username": "auditop"})
    post_login(client, "auditop", PASSWORD)
    ok = client.post(reverse("accounts:totp_verify"), {"code": _code(device, 1)})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.get(reverse("core:home")).status_code == 200


def test_a_malformed_code_is_named(client, people) -> None:
    _confirmed_device(people["auditor"])
    post_login(client, "auditop", PASSWORD)
    body = client.post(reverse("accounts:totp_verify"), {"code": "12ab"}).content.decode()
    assert "动态口令：动态口令为 6 位数字。" in body


def test_business_users_are_not_asked_unless_they_enabled_it(client, people) -> None:
    post_login(client, "deptfill", PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200
    device = totp_device_start(user=people["dept_filler"])
    client.post(reverse("accounts:totp_setup"), {"code": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    again = Client()
    post_login(again, "deptfill", PASSWORD)
    assert again.get(reverse("core:home"))["Location"].startswith(reverse("accounts:totp_verify"))


def test_the_security_admin_resets_a_lost_device(client, people) -> None:
    _confirmed_device(people["auditor"])
    sec = Client()
    login_fully(sec, people["secadmin"])
    page = sec.get(reverse("accounts:security")).content.decode()
    assert "auditop" in page and "已启用" in page
    response = sec.post(reverse("accounts:totp_reset", args=[people["auditor"].pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=people["auditor"]).exists()
    entry = AuditEntry.objects.get(action="anbiao.auth.totp_reset")
    assert entry.username == "secop" and entry.object_id == str(people["auditor"].pk)
    post_login(client, "auditop", PASSWORD)
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:totp_setup"))


def test_the_password_change_comes_after_the_second_factor(client, people) -> None:
    from anbiao.accounts.models import User

    device = _confirmed_device(people["auditor"])
    User.objects.filter(pk=people["auditor"].pk).update(must_change_password=True)
    post_login(client, "auditop", PASSWORD)
    first = client.get(reverse("core:home"))
    assert first["Location"] == reverse("accounts:password_change")
    second = client.get(first["Location"])
    assert second["Location"].startswith(reverse("accounts:totp_verify"))
    client.post(
        reverse("accounts:totp_verify"),
        {"code": _code(device), "next": reverse("accounts:password_change")},
    )
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_without_the_middleware_nothing_is_asked(client, people, settings) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != SECOND_FACTOR_MIDDLEWARE]
    post_login(client, "auditop", PASSWORD)
    assert client.get(reverse("core:audit_list")).status_code == 200


def test_the_command_line_reset_removes_the_device_and_is_audited(people) -> None:
    import io

    from django.core.management import call_command

    _confirmed_device(people["secadmin"])
    out = io.StringIO()
    call_command("totp_reset", "secop", stdout=out)
    assert "已重置 secop" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=people["secadmin"]).exists()
    entry = AuditEntry.objects.get(action="anbiao.auth.totp_reset")
    assert entry.object_id == str(people["secadmin"].pk) and entry.data["via"].startswith("manage")


def test_the_setup_page_shows_a_qr_code_of_the_otpauth_uri_drawn_by_us(client, people) -> None:
    import base64
    import io

    import zxingcpp
    from PIL import Image

    from anbiao.accounts.services import totp_provisioning_uri

    post_login(client, "auditop", PASSWORD)
    page = client.get(reverse("accounts:totp_setup"))
    assert page["Cache-Control"] == "no-store"
    body = page.content.decode()
    found = re.search(r'<img class="totp-qr" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', body)
    assert found, "no QR image on the page"
    image = Image.open(io.BytesIO(base64.b64decode(found.group(1)))).convert("L")
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    device = TOTPDevice.objects.get(user=people["auditor"])
    assert decoded == [totp_provisioning_uri(device=device)]
    assert f"secret={device.secret}" in decoded[0]
    # The code the app then shows is accepted.
    right = client.post(reverse("accounts:totp_setup"), {"code": _code(device)})
    assert right.status_code == 302
    assert not re.search(r"(src|href)=\"https?://", body)


def test_a_security_admin_cannot_reset_its_own_second_factor(client, people) -> None:
    from django.core.exceptions import ValidationError

    from anbiao.accounts.services import totp_device_reset

    secadmin = people["secadmin"]
    _confirmed_device(secadmin)
    with pytest.raises(ValidationError, match="不能重置自己的动态口令"):
        totp_device_reset(by=secadmin, user=secadmin)
    sec = Client()
    login_fully(sec, secadmin)
    page = sec.get(reverse("accounts:security")).content.decode()
    assert reverse("accounts:totp_reset", args=[secadmin.pk]) not in page
    response = sec.post(reverse("accounts:totp_reset", args=[secadmin.pk]), follow=True)
    assert "不能重置自己的动态口令" in response.content.decode()
    assert TOTPDevice.objects.filter(user=secadmin).exists()
    assert not AuditEntry.objects.filter(action="anbiao.auth.totp_reset").exists()
    # Another security admin can.
    from anbiao.accounts.models import Role
    from anbiao.orgs.tests.factories import make_user

    second = make_user(people["city"], Role.SECADMIN, username="secop2")
    assert totp_device_reset(by=second, user=secadmin) is True


def test_only_a_security_admin_resets_a_second_factor_in_the_service(people) -> None:
    from django.core.exceptions import ValidationError

    from anbiao.accounts.services import totp_device_reset

    _confirmed_device(people["auditor"])
    for key in ("sysadmin", "city_admin", "dept_filler"):
        with pytest.raises(ValidationError, match="只有安全管理员"):
            totp_device_reset(by=people[key], user=people["auditor"])
    assert TOTPDevice.objects.filter(user=people["auditor"]).exists()
