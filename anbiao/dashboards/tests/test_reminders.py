"""The daily reminder job with this app's producers: each kind once, idempotent, day boundaries."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.checklists import services as checklist_services
from anbiao.checklists.tests import helpers as checklist_helpers
from anbiao.notices import services as notice_services
from anbiao.notices.models import NoticeKind
from anbiao.notifications.models import Kind, Notification
from anbiao.notifications.reminders import send_due_reminders
from anbiao.notifications.services import preferences_set
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.records.tests.helpers import pdf_upload
from anbiao.rectification.models import Problem, ProblemStatus, ProblemTransition
from anbiao.rectification.tests.helpers import problem

pytestmark = pytest.mark.django_db

# Asia/Shanghai is UTC+8: 15:59 UTC is 23:59 local, 16:00 UTC is the next day's 00:00 local.
JUNE_22_LATE = datetime(2024, 6, 22, 15, 59, tzinfo=UTC)  # 2024-06-22 23:59 Shanghai
JUNE_23_START = datetime(2024, 6, 22, 16, 0, tzinfo=UTC)  # 2024-06-23 00:00 Shanghai
JUNE_24_START = datetime(2024, 6, 23, 16, 0, tzinfo=UTC)  # 2024-06-24 00:00 Shanghai


@pytest.fixture
def at(monkeypatch):
    """Run the job as if the clock showed the given UTC instant (``send_due_reminders()``
    computes the local date itself)."""

    def run(instant: datetime) -> int:
        monkeypatch.setattr(timezone, "now", lambda: instant)
        try:
            return send_due_reminders()
        finally:
            monkeypatch.undo()

    return run


@pytest.fixture
def scene():
    """One enterprise owing everything on 2024-06-22 (local), and its supervisors."""
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局", parent=None)
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory.create(department=dept, town=town)
    other = EnterpriseFactory.create(department=dept, town=town)
    writer = make_user(ent.organization, Role.FILLER, username="ent_filler")
    viewer = make_user(ent.organization, Role.VIEWER, username="ent_viewer")
    dept_user = make_user(dept, Role.ORG_ADMIN, username="dept_admin")
    other_writer = make_user(other.organization, Role.FILLER, username="other_filler")
    camp = checklist_helpers.campaign(
        enterprise_deadline=date(2024, 6, 25), government_deadline=date(2099, 1, 1)
    )
    # The other enterprise submitted and was returned once (a return event).
    returned = checklist_helpers.submitted(other.organization, other_writer)
    checklist_services.checklist_return(by=dept_user, checklist=returned, reason="签字不清晰")
    # Problems of the enterprise: assigned by the department, due in 3 days, overdue, rejected.
    assigned = problem(ent.organization, description="新登记的问题", deadline=date(2099, 1, 1))
    Problem.objects.filter(pk=assigned.pk).update(recorded_org=dept)
    problem(ent.organization, description="三天后到期", deadline=date(2024, 6, 25))
    problem(ent.organization, description="六月二十二日到期", deadline=date(2024, 6, 22))
    rejected = problem(ent.organization, description="验收未通过的问题", deadline=date(2099, 1, 1))
    ProblemTransition.objects.create(
        problem=rejected,
        action="reject",
        from_status=ProblemStatus.AWAITING,
        to_status=ProblemStatus.IN_PROGRESS,
        reason="照片不清楚",
    )
    notice = notice_services.notice_issue(
        by=dept_user, kind=NoticeKind.STANDARDIZATION, title="", document=pdf_upload()
    )
    notice_services.notice_deliver(by=dept_user, notice=notice, enterprises=[ent])
    return {
        "camp": camp,
        "ent": ent,
        "writer": writer,
        "viewer": viewer,
        "dept_user": dept_user,
        "other_writer": other_writer,
    }


def kinds_of(user) -> Counter:
    return Counter(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_each_kind_is_produced_once_for_the_units_writers(scene, at):
    at(JUNE_22_LATE)
    got = kinds_of(scene["writer"])
    assert got == Counter(
        {
            Kind.DEADLINE: 1,  # 2024-06-25 is in 3 days, not submitted
            Kind.PROBLEM_ASSIGNED: 1,
            Kind.PROBLEM_DUE: 1,  # due 2024-06-25
            Kind.PROBLEM_REJECTED: 1,
            Kind.NOTICE: 1,
        }
    )
    # The returned enterprise hears of its return, not of the deadline (returned ≠ submitted
    # counts as not submitted, so the deadline reminder comes too).
    assert kinds_of(scene["other_writer"]) == Counter({Kind.RETURNED: 1, Kind.DEADLINE: 1})
    # The department owes its monthly case report on the 22nd.
    assert kinds_of(scene["dept_user"]) == Counter({Kind.CASE_REPORT: 1})
    # A viewer is not a writer: nothing.
    assert kinds_of(scene["viewer"]) == Counter()


def test_running_the_job_again_the_same_day_sends_nothing(scene, at):
    first = at(JUNE_22_LATE)
    total = Notification.objects.count()
    assert first == total > 0
    assert at(JUNE_22_LATE) == 0
    assert Notification.objects.count() == total


def test_midnight_in_shanghai_starts_a_new_day_overdue_once_and_no_repeats(scene, at):
    at(JUNE_22_LATE)
    writer = scene["writer"]
    # 23:59 local on the deadline day: not yet overdue.
    assert kinds_of(writer)[Kind.PROBLEM_OVERDUE] == 0
    # 00:00 local the next day (still 2024-06-22 in UTC): overdue, once.
    at(JUNE_23_START)
    assert kinds_of(writer)[Kind.PROBLEM_OVERDUE] == 1
    assert at(JUNE_23_START) == 0
    # The day after: still overdue, but it was announced already; nothing else is due.
    at(JUNE_24_START)
    assert kinds_of(writer)[Kind.PROBLEM_OVERDUE] == 1
    # Every other kind still exactly once; the 1-day deadline reminder comes on 06-24.
    got = kinds_of(writer)
    assert got[Kind.DEADLINE] == 2  # 3 days before and 1 day before
    assert got[Kind.PROBLEM_DUE] == got[Kind.NOTICE] == got[Kind.PROBLEM_ASSIGNED] == 1
    keys = list(Notification.objects.filter(user=writer).values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys))


def test_the_monthly_case_report_reminder_comes_on_the_22nd_and_the_25th_only(scene, at):
    dept_user = scene["dept_user"]
    at(JUNE_22_LATE)
    at(JUNE_23_START)
    assert kinds_of(dept_user)[Kind.CASE_REPORT] == 1
    at(datetime(2024, 6, 24, 16, 0, tzinfo=UTC))  # 06-25 00:00 local
    assert kinds_of(dept_user)[Kind.CASE_REPORT] == 2


def test_a_user_who_turned_a_kind_off_gets_nothing_of_that_kind(scene, at):
    writer = scene["writer"]
    preferences_set(user=writer, choices={Kind.PROBLEM_DUE: (False, False)})
    at(JUNE_22_LATE)
    got = kinds_of(writer)
    assert got[Kind.PROBLEM_DUE] == 0
    assert got[Kind.DEADLINE] == 1


def test_an_acknowledged_notice_or_a_submitted_checklist_is_not_reminded(scene, at):
    from anbiao.notices.models import NoticeDelivery

    ent = scene["ent"]
    NoticeDelivery.objects.filter(enterprise=ent).update(acknowledged_at=timezone.now())
    checklist = checklist_helpers.submitted(ent.organization, scene["writer"])
    assert checklist.is_submitted
    at(JUNE_22_LATE)
    got = kinds_of(scene["writer"])
    assert got[Kind.NOTICE] == 0 and got[Kind.DEADLINE] == 0
