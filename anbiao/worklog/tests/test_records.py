"""Work records with evidence, linking them to look-back clauses, and review results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anbiao.accounts.tests.helpers import login_fully
from anbiao.checklists.models import ChecklistStatus
from anbiao.checklists.tests import helpers as ch
from anbiao.tasks_reporting.tests.builders import pdf, png
from anbiao.worklog import selectors, services
from anbiao.worklog.models import (
    EvidenceLink,
    RecordKind,
    ReviewOutcome,
    ReviewResult,
    WorkRecord,
)
from anbiao.worklog.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    from anbiao.core.tests.world import build_world

    return build_world()


def client_for(user) -> Client:  # noqa: ANN001
    c = Client()
    login_fully(c, user)
    return c


def test_a_training_session_is_recorded_with_headcounts_by_category_and_evidence(world) -> None:  # noqa: ANN001
    c = client_for(world.users["town:filler"])
    r = c.post(
        reverse("worklog:record_create"),
        {
            "kind": "training",
            "date": "2025-09-12",
            "title": "标准化提升专题培训",
            "n_grid": "35",
            "n_leaders": "4",
            "files": [pdf("签到表.pdf"), png("现场.png")],
        },
    )
    assert r.status_code == 302
    rec = WorkRecord.objects.get()
    assert rec.organization == world.town
    assert {h.get_category_display(): h.count for h in rec.headcounts.all()} == {
        "基层网格员": 35,
        "领导干部": 4,
    }
    assert rec.headcount_total == 39
    assert sorted(f.original_name for f in rec.files.all()) == ["现场.png", "签到表.pdf"]


def test_a_training_without_any_headcount_is_refused_with_the_field_named(world) -> None:  # noqa: ANN001
    c = client_for(world.users["town:filler"])
    r = c.post(
        reverse("worklog:record_create"),
        {"kind": "training", "date": "2025-09-12", "title": "培训"},
    )
    assert r.status_code == 200
    assert "专题培训请至少填写一类参训人员的人数。" in r.content.decode()
    assert 'value="培训"' in r.content.decode()
    assert not WorkRecord.objects.exists()


def test_publicity_needs_a_channel_and_a_link_or_a_file(world) -> None:  # noqa: ANN001
    by = world.users["department:filler"]
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            by=by, kind=RecordKind.PUBLICITY, date=dt.date(2025, 9, 1), title="报道"
        )
    assert "channel" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.record_create(
            by=by, kind=RecordKind.PUBLICITY, date=dt.date(2025, 9, 1), title="报道", channel="tv"
        )
    assert "link" in exc.value.message_dict
    assert not WorkRecord.objects.exists()
    rec = services.record_create(
        by=by,
        kind=RecordKind.PUBLICITY,
        date=dt.date(2025, 9, 1),
        title="报道",
        channel="new_media",
        link="https://example.org/a",
    )
    assert rec.get_channel_display() == "新媒体"


def test_an_enterprise_cannot_record_a_government_meeting(world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        services.record_create(
            by=world.users["enterprise:filler"],
            kind=RecordKind.DISPATCH,
            date=dt.date(2025, 9, 1),
            title="观摩会",
        )


def test_a_record_is_linked_to_a_clause_of_the_units_own_editable_look_back(world) -> None:  # noqa: ANN001
    rec = b.record(world.dept, kind=RecordKind.DISPATCH)
    checklist = ch.start(world.dept)
    answers = services.linkable_answers(rec)
    # The matching item (附件1 item 8, 观摩调度推进会) comes first.
    assert answers[0].clause.item.number == 8
    c = client_for(world.users["department:filler"])
    r = c.post(reverse("worklog:record_link", args=[rec.pk]), {"answer": str(answers[0].pk)})
    assert r.status_code == 302
    assert selectors.linked_records_for_answer(answers[0]) == [rec]
    page = c.get(reverse("worklog:record_detail", args=[rec.pk])).content.decode()
    assert answers[0].clause.code in page

    # Once submitted, the checklist takes no more links.
    checklist.status = ChecklistStatus.SUBMITTED
    checklist.save()
    with pytest.raises(ValidationError):
        services.record_link(by=world.users["department:filler"], record=rec, answer=answers[1])
    assert EvidenceLink.objects.count() == 1


def test_a_record_cannot_be_linked_to_another_units_checklist(world) -> None:  # noqa: ANN001
    rec = b.record(world.dept)
    other = ch.start(world.dept_other)
    answer = other.answers.first()
    assert answer is not None
    with pytest.raises(ValidationError):
        services.record_link(by=world.users["department:filler"], record=rec, answer=answer)
    c = client_for(world.users["department:filler"])
    c.post(reverse("worklog:record_link", args=[rec.pk]), {"answer": str(answer.pk)})
    assert not EvidenceLink.objects.exists()


def test_a_department_sees_its_enterprises_records_but_not_another_departments(world) -> None:  # noqa: ANN001
    mine = b.record(world.ent.organization, kind=RecordKind.TRAINING)
    theirs = b.record(world.dept_other)
    ids = set(
        selectors.records_for_user(world.users["department:viewer"]).values_list("pk", flat=True)
    )
    assert mine.pk in ids and theirs.pk not in ids


def test_a_review_result_is_recorded_by_the_enterprises_department_and_expiry_is_flagged(
    world,
) -> None:  # noqa: ANN001
    by = world.users["department:filler"]
    with pytest.raises(ValidationError) as exc:
        services.review_create(
            by=by,
            enterprise=world.ent,
            date=dt.date(2025, 1, 1),
            outcome=ReviewOutcome.PASS,
            reviewer="评审中心",
        )
    assert {"grade", "certificate_number", "valid_until"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        services.review_create(
            by=world.users["department:filler"],
            enterprise=world.ent_other,
            date=dt.date(2025, 1, 1),
            outcome=ReviewOutcome.FAIL,
            reviewer="评审中心",
        )
    today = dt.date.today()
    res = services.review_create(
        by=by,
        enterprise=world.ent,
        date=today - dt.timedelta(days=1000),
        outcome=ReviewOutcome.PASS,
        grade="3",
        reviewer="评审中心",
        certificate_number="AQBIII-2023-01",
        valid_until=today + dt.timedelta(days=30),
    )
    assert selectors.expiring(res, today) == "soon"
    assert selectors.expiring(res, today + dt.timedelta(days=31)) == "expired"
    c = client_for(world.users["city:viewer"])
    text = c.get(reverse("worklog:review_list") + "?expiring=1").content.decode()
    assert "AQBIII-2023-01" in text and "即将到期" in text
    text = (
        client_for(world.users["department:viewer"])
        .get(reverse("worklog:review_list") + "?outcome=fail")
        .content.decode()
    )
    assert "AQBIII-2023-01" not in text
    assert ReviewResult.objects.count() == 1


def test_the_template_tag_shows_the_records_linked_to_a_clause(world) -> None:  # noqa: ANN001
    from django.template import Context, Template

    rec = b.record(world.dept, kind=RecordKind.PLAN, title="标准化提升实施方案")
    checklist = ch.start(world.dept)
    answer = checklist.answers.order_by("clause__position").first()
    assert answer is not None
    html = Template("{% load worklog %}{% worklog_links answer %}").render(
        Context({"answer": answer})
    )
    assert html.strip() == ""
    services.record_link(by=world.users["department:filler"], record=rec, answer=answer)
    html = Template("{% load worklog %}{% worklog_links answer %}").render(
        Context({"answer": answer})
    )
    assert "标准化提升实施方案" in html
    assert reverse("worklog:record_detail", args=[rec.pk]) in html


def test_linked_records_can_be_prefetched_for_a_whole_checklist(
    world, django_assert_num_queries
) -> None:  # noqa: ANN001
    rec = b.record(world.dept, kind=RecordKind.MEETING)
    checklist = ch.start(world.dept)
    first = checklist.answers.order_by("clause__position").first()
    assert first is not None
    services.record_link(by=world.users["department:filler"], record=rec, answer=first)
    answers = list(checklist.answers.prefetch_related("worklog_links__record"))
    with django_assert_num_queries(0):
        found = {a.pk: selectors.linked_records_for_answer(a) for a in answers}
    assert found[first.pk] == [rec]
    assert sum(len(v) for v in found.values()) == 1
