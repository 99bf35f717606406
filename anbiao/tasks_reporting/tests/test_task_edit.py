"""Changing a reporting task after it was issued: wording, requirements, 延期, the monthly day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.tests.helpers import login_fully
from anbiao.core.models import AuditEntry
from anbiao.core.tests.world import build_world
from anbiao.tasks_reporting import selectors, services
from anbiao.tasks_reporting.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    return build_world()


def _edit(world, task, **data):  # noqa: ANN001, ANN003, ANN202
    c = Client()
    login_fully(c, world.users["department:filler"])
    form = {
        "version": type(task).objects.get(pk=task.pk).version,  # as the page shows it
        "title": task.title,
        "description": task.description,
        "needs_files": "on",
        **data,
    }
    return c.post(reverse("reporting:task_edit", args=[task.pk]), form)


def test_extending_a_one_off_deadline_moves_its_period_and_who_is_late(world) -> None:  # noqa: ANN001
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    task = b.task(world.dept, [world.ent.organization], deadline=yesterday)
    period = b.period(task)
    sub = b.submission(period, world.ent.organization)  # submitted today: late for yesterday
    assert selectors.period_rows(period)[0].state == "late"
    later = timezone.localdate() + dt.timedelta(days=7)
    r = _edit(world, task, deadline=later.isoformat(), title="延期后的任务")
    assert r.status_code == 302
    task.refresh_from_db()
    period.refresh_from_db()
    assert task.deadline == later == period.deadline and task.title == "延期后的任务"
    assert [r.state for r in selectors.period_rows(period)] == ["submitted"]
    assert sub.period_id == period.pk and task.periods.count() == 1
    entry = AuditEntry.objects.get(action="anbiao.report_task.updated")
    assert entry.data["changed"]["deadline"] == [yesterday.isoformat(), later.isoformat()]


def test_the_form_names_the_field_it_refuses(world) -> None:  # noqa: ANN001
    task = b.task(world.dept, [world.ent.organization], deadline=timezone.localdate())
    before = task.deadline
    html = _edit(world, task, deadline="2000-01-01").content.decode()
    assert "截止日期不能早于任务发布日期。" in html
    html = _edit(world, task, needs_files="", deadline=before.isoformat()).content.decode()
    assert "请至少选择“需上传文件”或“需填写文字答复”之一。" in html
    html = _edit(world, task, title="", deadline=before.isoformat()).content.decode()
    assert "任务名称" in html and "field-error" in html
    task.refresh_from_db()
    assert task.deadline == before and task.needs_files


def test_a_new_monthly_day_only_shapes_the_periods_still_to_come(world) -> None:  # noqa: ANN001
    task = b.task(
        world.dept, [world.ent.organization], deadline=dt.date(2026, 9, 25), recurrence_day=25
    )
    now = timezone.make_aware(dt.datetime(2026, 10, 3, 9))
    made = services.periods_ensure(task=task, now=now)
    assert [p.deadline for p in made] == [dt.date(2026, 10, 25), dt.date(2026, 9, 25)]
    task = services.task_update(
        by=world.users["department:filler"],
        task=task,
        title=task.title,
        description=task.description,
        needs_files=True,
        needs_text=False,
        recurrence_day=10,
    )
    later = timezone.make_aware(dt.datetime(2026, 11, 12, 9))
    made = services.periods_ensure(task=task, now=later)
    # October keeps its 25th (no second October period); November and December use the 10th
    assert [p.deadline for p in made] == [
        dt.date(2026, 12, 10),
        dt.date(2026, 11, 10),
        dt.date(2026, 10, 25),
        dt.date(2026, 9, 25),
    ]
    task = services.task_update(
        by=world.users["department:filler"],
        task=task,
        title=task.title,
        description=task.description,
        needs_files=True,
        needs_text=False,
        recurrence_day=None,
    )
    much_later = timezone.make_aware(dt.datetime(2027, 3, 1, 9))
    assert len(services.periods_ensure(task=task, now=much_later)) == 4  # no new period


def test_only_the_issuing_unit_changes_a_task(world) -> None:  # noqa: ANN001
    task = b.task(world.dept_other, [world.ent_other.organization])
    with pytest.raises(ValidationError, match="只能修改本单位发布的报送任务"):
        services.task_update(
            by=world.users["department:filler"],
            task=task,
            title="改",
            description="改",
            needs_files=True,
            needs_text=False,
        )
    assert _edit(world, task).status_code == 404
