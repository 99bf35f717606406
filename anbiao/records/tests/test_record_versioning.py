"""Two people editing one record: the second save is refused (409) with its text kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.versioning import VERSION_ERROR
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user
from anbiao.records import services
from anbiao.records.models import Category, Record, RecordKind

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


def named(user, name: str):  # noqa: ANN001, ANN201
    user.full_name = name
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def setup():  # noqa: ANN201
    org = EnterpriseFactory(organization__name="鑫源石材有限公司").organization
    first = named(make_user(org, Role.FILLER), "张安全")
    second = named(make_user(org, Role.ORG_ADMIN), "李主任")
    record = services.record_create(
        by=first,
        kind=RecordKind.EXPERIENCE,
        title="党员先锋岗安全巡查",
        summary="每周巡查",
        date=dt.date(2024, 5, 10),
        category=Category.PARTY,
    )
    return first, second, record


def edit(version: object, **overrides: str) -> dict[str, object]:
    data = {
        "version": version,
        "title": "党员先锋岗安全巡查",
        "summary": "每周巡查",
        "date": "2024-05-10",
        "category": Category.PARTY,
    }
    data.update(overrides)
    return data


def test_two_users_editing_one_record_the_second_gets_409_and_keeps_its_text(setup):  # noqa: ANN001
    first, second, record = setup
    url = reverse("records:edit", args=[record.pk])
    a, b = login(first), login(second)
    va = int(a.get(url).context["form"]["version"].value())
    vb = int(b.get(url).context["form"]["version"].value())
    assert a.post(url, edit(va, summary="张：每周两次巡查")).status_code == 302
    r = b.post(url, edit(vb, summary="李：每日巡查并记录"))
    assert r.status_code == 409
    html = r.content.decode()
    assert "李：每日巡查并记录" in html and 'id="edit-conflict"' in html
    assert "张安全（鑫源石材有限公司）" in html and "修改了该记录（内容摘要）" in html
    assert Record.objects.get(pk=record.pk).summary == "张：每周两次巡查"
    kept = int(r.context["form"]["version"].value())
    assert kept == Record.objects.get(pk=record.pk).version
    assert b.post(url, edit(kept, summary="李：每日巡查并记录")).status_code == 302
    assert Record.objects.get(pk=record.pk).summary == "李：每日巡查并记录"


def test_an_edit_without_a_version_is_a_form_error(setup):  # noqa: ANN001
    first, _, record = setup
    url = reverse("records:edit", args=[record.pk])
    r = login(first).post(url, edit("", summary="我的新摘要"))
    assert r.status_code == 200
    html = r.content.decode()
    assert VERSION_ERROR in html and "我的新摘要" in html
    assert Record.objects.get(pk=record.pk).summary == "每周巡查"
