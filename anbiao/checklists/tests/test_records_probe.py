"""The fill page asks worklog for linked work records only when its answers query's probe
(hook ``linked_records_probe``) found some: no extra query on a page without any."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anbiao.checklists import fill_page, rows
from anbiao.checklists.tests import helpers
from anbiao.core.tests.world import build_world
from anbiao.worklog.models import EvidenceLink

pytestmark = pytest.mark.django_db


def _record_queries(checklist, user) -> tuple[list[str], fill_page.ChecklistPage]:  # noqa: ANN001
    with CaptureQueriesContext(connection) as q:
        page = fill_page.checklist_page(checklist, user=user)
    table = EvidenceLink._meta.db_table
    return [x["sql"] for x in q.captured_queries if x["sql"].startswith(f'SELECT "{table}".')], page


def _rows(page: fill_page.ChecklistPage) -> list[rows.Row]:
    return [r for s in page.sections for i in s.items for r in i.parts if isinstance(r, rows.Row)]


def test_the_linked_records_query_runs_only_when_the_probe_finds_records() -> None:
    from anbiao.worklog.tests.builders import record

    world = build_world()
    user = world.users["enterprise:filler"]
    checklist = helpers.start(world.ent.organization, user)
    found, page = _record_queries(checklist, user)
    assert found == []  # no work record linked: the probe said so, worklog is not asked
    assert not any(r.record_links for r in _rows(page))

    answer = checklist.answers.order_by("clause__position")[2]
    rec = record(world.ent.organization, title="全员培训")
    EvidenceLink.objects.create(record=rec, answer=answer)
    found, page = _record_queries(checklist, user)
    assert len(found) == 1
    by_answer = {r.answer_id: r for r in _rows(page)}
    assert [link.label for link in by_answer[answer.pk].record_links] == [f"{rec}（2024-09-10）"]
    assert all(not r.record_links for pk, r in by_answer.items() if pk != answer.pk)
