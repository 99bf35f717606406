"""One monthly case report: the 报送任务 “典型执法案例月报” and 月度报送 give one status; a month's
report offers only that month's cases; the deadline reads 25日 23:59 everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from anbiao.enforcement import services as enforcement
from anbiao.enforcement.selectors import report_grid
from anbiao.obligations import rates
from anbiao.obligations.kinds import month_obligation
from anbiao.obligations.tests import builders as b
from anbiao.tasks_reporting import selectors as tasks
from anbiao.tasks_reporting.models import LinkedObligation, ReportTask, TargetMode

pytestmark = pytest.mark.django_db
NOV = dt.date(2098, 11, 1)


def linked_task(world: Any) -> ReportTask:
    from anbiao.tasks_reporting.services import task_create

    return task_create(
        by=world.users["city:filler"],
        title="典型执法案例月报",
        description="每月25日前报送",
        deadline=dt.date(2098, 11, 25),
        target_mode=TargetMode.DEPARTMENTS,
        linked=LinkedObligation.CASE_MONTHLY,
        now=b.at(2098, 11, 1),
    )


def case(world: Any, number: str, decided: dt.date) -> Any:
    return enforcement.case_create(
        by=world.users["department:filler"],
        enterprise=world.ent,
        case_number=number,
        violation="违法行为",
        legal_basis="法律依据",
        penalty="处罚结果",
        decided_on=decided,
    )


def statuses(world: Any, task: ReportTask, now: dt.datetime) -> dict[str, Any]:
    """The department's November status as each place shows it."""
    period = task.periods.get(deadline=dt.date(2098, 11, 25))
    row = {r.organization.pk: r for r in tasks.period_rows(period, now)}[world.dept.pk]
    ((_, (cell,)),) = report_grid(departments=[world.dept], months=[NOV], now=now)
    mine = {i.period.pk: i for i in tasks.my_open_items(world.users["department:filler"], now)}[
        period.pk
    ]
    ob = month_obligation(NOV)
    unit = rates.unit_statuses(ob, world.users["city:viewer"]).get(pk=world.dept.pk)
    reported_at: Any = getattr(unit, "reported_at", None)
    return {
        "task": row.state,
        "task_mine": (mine.state_label, mine.overdue, mine.left),
        "grid": (cell.report is not None, cell.late, cell.overdue),
        "obligation": rates.state_of(ob.deadline, reported_at, now)[0],
    }


def test_the_task_and_the_monthly_report_give_one_status(world: Any) -> None:
    task = linked_task(world)
    assert task.recurrence_day == 25 and not task.needs_files
    dec3 = b.at(2098, 12, 3)  # November: 8 days overdue, not reported
    assert statuses(world, task, dec3) == {
        "task": "missing",
        "task_mine": ("逾期未报", True, "已逾期 8 天"),
        "grid": (False, False, True),
        "obligation": "overdue",
    }
    enforcement.monthly_report_submit(
        by=world.users["department:filler"], month=NOV, cases=[], no_cases=True, now=dec3
    )
    assert statuses(world, task, dec3) == {
        "task": "late",
        "task_mine": ("逾期提交", False, ""),
        "grid": (True, True, False),
        "obligation": "late",
    }
    # correcting the report later keeps it as it was: timeliness is the first submission's
    enforcement.monthly_report_submit(
        by=world.users["department:filler"],
        month=NOV,
        cases=[],
        no_cases=True,
        note="补充说明",
        now=b.at(2098, 12, 20),
    )
    assert statuses(world, task, b.at(2098, 12, 21))["grid"] == (True, True, False)


def test_a_report_on_the_25th_at_2359_is_on_time_everywhere(world: Any) -> None:
    task = linked_task(world)
    enforcement.monthly_report_submit(
        by=world.users["department:filler"],
        month=NOV,
        cases=[],
        no_cases=True,
        now=b.at(2098, 11, 25, 23, 59),
    )
    got = statuses(world, task, b.at(2098, 12, 1))
    assert got["task"] == "submitted" and got["obligation"] == "on_time"
    assert got["grid"] == (True, False, False)


