"""A task cannot be issued with a deadline already past without an explicit confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anbiao.core.tests.world import build_world
from anbiao.obligations.tests.builders import client_for
from anbiao.tasks_reporting import services
from anbiao.tasks_reporting.models import ReportTask, TargetMode

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    return build_world()


def issue(world: Any, deadline: dt.date, **kw: Any) -> ReportTask:
    return services.task_create(
        by=world.users["city:filler"],
        title="材料报送",
        description="请报送",
        deadline=deadline,
        target_mode=TargetMode.DEPARTMENTS,
        **kw,
    )


def test_it_refuses_a_past_deadline_without_confirmation_and_writes_nothing(world: Any) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        issue(world, yesterday)
    message = exc.value.message_dict["deadline"][0]
    assert "已过" in message and "确认截止时间已过" in message
    assert not ReportTask.objects.exists()
    task = issue(world, yesterday, confirm_past_deadline=True)
    assert task.deadline == yesterday


def test_todays_deadline_is_not_past(world: Any) -> None:
    # due today at 23:59: nobody is late yet
    assert issue(world, timezone.localdate()).pk


def test_the_form_names_the_field_keeps_the_text_and_accepts_the_confirmation(world: Any) -> None:
    c = client_for(world.users["city:org_admin"])
    data = {
        "title": "过期任务",
        "description": "请补报材料",
        "target_mode": "departments",
        "deadline": "2024-01-10",
        "needs_files": "on",
    }
    r = c.post(reverse("reporting:task_create"), data)
    text = r.content.decode()
    assert r.status_code == 200
    assert "截止日期：2024年1月10日已过" in text
    assert 'value="过期任务"' in text and "请补报材料" in text
    assert "确认截止时间已过" in text
    assert not ReportTask.objects.exists()
    r = c.post(reverse("reporting:task_create"), {**data, "confirm_past_deadline": "on"})
    assert r.status_code == 302
    assert ReportTask.objects.get().title == "过期任务"
