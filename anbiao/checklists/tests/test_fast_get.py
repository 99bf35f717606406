"""The checklist look-ups that skip the ORM (``selectors._plain_scope`` + ``core.fetch``) answer
exactly as the ORM's scoped queries do: the same object with the same fields and related
objects, and 404 in the same cases, for every persona."""

from __future__ import annotations

import uuid

import pytest
from django.db.models import Model
from django.http import Http404

from anbiao.checklists import selectors
from anbiao.checklists.models import Checklist, ChecklistPurpose
from anbiao.checklists.tests import helpers
from anbiao.core.tests.world import PERSONAS, build_world

pytestmark = pytest.mark.django_db


def _fields(obj: Model) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _orm_get(*, user, pk):  # noqa: ANN001, ANN202
    return selectors.get_in_scope_or_404(selectors.checklists_for_user(user), pk=pk)


def _orm_own(*, user, pk):  # noqa: ANN001, ANN202
    org = user.organization
    qs = selectors.checklists_for_user(user).filter(
        organization_id=org.pk if org else None, purpose=ChecklistPurpose.LOOKBACK
    )
    return selectors.get_in_scope_or_404(qs, pk=pk)


def _outcome(fn, user, pk):  # noqa: ANN001, ANN202
    try:
        return fn(user=user, pk=pk)
    except Http404:
        return None


def _same(a: Checklist | None, b: Checklist | None) -> None:
    assert (a is None) == (b is None)
    if a is None or b is None:
        return
    assert _fields(a) == _fields(b)
    for path in ("organization", "campaign", "template_version"):
        ra, rb = getattr(a, path), getattr(b, path)
        assert (ra is None and rb is None) or _fields(ra) == _fields(rb), path
    assert _fields(a.template_version.template) == _fields(b.template_version.template)


def test_the_plain_scope_answers_as_checklist_filter_for_every_persona() -> None:
    world = build_world()
    own = helpers.start(world.ent.organization, world.users["enterprise:filler"])
    other = helpers.start(world.ent_other.organization)
    dept = helpers.start(world.dept, world.users["department:filler"])
    city = helpers.start(world.city, world.users["city:filler"])
    pks = [c.pk for c in (own, other, dept, city)] + [uuid.uuid4(), "not-a-uuid"]
    seen = 0
    for persona in PERSONAS:
        user = world.users.get(persona)
        if user is None:  # anon: no user object, the view refuses before any look-up
            continue
        for pk in pks:
            fast, orm = (_outcome(selectors.checklist_get, user, pk), _outcome(_orm_get, user, pk))
            _same(fast, orm)
            fast, orm = (
                _outcome(selectors.own_checklist_get, user, pk),
                _outcome(_orm_own, user, pk),
            )
            _same(fast, orm)
            seen += fast is not None
    assert seen >= 8  # the own checklists of the enterprise, department and city personas


def test_the_plain_fetch_reads_no_more_than_one_query(django_assert_num_queries) -> None:  # noqa: ANN001
    world = build_world()
    user = world.users["enterprise:filler"]
    checklist = helpers.start(world.ent.organization, user)
    user.organization  # noqa: B018 — loaded as the middleware has it
    with django_assert_num_queries(1):
        got = selectors.checklist_get(user=user, pk=checklist.pk)
        assert got.campaign is not None
        assert got.organization.name and got.campaign.name and got.template_version.template.kind


def test_a_checklist_without_a_campaign_reads_as_none() -> None:
    world = build_world()
    user = world.users["city:filler"]
    checklist = helpers.start(world.ent.organization)
    Checklist.objects.filter(pk=checklist.pk).update(campaign=None)
    got = selectors.checklist_get(user=user, pk=checklist.pk)
    assert got.campaign is None and got.campaign_id is None
    _same(got, _orm_get(user=user, pk=checklist.pk))