def test_the_linked_tasks_unit_page_leads_to_the_monthly_report(world: Any) -> None:
    task = linked_task(world)
    period = task.periods.get(deadline=dt.date(2098, 11, 25))
    c = b.client_for(world.users["department:filler"])
    r = c.get(reverse("reporting:my_period", args=[period.pk]))
    assert r.status_code == 302
    assert r["Location"] == reverse("enforcement:report_submit", args=[2098, 11])
    # and the task list links there too, with the one deadline wording
    text = c.get(reverse("reporting:task_list")).content.decode()
    assert reverse("enforcement:report_submit", args=[2098, 11]) in text
    assert "2098年11月25日 23:59" in text


def test_a_second_linked_task_is_refused(world: Any) -> None:
    linked_task(world)
    with pytest.raises(ValidationError) as exc:
        linked_task(world)
    assert "已有关联" in exc.value.message_dict["linked"][0]
    assert ReportTask.objects.count() == 1


def test_a_months_report_offers_only_the_cases_decided_that_month(world: Any) -> None:
    today = dt.date.today()
    month = today.replace(day=1)
    prev = (month - dt.timedelta(days=1)).replace(day=1)
    this = case(world, "本月案", month)
    last = case(world, "上月案", prev)
    c = b.client_for(world.users["department:filler"])
    page = c.get(reverse("enforcement:report_submit", args=[month.year, month.month]))
    text = page.content.decode()
    assert "本月案" in text and "上月案" not in text
    # the service refuses another month's case, naming the field
    with pytest.raises(ValidationError) as exc:
        enforcement.monthly_report_submit(
            by=world.users["department:filler"], month=month, cases=[this, last], no_cases=False
        )
    assert "上月案" in exc.value.message_dict["cases"][0]
    from anbiao.enforcement.models import MonthlyReport

    assert not MonthlyReport.objects.exists()


def test_the_migration_links_an_existing_monthly_case_task(world: Any) -> None:
    import importlib

    migration = importlib.import_module(
        "anbiao.tasks_reporting.migrations.0003_report_task_linked_obligation"
    )
    from anbiao.tasks_reporting.tests import builders as tb

    old = tb.task(
        world.city, [world.dept], title="典型执法案例月报", deadline=dt.date(2098, 10, 20)
    )
    old.recurrence_day = 20
    old.save()
    tb.period(old)
    other = tb.task(world.city, [world.dept], title="四项规范", deadline=dt.date(2098, 10, 20))
    migration.link_monthly_case_tasks(apps, None)
    old.refresh_from_db()
    other.refresh_from_db()
    assert (old.linked, old.recurrence_day, old.deadline) == (
        "case_month",
        25,
        dt.date(2098, 10, 25),
    )
    assert list(old.periods.values_list("deadline", flat=True)) == [dt.date(2098, 10, 25)]
    assert other.linked == ""


def test_the_deadline_reads_the_same_in_every_module(world: Any) -> None:
    from anbiao.enforcement import deadlines as enforcement_deadlines
    from anbiao.obligations import deadlines
    from anbiao.tasks_reporting import deadlines as task_deadlines

    nov25 = dt.date(2098, 11, 25)
    assert enforcement_deadlines.overdue_from(NOV) == task_deadlines.overdue_from(nov25)
    assert deadlines.deadline_text(nov25) == "2098年11月25日 23:59"
    assert month_obligation(NOV).deadline_text == "2098年11月25日 23:59"
    c = b.client_for(world.users["department:filler"])
    form = c.get(reverse("enforcement:report_submit", args=[2024, 5])).content.decode()
    assert "截止时间：2024年5月25日 23:59（北京时间）" in form
