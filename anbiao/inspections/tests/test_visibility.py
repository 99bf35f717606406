"""One visibility rule for every inspected unit: an enterprise or a government unit sees only the
completed inspections of itself, on the page, in the list, in the export and in the API; the
inspecting unit sees its drafts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.api.services import apitoken_create
from anbiao.inspections import services
from anbiao.inspections.models import Inspection
from anbiao.inspections.tests.helpers import client_for, inspection

pytestmark = pytest.mark.django_db


def seen(user: Any, insp: Inspection) -> dict[str, bool]:
    """Whether ``user`` meets ``insp`` on each path."""
    c = client_for(user)
    page = c.get(reverse("inspections:inspection_detail", args=[insp.pk])).status_code
    listed = str(insp.pk) in c.get(reverse("inspections:inspection_list")).content.decode()
    export = c.get(reverse("inspections:inspection_export"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    exported = any(insp.target.name in row for row in rows)
    photo = insp.photos.first()
    photo_status = (
        c.get(reverse("inspections:photo_file", args=[insp.pk, photo.pk])).status_code
        if photo
        else 404
    )
    auth = {"Authorization": f"Bearer {apitoken_create(by=user, name='测试')[1]}"}
    api = c.get(f"/api/v1/inspections/{insp.pk}", headers=auth).status_code
    api_listed = str(insp.pk) in {
        i["id"] for i in c.get("/api/v1/inspections", headers=auth).json()["items"]
    }
    return {
        "page": page == 200,
        "list": listed,
        "export": exported,
        "photo": photo_status == 200,
        "api": api == 200,
        "api_list": api_listed,
    }


NOWHERE = dict.fromkeys(("page", "list", "export", "photo", "api", "api_list"), False)
EVERYWHERE = dict.fromkeys(NOWHERE, True)


def test_a_department_does_not_see_the_city_offices_draft_inspection_of_itself(w: dict) -> None:
    draft = inspection(w["u"]["city"], w["dept"], findings=("月报未按时报送",), photo=True)
    assert seen(w["u"]["dept_viewer"], draft) == NOWHERE
    assert seen(w["u"]["dept"], draft) == NOWHERE
    assert seen(w["u"]["city"], draft) == EVERYWHERE  # the inspecting unit sees its draft
    services.inspection_complete(by=w["u"]["city"], inspection=draft)
    assert seen(w["u"]["dept_viewer"], draft) == EVERYWHERE


def test_a_town_does_not_see_the_city_offices_draft_inspection_of_itself(w: dict) -> None:
    from anbiao.accounts.models import Role
    from anbiao.orgs.tests.factories import make_user

    viewer = make_user(w["town"], Role.VIEWER, username="town_viewer")
    draft = inspection(w["u"]["city"], w["town"], findings=("网格巡查记录缺失",), photo=True)
    assert seen(viewer, draft) == NOWHERE
    assert seen(w["u"]["grid"], draft) == NOWHERE
    services.inspection_complete(by=w["u"]["city"], inspection=draft)
    assert seen(viewer, draft) == EVERYWHERE


def test_an_enterprise_follows_the_same_rule(w: dict) -> None:
    draft = inspection(w["u"]["dept"], w["ent"].organization, findings=("灭火器过期",), photo=True)
    assert seen(w["u"]["ent"], draft) == NOWHERE
    assert seen(w["u"]["dept"], draft) == EVERYWHERE
    services.inspection_complete(by=w["u"]["dept"], inspection=draft)
    assert seen(w["u"]["ent"], draft) == EVERYWHERE


def test_the_draft_checklist_of_a_government_unit_is_not_shown_to_it(w: dict) -> None:
    from anbiao.checklists.tests.helpers import campaign

    draft = inspection(w["u"]["city"], w["dept"], campaign=campaign())
    services.inspection_checklist_start(by=w["u"]["city"], inspection=draft)
    url = reverse("inspections:checklist_fill", args=[draft.pk])
    assert client_for(w["u"]["dept_viewer"]).get(url).status_code == 404
    assert client_for(w["u"]["city"]).get(url).status_code == 200
