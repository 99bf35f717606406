"""Reading one checklist for a page: the scoped ORM query, one query with what the page shows,
404 outside the user's scope (plain ORM; ``core/fetch.py``'s hand-built joins are gone)."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from anbiao.checklists import selectors
from anbiao.checklists.models import Checklist, ChecklistPurpose
from anbiao.checklists.tests import helpers
from anbiao.core.tests.world import PERSONAS, build_world

pytestmark = pytest.mark.django_db


def _get(fn, user, pk):  # noqa: ANN001, ANN202
    try:
        return fn(user=user, pk=pk)
    except Http404:
        return None


def test_each_persona_reads_the_checklists_of_its_scope_and_fills_only_its_own() -> None:
    world = build_world()
    own = helpers.start(world.ent.organization, world.users["enterprise:filler"])
    other = helpers.start(world.ent_other.organization)
    dept = helpers.start(world.dept, world.users["department:filler"])
    city = helpers.start(world.city, world.users["city:filler"])
    checklists = (own, other, dept, city)
    seen = 0
    for persona in PERSONAS:
        user = world.users.get(persona)
        if user is None:  # anon: the view refuses before any look-up
            continue
        visible = set(
            Checklist.objects.filter(selectors.checklist_filter(user)).values_list("pk", flat=True)
        )
        for c in checklists:
            got = _get(selectors.checklist_get, user, c.pk)
            assert (got is not None) == (c.pk in visible), (persona, c.organization.name)
            mine = _get(selectors.own_checklist_get, user, c.pk)
            is_own = user.organization is not None and c.organization_id == user.organization.pk
            assert (mine is not None) == (is_own and c.pk in visible), persona
            seen += mine is not None
        for bad in (uuid.uuid4(), "not-a-uuid"):
            assert _get(selectors.checklist_get, user, bad) is None
    assert seen >= 8  # the own checklists of the enterprise, department and city personas
    city_user = world.users["city:filler"]
    assert _get(selectors.checklist_get, city_user, other.pk) is not None  # the city sees all
    enterprise = world.users["enterprise:filler"]
    assert _get(selectors.checklist_get, enterprise, other.pk) is None  # another unit: 404


def test_an_inspection_checklist_is_never_filled_by_the_inspected_unit() -> None:
    world = build_world()
    user = world.users["enterprise:filler"]
    checklist = helpers.start(world.ent.organization, user)
    Checklist.objects.filter(pk=checklist.pk).update(purpose=ChecklistPurpose.INSPECTION)
    assert _get(selectors.own_checklist_get, user, checklist.pk) is None


def test_one_query_reads_the_checklist_with_what_the_page_shows(django_assert_num_queries) -> None:  # noqa: ANN001
    world = build_world()
    user = world.users["enterprise:filler"]
    checklist = helpers.start(world.ent.organization, user)
    user.organization  # noqa: B018 — loaded as the middleware has it
    with django_assert_num_queries(1):
        got = selectors.checklist_get(user=user, pk=checklist.pk)
        assert got.campaign is not None
        assert got.organization.name and got.campaign.name and got.template_version.template.kind
