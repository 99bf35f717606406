"""The 经验做法 list's unit filter names each unit once (issue 16 item 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anbiao.core.tests.visible_text import parse
from anbiao.core.tests.world import build_world
from anbiao.obligations.tests.builders import client_for
from anbiao.records import selectors, services
from anbiao.records.models import Category, RecordKind
from anbiao.records.tests.helpers import png_upload

pytestmark = pytest.mark.django_db


def test_a_unit_with_records_on_several_dates_is_listed_once() -> None:
    world = build_world()
    filler = world.users["enterprise:filler"]
    for day, title in ((dt.date(2024, 5, 10), "巡查"), (dt.date(2024, 6, 3), "演练")):
        for n in range(2):  # two records on the same day, each with two pieces of evidence
            record = services.record_create(
                by=filler,
                kind=RecordKind.EXPERIENCE,
                title=f"{title}{n}",
                summary="每周巡查，问题当场整改",
                date=day,
                category=Category.PARTY,
                evidence=[png_upload(), png_upload("佐证二.png")],
            )
            services.record_submit(by=filler, record=record)
    city = world.users["city:org_admin"]
    units = selectors.record_organizations(user=city)
    assert [pk for pk, _ in units].count(str(world.ent.organization.pk)) == 1
    assert len(units) == len(set(units))
    html = client_for(city).get(reverse("records:list"), {"scope": "all"}).content.decode()
    options = [c.options for f in parse(html).forms for c in f.controls if c.name == "org"]
    assert options and options[0].count(str(world.ent.organization.pk)) == 1
