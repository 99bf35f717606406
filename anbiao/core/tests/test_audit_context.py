"""Every audit entry written while a request is served carries that request's IP and browser,
also when the service that writes it was not given the request (16.13)."""

from __future__ import annotations

import threading

import pytest
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.audit import log_action
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"


@pytest.fixture
def filler():  # noqa: ANN201
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    return make_user(dept, Role.FILLER, username="ctx_filler")


def _client(user) -> Client:  # noqa: ANN001
    client = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.20.30.40")
    client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return client


def test_a_data_change_made_through_a_page_records_the_ip_and_the_browser(filler) -> None:  # noqa: ANN001
    response = _client(filler).post(reverse("apitokens:list"), {"name": "数据对接"})
    assert response.status_code in (200, 302)
    entry = AuditEntry.objects.get(action="anbiao.apitoken.created")
    assert entry.ip == "10.20.30.40"
    assert entry.user_agent == BROWSER


def test_the_context_is_cleared_after_the_response(filler) -> None:  # noqa: ANN001
    _client(filler).post(reverse("apitokens:list"), {"name": "数据对接"})
    later = log_action(None, "anbiao.test.after_request")
    assert later.ip is None and later.user_agent == ""


def test_a_background_thread_has_no_request_context(filler) -> None:  # noqa: ANN001
    from anbiao.core.audit_context import current_request

    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(current_request()))
    thread.start()
    thread.join()
    assert seen == [None]


def test_a_very_long_user_agent_is_cut_to_the_field_length(filler) -> None:  # noqa: ANN001
    client = Client(HTTP_USER_AGENT="X" * 5000, REMOTE_ADDR="10.0.0.9")
    client.force_login(filler, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    client.post(reverse("apitokens:list"), {"name": "数据对接"})
    entry = AuditEntry.objects.get(action="anbiao.apitoken.created")
    field = AuditEntry._meta.get_field("user_agent")
    assert entry.user_agent == "X" * field.max_length  # type: ignore[operator]


def test_a_request_given_explicitly_wins_over_the_context(filler, rf) -> None:  # noqa: ANN001
    request = rf.get("/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="curl/8")
    request.user = filler
    entry = log_action(None, "anbiao.test.explicit", request=request)
    assert (entry.ip, entry.user_agent) == ("192.0.2.7", "curl/8")


def test_a_change_made_through_the_api_records_the_ip_and_the_browser(filler) -> None:  # noqa: ANN001
    import json

    from anbiao.api.services import apitoken_create
    from anbiao.orgs.tests.factories import EnterpriseFactory

    ent = EnterpriseFactory.create(department=filler.organization)
    _, token = apitoken_create(by=filler, name="对接")
    response = Client().patch(
        f"/api/v1/enterprises/{ent.pk}",
        data=json.dumps({"principal": "李四"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_USER_AGENT="python-requests/2.32",
        REMOTE_ADDR="172.16.0.5",
    )
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.filter(action="anbiao.enterprise.updated").latest("id")
    assert (entry.ip, entry.user_agent) == ("172.16.0.5", "python-requests/2.32")
