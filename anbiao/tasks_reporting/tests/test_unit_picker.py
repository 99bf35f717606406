"""指定单位 of a reporting task: a grouped, searchable picker with 全选 per kind that works without
JavaScript (issue 16 item 16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from anbiao.core.tests.visible_text import parse
from anbiao.core.tests.world import build_world
from anbiao.obligations.tests.builders import client_for
from anbiao.orgs.models import OrgKind
from anbiao.tasks_reporting.models import ReportTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    return build_world()


def _data(**extra: Any) -> dict[str, Any]:
    return {
        "title": "指定单位报送",
        "description": "请报送材料",
        "target_mode": "units",
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "needs_files": "on",
        **extra,
    }


def test_the_picker_groups_units_by_kind_with_their_town_and_a_select_all(world: Any) -> None:
    c = client_for(world.users["city:org_admin"])
    html = c.get(reverse("reporting:task_create")).content.decode()
    assert "data-unit-picker" in html and "unit_picker.js" in html
    assert 'name="units_all" value="enterprise"' in html
    assert 'name="units_all" value="town"' in html
    ent = world.ent.organization
    # the search text of an enterprise holds its name, kind and town
    assert f'data-search="{ent.name} 企业 {world.ent.town.name}"' in html
    # one checkbox per unit, the city office's own unit not offered
    units = [c for f in parse(html).forms for c in f.controls if c.name == "units"]
    values = [u.value for u in units]
    assert str(ent.pk) in values and str(world.city.pk) not in values
    assert len(values) == len(set(values))
    # no plain <select multiple> of every unit any more
    assert '<select name="units"' not in html


def test_select_all_of_a_kind_works_without_javascript(world: Any) -> None:
    c = client_for(world.users["city:org_admin"])
    r = c.post(reverse("reporting:task_create"), _data(units_all="town"))
    assert r.status_code == 302, r.content.decode()[:2000]
    task = ReportTask.objects.get()
    assert set(task.recipients.values_list("kind", flat=True)) == {OrgKind.TOWN}
    assert task.recipients.filter(pk=world.town.pk).exists()
    assert task.recipients.filter(pk=world.town_other.pk).exists()


def test_a_chosen_unit_stays_checked_and_no_unit_is_refused_with_the_field_named(
    world: Any,
) -> None:
    c = client_for(world.users["city:org_admin"])
    r = c.post(reverse("reporting:task_create"), _data())
    text = r.content.decode()
    assert r.status_code == 200 and "指定单位：请选择报送单位。" in text
    r = c.post(reverse("reporting:task_create"), _data(title="", units=[str(world.dept.pk)]))
    text = r.content.decode()
    assert f'value="{world.dept.pk}" checked' in text
    assert not ReportTask.objects.exists()
    r = c.post(reverse("reporting:task_create"), _data(units="not-a-unit"))
    assert "指定单位：所选项不在可选范围内" in r.content.decode()
    assert not ReportTask.objects.exists()
