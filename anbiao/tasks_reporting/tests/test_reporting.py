"""Reporting tasks end to end: who must submit, submitting, returning, the issuer's view, the .zip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.accounts.tests.helpers import login_fully
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import OrgKind, SizeClass
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.tasks_reporting import selectors, services
from anbiao.tasks_reporting.models import ReportSubmission, ReportTask, SubmissionStatus, TargetMode
from anbiao.tasks_reporting.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    from anbiao.core.tests.world import build_world

    return build_world()


def client_for(user) -> Client:  # noqa: ANN001
    c = Client()
    login_fully(c, user)
    return c


def test_the_city_office_can_ask_all_towns_and_the_list_is_resolved_once(world) -> None:  # noqa: ANN001
    task = services.task_create(
        by=world.users["city:filler"],
        title="“四项规范”3.0版本文本及电子版报送",
        description="安全生产检查清单等",
        deadline=dt.date(2099, 9, 30),
        target_mode=TargetMode.TOWNS,
    )
    assert set(task.recipients.all()) == {world.town, world.town_other}
    assert task.periods.count() == 1
    assert AuditEntry.objects.filter(action="anbiao.report_task.created").count() == 1


def test_a_department_reaches_only_its_own_enterprises_of_the_chosen_class(world) -> None:  # noqa: ANN001
    small = EnterpriseFactory.create(
        town=world.town, department=world.dept, size_class=SizeClass.SMALL
    )
    world.ent.size_class = SizeClass.ABOVE
    world.ent.save()
    task = services.task_create(
        by=world.users["department:filler"],
        title="优秀案例遴选报送",
        description="报送优秀案例",
        deadline=dt.date(2099, 9, 30),
        target_mode=TargetMode.ENTERPRISES,
        size_class=SizeClass.SMALL,
    )
    assert list(task.recipients.all()) == [small.organization]


def test_a_department_cannot_ask_towns_or_pick_units_outside_its_scope(world) -> None:  # noqa: ANN001
    by = world.users["department:filler"]
    common = {"by": by, "title": "t", "description": "d", "deadline": dt.date(2099, 1, 1)}
    with pytest.raises(ValidationError) as exc:
        services.task_create(target_mode=TargetMode.TOWNS, **common)
    assert "target_mode" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            target_mode=TargetMode.UNITS, units=[world.ent_other.organization], **common
        )
    assert "外辖区测试企业有限公司" in exc.value.message_dict["units"][0]
    assert ReportTask.objects.count() == 0


def test_a_unit_uploads_writes_and_submits_then_the_issuer_returns_and_it_resubmits(world) -> None:  # noqa: ANN001
    issuer = world.users["city:filler"]
    task = services.task_create(
        by=issuer,
        title="典型执法案例月报",
        description="每月报送",
        deadline=dt.date(2099, 9, 25),
        target_mode=TargetMode.UNITS,
        units=[world.dept],
        needs_text=True,
    )
    period = task.periods.get()
    unit = client_for(world.users["department:filler"])
    url = reverse("reporting:my_period", args=[period.pk])

    def shown() -> int:  # the version the unit's page carries
        return int(unit.get(url).context["form"]["version"].value())

    # Submitting without the text answer is refused and the upload is kept.
    r = unit.post(
        url, {"version": shown(), "text": "", "files": [b.pdf("案例.pdf")], "submit": "1"}
    )
    assert r.status_code == 200
    assert "文字答复：请填写文字答复。" in r.content.decode()
    sub = ReportSubmission.objects.get(period=period, organization=world.dept)
    assert sub.status == SubmissionStatus.DRAFT
    r = unit.post(url, {"version": shown(), "text": "本月办理案件 3 起", "submit": "1"})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED
    assert [f.original_name for f in sub.files.all()] == ["案例.pdf"]

    # A submitted answer cannot be changed by the unit.
    unit.post(url, {"version": shown(), "text": "改了"})
    sub.refresh_from_db()
    assert sub.text == "本月办理案件 3 起"

    office = client_for(issuer)
    r = office.post(
        reverse("reporting:submission_return", args=[sub.pk]), {"reason": "缺少案件编号"}
    )
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.RETURNED
    assert "缺少案件编号" in unit.get(url).content.decode()

    r = unit.post(url, {"version": shown(), "text": "本月办理案件 3 起，案号见附件", "submit": "1"})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED


def test_a_return_needs_a_reason(world) -> None:  # noqa: ANN001
    t = b.task(world.city, [world.dept])
    sub = b.submission(b.period(t), world.dept)
    with pytest.raises(ValidationError):
        services.submission_return(by=world.users["city:filler"], submission=sub, reason=" ")
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED


def test_the_issuer_sees_submitted_late_and_missing_units(world) -> None:  # noqa: ANN001
    t = b.task(
        world.city, [world.dept, world.town, world.town_other], deadline=dt.date(2025, 9, 30)
    )
    p = b.period(t)
    on_time = b.submission(p, world.dept)
    on_time.submitted_at = dt.datetime(2025, 9, 30, 15, 0, tzinfo=dt.UTC)  # 23:00 Shanghai
    on_time.save()
    late = b.submission(p, world.town)
    late.submitted_at = dt.datetime(2025, 9, 30, 16, 0, tzinfo=dt.UTC)  # 10-01 00:00 Shanghai
    late.save()
    rows = {r.organization: r.state for r in selectors.period_rows(p, now=timezone.now())}
    assert rows == {world.dept: "submitted", world.town: "late", world.town_other: "missing"}
    page = client_for(world.users["city:viewer"]).get(
        reverse("reporting:period_detail", args=[p.pk])
    )
    text = page.content.decode()
    assert "逾期提交" in text and "逾期未报" in text


def test_the_unit_sees_its_overdue_task_in_red(world) -> None:  # noqa: ANN001
    t = b.task(world.city, [world.ent.organization], deadline=dt.date(2020, 1, 1), title="过期任务")
    b.period(t)
    text = (
        client_for(world.users["enterprise:viewer"])
        .get(reverse("reporting:task_list"))
        .content.decode()
    )
    assert "过期任务" in text
    assert 'class="tag tag-danger">已逾期' in text


def test_the_zip_holds_one_folder_per_unit_with_its_files(world) -> None:  # noqa: ANN001
    a = OrganizationFactory.create(kind=OrgKind.TOWN, name='码头镇<测试>:"a/b"?')
    t = b.task(world.city, [world.dept, world.town, a])
    p = b.period(t)
    b.submission(p, world.dept, files=[b.pdf("清单.pdf", b"one"), b.pdf("清单.pdf", b"two")])
    b.submission(p, a, files=[b.pdf("..\\..\\evil.pdf", b"three")], text="文字说明")
    b.submission(p, world.town, submitted=False)  # not submitted: not in the zip
    r = client_for(world.users["city:viewer"]).get(reverse("reporting:period_zip", args=[p.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = sorted(zf.namelist())
        assert names == sorted(
            [
                "测试应急管理局/清单.pdf",
                "测试应急管理局/清单（2）.pdf",
                "码头镇_测试___a_b__/evil.pdf",
                "码头镇_测试___a_b__/文字答复.txt",
            ]
        )
        assert b"one" in zf.read("测试应急管理局/清单.pdf")
        assert b"two" in zf.read("测试应急管理局/清单（2）.pdf")
        assert zf.read("码头镇_测试___a_b__/文字答复.txt").decode() == "文字说明"
        for n in names:
            assert ".." not in n.split("/") and not n.startswith("/")
            assert not any(ch in n.split("/")[0] for ch in '\\:*?"<>|')


def test_safe_zip_names_never_escape_the_folder() -> None:
    assert services.safe_zip_name("..") == "文件"
    assert services.safe_zip_name("../a") == "_a"
    assert services.safe_zip_name("CON.pdf") == "_CON.pdf"
    assert services.safe_zip_name(" a:b ") == "a_b"


def test_a_viewer_cannot_submit_for_its_unit(world) -> None:  # noqa: ANN001
    t = b.task(world.city, [world.ent.organization])
    p = b.period(t)
    c = client_for(world.users["enterprise:viewer"])
    c.post(reverse("reporting:my_period", args=[p.pk]), {"version": 0, "text": "x", "submit": "1"})
    assert not ReportSubmission.objects.filter(status=SubmissionStatus.SUBMITTED).exists()


def test_the_create_form_names_the_missing_fields(world) -> None:  # noqa: ANN001
    c = client_for(world.users["city:org_admin"])
    r = c.post(reverse("reporting:task_create"), {"title": "我的任务", "target_mode": "units"})
    text = r.content.decode()
    assert "截止日期：" in text and "指定单位：请选择报送单位。" in text
    assert 'value="我的任务"' in text


def test_the_create_form_publishes_a_monthly_task(world) -> None:  # noqa: ANN001
    c = client_for(world.users["city:org_admin"])
    r = c.post(
        reverse("reporting:task_create"),
        {
            "title": "月报",
            "description": "每月 25 日前",
            "target_mode": "departments",
            "deadline": "2025-01-25",
            "recurrence_day": "25",
            "needs_files": "on",
            # the first deadline lies in the past: the periods since then are generated
            "confirm_past_deadline": "on",
        },
    )
    assert r.status_code == 302
    task = ReportTask.objects.get(title="月报")
    assert task.recurrence_day == 25
    assert world.dept in task.recipients.all()
    assert task.periods.count() >= 2  # generated through the current month


def test_the_three_administrators_do_not_see_reporting(world) -> None:  # noqa: ANN001
    user = make_user(world.city, Role.SYSADMIN, username="sys2")
    assert client_for(user).get(reverse("reporting:task_list")).status_code == 404


def test_the_home_page_shows_the_units_open_and_overdue_reporting(world) -> None:  # noqa: ANN001
    t = b.task(world.city, [world.dept], deadline=dt.date(2020, 1, 1), title="逾期的报送")
    b.period(t)
    text = client_for(world.users["department:filler"]).get(reverse("core:home")).content.decode()
    assert "本单位有 1 项报送未提交，其中 1 项已逾期。" in text
    assert reverse("reporting:task_list") in text


def test_the_menu_counts_monthly_periods_without_writing_them(world) -> None:  # noqa: ANN001
    from anbiao.tasks_reporting.menu import nav_items
    from anbiao.tasks_reporting.models import ReportPeriod

    b.task(world.city, [world.dept], deadline=dt.date(2025, 1, 25), recurrence_day=25)
    items = nav_items(world.users["department:viewer"])
    assert items[0].badge is not None and items[0].badge >= 2
    assert not ReportPeriod.objects.exists()


def test_opening_a_task_creates_no_submission(world) -> None:  # noqa: ANN001
    p = b.period(b.task(world.city, [world.ent.organization]))
    r = client_for(world.users["enterprise:viewer"]).get(
        reverse("reporting:my_period", args=[p.pk])
    )
    assert r.status_code == 200
    assert not ReportSubmission.objects.exists()
