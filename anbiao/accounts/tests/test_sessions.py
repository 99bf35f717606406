"""Sessions: idle 30 minutes, absolute 12 hours, a new id at login, disabled users leave at once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.tests.conftest import PASSWORD
from anbiao.accounts.tests.helpers import post_login
from anbiao.core.models import AuditEntry
from anbiao.orgs import services as org_services

pytestmark = pytest.mark.django_db


def _key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_session_is_renewed_on_each_request_for_thirty_minutes(client, people) -> None:
    post_login(client, "deptfill", PASSWORD)
    client.get(reverse("core:home"))
    expires = Session.objects.get(session_key=_key(client)).expire_date
    assert abs((expires - timezone.now()) - dt.timedelta(minutes=30)) < dt.timedelta(seconds=30)


def test_thirty_idle_minutes_end_the_session(client, people) -> None:
    post_login(client, "deptfill", PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200
    # As if the last request had been 30 minutes and one second ago.
    Session.objects.filter(session_key=_key(client)).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_twelve_hours_after_login_the_session_ends_even_when_active(client, people) -> None:
    post_login(client, "deptfill", PASSWORD)
    session = client.session
    session["anbiao_login_at"] = time.time() - 11.9 * 3600
    session.save()
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session["anbiao_login_at"] = time.time() - 12 * 3600 - 5
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?expired=1"
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:home")).status_code == 302


def test_login_gives_a_new_session_id(client, people) -> None:
    session = client.session
    session["before"] = "login"
    session.save()
    before = _key(client)
    post_login(client, "deptfill", PASSWORD)
    after = _key(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["_auth_user_id"] == str(people["dept_filler"].pk)


def test_disabling_a_user_ends_all_its_sessions_at_once(people) -> None:
    user = people["dept_filler"]
    laptop, phone = Client(), Client()
    for c in (laptop, phone):
        assert post_login(c, "deptfill", PASSWORD).status_code == 302
        assert c.get(reverse("core:home")).status_code == 200
    bystander = Client()
    post_login(bystander, "entfill", PASSWORD)
    org_services.user_update(by=people["sysadmin"], user=user, is_active=False)
    for c in (laptop, phone):
        response = c.get(reverse("core:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert bystander.get(reverse("core:home")).status_code == 200
    # And the disabled user cannot log in again; the answer looks like a wrong password.
    response = post_login(Client(), "deptfill", PASSWORD)
    assert response.status_code == 200 and "用户名/手机号或密码不正确" in response.content.decode()


def test_logins_logouts_and_denied_access_are_in_the_trail_with_the_ip(client, people) -> None:
    post_login(client, "deptfill", PASSWORD, REMOTE_ADDR="198.51.100.4")
    login = AuditEntry.objects.get(action="anbiao.auth.login")
    assert (login.username, login.ip) == ("deptfill", "198.51.100.4")
    assert login.organization_id == people["dept"].pk
    response = client.get(reverse("core:audit_list"), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 404
    denied = AuditEntry.objects.get(action="anbiao.access.denied")
    assert denied.ip == "198.51.100.4" and denied.data["path"] == reverse("core:audit_list")
    client.post(reverse("accounts:logout"), REMOTE_ADDR="198.51.100.4")
    logout = AuditEntry.objects.get(action="anbiao.auth.logout")
    assert (logout.username, logout.ip) == ("deptfill", "198.51.100.4")
