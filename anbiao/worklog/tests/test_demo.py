"""Demo data of reporting and worklog: runs on the demo organizations, twice without change."""

from __future__ import annotations

import pytest

from anbiao.tasks_reporting import demo as reporting_demo
from anbiao.tasks_reporting.models import ReportSubmission, ReportTask
from anbiao.worklog import demo as worklog_demo
from anbiao.worklog.models import (
    Plaque,
    ReviewResult,
    StarApplication,
    StarDecision,
    WorkRecord,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (
            ReportTask,
            ReportSubmission,
            WorkRecord,
            ReviewResult,
            StarApplication,
            StarDecision,
            Plaque,
        )
    }


def test_the_demo_data_is_seeded_once_and_holds_the_examples_of_the_brief() -> None:
    from anbiao.orgs import builtin as orgs_builtin
    from anbiao.orgs import demo as orgs_demo

    orgs_builtin.load()
    orgs_demo.seed()
    reporting_demo.seed()
    worklog_demo.seed()
    first = counts()
    reporting_demo.seed()
    worklog_demo.seed()
    assert counts() == first
    titles = set(ReportTask.objects.values_list("title", flat=True))
    assert titles == {reporting_demo.FOUR_NORMS, reporting_demo.CASES, reporting_demo.MONTHLY}
    monthly = ReportTask.objects.get(title=reporting_demo.MONTHLY)
    assert monthly.recurrence_day == 25 and monthly.periods.count() >= 2
    assert first["Plaque"] == 1 and first["StarDecision"] == 3
    assert first["WorkRecord"] == 7
