"""Two inspectors editing one draft inspection: the second save is refused (409), text kept."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.core.versioning import VERSION_ERROR
from anbiao.inspections.models import Inspection
from anbiao.inspections.tests.helpers import inspection
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

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
    dept = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="应急管理局")
    ent = EnterpriseFactory(department=dept, organization__name="鑫源石材有限公司")
    first = named(make_user(dept, Role.FILLER), "陈检查")
    second = named(make_user(dept, Role.ORG_ADMIN), "林科长")
    return first, second, inspection(first, ent.organization)


def header(insp: Inspection, version: object, **overrides: str) -> dict[str, object]:
    data = {
        "version": version,
        "target": str(insp.target_id),
        "date": timezone.localdate().isoformat(),
        "inspectors": "张三、李四",
        "summary": "",
    }
    data.update(overrides)
    return data


def test_two_inspectors_editing_one_draft_the_second_gets_409_and_keeps_its_text(setup):  # noqa: ANN001
    first, second, insp = setup
    url = reverse("inspections:inspection_edit", args=[insp.pk])
    a, b = login(first), login(second)
    va = int(a.get(url).context["form"]["version"].value())
    vb = int(b.get(url).context["form"]["version"].value())
    assert a.post(url, header(insp, va, summary="陈：现场消防通道畅通")).status_code == 302
    r = b.post(url, header(insp, vb, summary="林：配电房未上锁", inspectors="林科长"))
    assert r.status_code == 409
    html = r.content.decode()
    assert "林：配电房未上锁" in html and 'id="edit-conflict"' in html
    assert "陈检查（应急管理局）" in html and "修改了检查记录（检查情况）" in html
    stored = Inspection.objects.get(pk=insp.pk)
    assert stored.summary == "陈：现场消防通道畅通" and stored.inspectors == "张三、李四"
    kept = int(r.context["form"]["version"].value())
    assert kept == stored.version
    assert b.post(url, header(insp, kept, summary="林：配电房未上锁")).status_code == 302
    assert Inspection.objects.get(pk=insp.pk).summary == "林：配电房未上锁"


def test_a_header_saved_with_a_garbled_version_is_a_form_error(setup):  # noqa: ANN001
    first, _, insp = setup
    url = reverse("inspections:inspection_edit", args=[insp.pk])
    r = login(first).post(url, header(insp, "x1", summary="我写的检查情况"))
    assert r.status_code == 200
    html = r.content.decode()
    assert VERSION_ERROR in html and "我写的检查情况" in html
    assert Inspection.objects.get(pk=insp.pk).summary == ""
