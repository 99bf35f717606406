"""Two people editing one reporting task, or one unit's answer: the second save gets 409."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.versioning import VERSION_ERROR
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory, make_user
from anbiao.tasks_reporting.models import ReportSubmission, ReportTask
from anbiao.tasks_reporting.tests import builders as b

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


def named(user, name: str):  # noqa: ANN001, ANN201
    user.full_name = name
    user.save(update_fields=["full_name"])
    return user


def shown(response) -> int:  # noqa: ANN001
    return int(response.context["form"]["version"].value())


@pytest.fixture
def units():  # noqa: ANN201
    city = OrganizationFactory(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="应急管理局")
    return city, dept


def test_two_issuers_editing_one_task_the_second_gets_409_and_keeps_its_text(units):  # noqa: ANN001
    city, dept = units
    first = named(make_user(city, Role.FILLER), "王督查")
    second = named(make_user(city, Role.ORG_ADMIN), "赵主任")
    task = b.task(city, [dept])
    url = reverse("reporting:task_edit", args=[task.pk])
    a, c = login(first), login(second)
    va, vc = shown(a.get(url)), shown(c.get(url))

    def form(version: int, description: str) -> dict[str, object]:
        return {
            "version": version,
            "title": task.title,
            "description": description,
            "needs_files": "on",
            "deadline": task.deadline.isoformat(),
        }

    assert a.post(url, form(va, "王：请报送本月执法情况")).status_code == 302
    r = c.post(url, form(vc, "赵：请报送季度执法情况及案卷"))
    assert r.status_code == 409
    html = r.content.decode()
    assert "赵：请报送季度执法情况及案卷" in html and 'id="edit-conflict"' in html
    assert "王督查（市安委办）" in html and "修改了报送任务（报送要求）" in html
    assert ReportTask.objects.get(pk=task.pk).description == "王：请报送本月执法情况"
    assert shown(r) == ReportTask.objects.get(pk=task.pk).version


def test_two_people_of_a_unit_answering_one_period_the_second_gets_409_and_keeps_its_text(units):  # noqa: ANN001
    city, dept = units
    first = named(make_user(dept, Role.FILLER), "孙填报")
    second = named(make_user(dept, Role.ORG_ADMIN), "周管理")
    period = b.period(b.task(city, [dept]))
    url = reverse("reporting:my_period", args=[period.pk])
    a, c = login(first), login(second)
    va, vc = shown(a.get(url)), shown(c.get(url))
    assert va == vc == 0  # nothing saved yet: the answer appears with its first save
    assert a.post(url, {"version": va, "text": "孙：本月办理案件 3 起"}).status_code == 302
    r = c.post(url, {"version": vc, "text": "周：本月办理案件 4 起"})
    assert r.status_code == 409
    html = r.content.decode()
    assert "周：本月办理案件 4 起" in html and 'id="edit-conflict"' in html
    assert "孙填报（应急管理局）" in html and "修改了报送材料（文字答复）" in html
    sub = ReportSubmission.objects.get(period=period, organization=dept)
    assert sub.text == "孙：本月办理案件 3 起"
    assert shown(r) == sub.version
    r = c.post(url, {"text": "周：没有版本号"})
    assert r.status_code == 200 and VERSION_ERROR in r.content.decode()
    assert ReportSubmission.objects.get(pk=sub.pk).text == "孙：本月办理案件 3 起"
