"""XSS payloads typed into every text field of the existing forms come back escaped.

Two paths per form: the valid save (the payload is stored, then shown on the detail and list
pages) and the invalid re-render (the form comes back with the user's input in it).
"""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from django.utils.html import escape

from anbiao.orgs.normalize import clean_name
from anbiao.orgs.tests.factories import credit_code
from tests.security.conftest import login

# (payload, a raw core that must never appear, the escaped core that must appear)
PAYLOADS = [
    ("<script>alert(1)</script>", "<script>alert", "&lt;script&gt;alert"),
    ('"><img src=x onerror=alert(1)>', "<img src=x onerror", "&lt;img src=x onerror=alert"),
    ("'><svg onload=alert(1)>", "<svg onload", "&#x27;&gt;&lt;svg onload=alert"),
    ("</textarea><iframe src=//x>", "<iframe src=//x", "&lt;iframe src=//x&gt;"),
    ("javascript:alert(1)", 'href="javascript:', "javascript:alert"),
    ("{{7*7}}{% now 'Y' %}", "{{7*49}}", "{{7*7}}{% now &#x27;Y&#x27; %}"),
]
_seq = itertools.count()


def _check(html: str, payload: tuple[str, str, str], where: str) -> None:
    raw, raw_core, escaped_core = payload
    assert raw_core not in html, f"{where}: raw payload in the page"
    assert 'src="javascript:' not in html and 'href="javascript:' not in html, where
    assert escaped_core in html, f"{where}: escaped payload not shown ({escape(raw)})"


def _enterprise_data(w, text: str, **extra) -> dict:  # noqa: ANN001
    return {
        "name": text,
        "credit_code": credit_code(),
        "principal": text,
        "phone": "13912345678",  # a phone is validated: markup is refused (re-rendered below)
        "address": text,
        "town": str(w["town"].pk),
        "department": str(w["dept"].pk),
        "industry": "C",
        "size_class": "small",
        "star_level": "0",
        "risk_level": "",
        **extra,
    }


@pytest.fixture(params=PAYLOADS, ids=["script", "img", "svg", "iframe", "js-url", "template"])
def payload(request) -> tuple[str, str, str]:  # noqa: ANN001
    return request.param


@pytest.mark.django_db
def test_enterprise_create_shows_typed_markup_as_text(city_world, payload) -> None:  # noqa: ANN001
    client = login(city_world["dept_filler"])
    response = client.post(
        reverse("orgs:enterprise_create"), _enterprise_data(city_world, payload[0]), follow=True
    )
    assert response.redirect_chain, response.content.decode()[:2000]
    _check(response.content.decode(), payload, "detail after create")
    # the list shows the name (normalized: no spaces, full-width brackets) and masked contacts
    listed = client.get(reverse("orgs:enterprise_list")).content.decode()
    assert payload[1] not in listed
    assert escape(clean_name(payload[0])) in listed


@pytest.mark.django_db
def test_enterprise_create_rerenders_typed_markup_as_text(city_world, payload) -> None:  # noqa: ANN001
    data = _enterprise_data(
        city_world, payload[0], credit_code=payload[0], phone=payload[0], town=""
    )
    response = login(city_world["dept_filler"]).post(reverse("orgs:enterprise_create"), data)
    assert response.status_code == 200 and "field-error" in response.content.decode()
    _check(response.content.decode(), payload, "create form re-rendered")


@pytest.mark.django_db
def test_enterprise_edit_shows_typed_markup_as_text(city_world, payload) -> None:  # noqa: ANN001
    client = login(city_world["dept_filler"])
    url = reverse("orgs:enterprise_edit", args=[city_world["ent"].pk])
    data = _enterprise_data(city_world, payload[0])
    response = client.post(url, data, follow=True)
    assert response.redirect_chain
    _check(response.content.decode(), payload, "detail after edit")
    _check(client.get(url).content.decode(), payload, "edit form with stored values")
    invalid = client.post(url, {**data, "industry": "?"})
    _check(invalid.content.decode(), payload, "edit form re-rendered")


@pytest.mark.django_db
def test_profile_edit_shows_typed_markup_as_text(city_world, payload) -> None:  # noqa: ANN001
    client = login(city_world["ent_admin"])
    text = payload[0]
    response = client.post(
        reverse("orgs:profile_edit"),
        {"principal": text, "phone": "0595-86381234", "address": text},
        follow=True,
    )
    assert response.redirect_chain
    _check(response.content.decode(), payload, "profile")
    _check(client.get(reverse("orgs:profile_edit")).content.decode(), payload, "profile form")
    invalid = client.post(
        reverse("orgs:profile_edit"), {"principal": text * 5, "phone": text, "address": text}
    )
    assert invalid.status_code == 200
    _check(invalid.content.decode(), payload, "profile form re-rendered")


@pytest.mark.django_db
def test_unit_create_shows_typed_markup_as_text(city_world, payload) -> None:  # noqa: ANN001
    client = login(city_world["city_admin"])
    text = payload[0]
    data = {
        "kind": "department",
        "name": f"{text}{next(_seq)}",
        "code": text[:32],
        "contact_person": text,
        "contact_phone": "0595-86381234",
        "sort_order": "0",
        "is_active": "on",
    }
    response = client.post(reverse("orgs:unit_create"), data, follow=True)
    assert response.redirect_chain, response.content.decode()[:3000]
    _check(response.content.decode(), payload, "unit list")
    invalid = client.post(
        reverse("orgs:unit_create"), {**data, "sort_order": "x", "contact_phone": text}
    )
    _check(invalid.content.decode(), payload, "unit form re-rendered")


@pytest.mark.django_db
def test_user_create_shows_typed_markup_as_text(city_world, payload) -> None:  # noqa: ANN001
    client = login(city_world["city_admin"])
    text = payload[0]
    url = reverse("orgs:user_create") + f"?org={city_world['dept'].pk}"
    data = {
        "org": str(city_world["dept"].pk),
        "username": f"xss_user_{next(_seq)}",
        "full_name": text[:50],
        "mobile": "",
        "password": "Anbiao#2026xyz",
        "roles": ["filler"],
    }
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.content.decode()[:3000]
    _check(client.get(reverse("orgs:user_list")).content.decode(), payload, "user list")
    invalid = client.post(url, {**data, "username": text, "mobile": text})
    assert invalid.status_code == 200
    _check(invalid.content.decode(), payload, "user form re-rendered")


@pytest.mark.django_db
def test_token_names_show_typed_markup_as_text(city_world, payload) -> None:  # noqa: ANN001
    client = login(city_world["dept_filler"])
    response = client.post(reverse("apitokens:list"), {"name": payload[0]})
    _check(response.content.decode(), payload, "token list")
