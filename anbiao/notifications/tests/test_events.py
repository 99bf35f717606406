"""Messages arrive without anyone running the daily job (issue 16 item 17): a return and a new
inspection problem queue a task when they are saved, and the worker (``manage.py db_worker``,
the configured django-tasks-db backend) delivers it; the deadline reminders come from the run
that ``make run`` queues when it starts and every hour."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anbiao.accounts.models import Role
from anbiao.checklists import services as checklist_services
from anbiao.checklists.tests import helpers as checklist_helpers
from anbiao.notifications.models import Kind, Notification
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification import services as rectification_services
from anbiao.rectification.models import ProblemSource

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
MAKEFILE = Path(__file__).resolve().parents[3] / "Makefile"


@pytest.fixture
def scene():  # noqa: ANN201
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局", parent=None)
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory.create(department=dept, town=town)
    return {
        "ent": ent,
        "writer": make_user(ent.organization, Role.FILLER, username="ent_filler"),
        "dept_user": make_user(dept, Role.ORG_ADMIN, username="dept_admin"),
    }


def _work() -> None:
    """One pass of the real worker over the queue, as ``make run`` keeps doing."""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def messages_of(user) -> list[tuple[str, str]]:  # noqa: ANN001
    return list(Notification.objects.filter(user=user).values_list("kind", "title"))


def test_a_returned_checklist_reaches_the_units_messages_through_the_worker(
    scene,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    checklist_helpers.campaign()
    checklist = checklist_helpers.submitted(scene["ent"].organization, scene["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        checklist_services.checklist_return(
            by=scene["dept_user"], checklist=checklist, reason="签字不清晰"
        )
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert messages_of(scene["writer"]) == []  # queued, not yet delivered
    _work()
    assert messages_of(scene["writer"]) == [(Kind.RETURNED, "“回头看”细则第1次提交被退回")]
    body = Notification.objects.get(user=scene["writer"]).body
    assert body == "退回原因：签字不清晰"
    _work()  # nothing twice
    assert Notification.objects.filter(user=scene["writer"]).count() == 1


def test_a_new_inspection_problem_reaches_the_enterprise_and_not_the_inspector(
    scene,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        problem = rectification_services.problem_record(
            by=scene["dept_user"],
            organization=scene["ent"].organization,
            description="配电箱未接地",
            source=ProblemSource.INSPECTION,
        )
    _work()
    assert messages_of(scene["writer"]) == [(Kind.PROBLEM_ASSIGNED, "新问题待整改")]
    note = Notification.objects.get(user=scene["writer"])
    assert note.body == "配电箱未接地" and str(problem.pk) in note.url
    assert messages_of(scene["dept_user"]) == []


def test_a_units_own_problem_queues_nothing(scene, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rectification_services.problem_record(
            by=scene["writer"],
            organization=scene["ent"].organization,
            description="消防通道堆放杂物",
            source=ProblemSource.ENTERPRISE_SELF,
        )
    assert callbacks == [] and not DBTaskResult.objects.exists()


def test_an_approaching_deadline_comes_from_the_run_queued_at_start(scene) -> None:
    today = timezone.localdate()
    checklist_helpers.campaign(
        enterprise_deadline=today + timedelta(days=3),
        government_deadline=today + timedelta(days=90),
    )
    call_command("send_reminders", enqueue=True, verbosity=0)
    _work()
    kinds = [k for k, _ in messages_of(scene["writer"])]
    assert kinds == [Kind.DEADLINE]


def test_make_run_starts_the_worker_and_the_hourly_reminders_and_stops_them_with_the_server() -> (
    None
):
    makefile = MAKEFILE.read_text(encoding="utf-8")
    run = re.search(r"^run: .*?(?=^\S)", makefile, re.S | re.M)
    assert run is not None
    recipe = run.group(0)
    assert "manage.py db_worker" in recipe and "&" in recipe
    assert "send_reminders --enqueue" in recipe
    assert re.search(r"trap '[^']*kill[^']*' EXIT", recipe)
    assert recipe.index("db_worker") < recipe.index("runserver")
