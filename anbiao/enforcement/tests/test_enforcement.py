from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.core.tests.world import build_world
from anbiao.enforcement import selectors, services
from anbiao.enforcement.models import (
    EnforcementCase,
    EnforcementPriority,
    ExposureBatch,
    MonthlyReport,
    PriorityReason,
)
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world():  # noqa: ANN201
    return build_world()


def login(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


def make_case(
    user, enterprise, number: str, day: dt.date = dt.date(2024, 5, 10)
) -> EnforcementCase:  # noqa: ANN001
    return services.case_create(
        by=user,
        enterprise=enterprise,
        case_number=number,
        violation="安全生产标准化“纸上达标”，未实际运行",
        legal_basis="《中华人民共和国安全生产法》第四条",
        penalty="责令改正，罚款一万元",
        fine_amount=None,
        decided_on=day,
    )


def test_a_case_number_is_unique_within_a_department_only(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    make_case(user, world.ent, "南应急罚〔2024〕1号")
    with pytest.raises(ValidationError) as exc:
        make_case(user, world.ent, "南应急罚〔2024〕1号")
    assert exc.value.message_dict == {"case_number": ["本单位已有相同案号的案例。"]}
    other = make_user(world.dept_other, Role.FILLER)
    make_case(other, world.ent_other, "南应急罚〔2024〕1号")  # another department: fine
    assert EnforcementCase.objects.count() == 2


def test_a_department_cannot_record_a_case_against_an_enterprise_outside_its_scope(world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as exc:
        make_case(world.users["department:filler"], world.ent_other, "1")
    assert "enterprise" in exc.value.message_dict
    assert EnforcementCase.objects.count() == 0


def test_the_case_form_names_the_duplicate_case_number_and_keeps_the_input(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    make_case(user, world.ent, "A-1")
    response = login(user).post(
        reverse("enforcement:case_create"),
        {
            "enterprise": world.ent.pk,
            "case_number": "A-1",
            "violation": "未开展隐患排查",
            "legal_basis": "安全生产法",
            "penalty": "警告",
            "decided_on": "2024-05-11",
        },
    )
    html = response.content.decode()
    assert "案号：本单位已有相同案号的案例。" in html
    assert "未开展隐患排查" in html


def test_exposure_counts_batches_and_distinct_enterprises(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    second = EnterpriseFactory.create(town=world.town, department=world.dept)
    c1 = make_case(user, world.ent, "1")
    c2 = make_case(user, world.ent, "2")
    c3 = make_case(user, second, "3")
    b1 = services.batch_create(by=user, title="第一批", date=dt.date(2024, 5, 20), cases=[c1, c2])
    b2 = services.batch_create(by=user, title="第二批", date=dt.date(2024, 6, 20), cases=[c2, c3])
    draft = services.batch_create(by=user, title="草稿", date=dt.date(2024, 6, 21), cases=[c3])
    services.batch_publish(by=user, batch=b1)
    services.batch_publish(by=user, batch=b2)
    summary = selectors.exposure_summary(selectors.published_batches())
    assert (summary.batches, summary.enterprises) == (2, 2)  # ent counted once
    assert summary.enterprise_ids == {world.ent.pk, second.pk}
    may = selectors.exposure_summary(
        selectors.published_batches(start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 31))
    )
    assert (may.batches, may.enterprises) == (1, 1)
    assert draft.pk not in set(selectors.published_batches().values_list("pk", flat=True))
    other = selectors.exposure_summary(
        selectors.published_batches(department_ids=[world.dept_other.pk])
    )
    assert (other.batches, other.enterprises) == (0, 0)


def test_a_published_batch_is_read_only(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    case = make_case(user, world.ent, "1")
    batch = services.batch_create(by=user, title="第一批", date=dt.date(2024, 5, 20), cases=[case])
    services.batch_publish(by=user, batch=batch)
    with pytest.raises(ValidationError, match="已曝光"):
        services.batch_update(by=user, batch=batch, title="改", date=batch.date, cases=[])
    with pytest.raises(ValidationError, match="已曝光"):
        services.case_update(by=user, case=case, penalty="改")
    response = login(user).post(
        reverse("enforcement:batch_detail", args=[batch.pk]),
        {"title": "改", "date": "2024-05-01"},
        follow=True,
    )
    assert "不能再修改" in response.content.decode()
    batch.refresh_from_db()
    assert batch.title == "第一批" and batch.cases.count() == 1


def test_an_empty_batch_cannot_be_published(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    batch = services.batch_create(by=user, title="空", date=dt.date(2024, 5, 20), cases=[])
    with pytest.raises(ValidationError):
        services.batch_publish(by=user, batch=batch)
    assert not ExposureBatch.objects.filter(status="published").exists()


def test_a_batch_takes_only_its_departments_cases(world) -> None:  # noqa: ANN001
    other_user = make_user(world.dept_other, Role.FILLER)
    foreign = make_case(other_user, world.ent_other, "X")
    with pytest.raises(ValidationError):
        services.batch_create(
            by=world.users["department:filler"],
            title="t",
            date=dt.date(2024, 5, 1),
            cases=[foreign],
        )


def test_a_monthly_report_with_zero_cases_must_state_it_explicitly(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    now = dt.datetime(2024, 5, 20, 10, tzinfo=SH)
    with pytest.raises(ValidationError) as exc:
        services.monthly_report_submit(
            by=user, month=dt.date(2024, 5, 1), cases=[], no_cases=False, now=now
        )
    assert "本月无典型案例" in exc.value.message_dict["cases"][0]
    case = make_case(user, world.ent, "1")
    with pytest.raises(ValidationError):
        services.monthly_report_submit(
            by=user, month=dt.date(2024, 5, 1), cases=[case], no_cases=True, now=now
        )
    assert MonthlyReport.objects.count() == 0
    report = services.monthly_report_submit(
        by=user, month=dt.date(2024, 5, 1), cases=[], no_cases=True, now=now
    )
    assert report.no_cases and report.cases.count() == 0


def test_the_city_office_sees_who_reported_and_who_is_overdue(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    case = make_case(user, world.ent, "1")
    services.monthly_report_submit(
        by=user,
        month=dt.date(2024, 5, 1),
        cases=[case],
        no_cases=False,
        now=dt.datetime(2024, 5, 25, 23, 59, tzinfo=SH),
    )
    services.monthly_report_submit(
        by=user,
        month=dt.date(2024, 6, 1),
        cases=[],
        no_cases=True,
        now=dt.datetime(2024, 6, 26, 0, 0, tzinfo=SH),
    )
    months = [dt.date(2024, 5, 1), dt.date(2024, 6, 1), dt.date(2024, 7, 1)]
    at = dt.datetime(2024, 7, 25, 16, 0, tzinfo=dt.UTC)  # 2024-07-26 00:00 in Shanghai
    grid = dict(
        (d.name, cells)
        for d, cells in selectors.report_grid(
            departments=[world.dept, world.dept_other], months=months, now=at
        )
    )
    mine = grid[world.dept.name]
    assert [c.label for c in mine] == [
        "已报送 1 件",
        "已报送（本月无典型案例）（逾期）",
        "逾期未报",
    ]
    assert [c.overdue for c in grid[world.dept_other.name]] == [True, True, True]
    just_before = dt.datetime(2024, 7, 25, 15, 59, tzinfo=dt.UTC)
    rows = selectors.report_grid(departments=[world.dept_other], months=months, now=just_before)
    assert [c.overdue for c in rows[0][1]] == [True, True, False]


def test_correcting_an_on_time_report_after_the_deadline_keeps_it_on_time(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    may = dt.date(2024, 5, 1)
    for when in (dt.datetime(2024, 5, 20, 9, tzinfo=SH), dt.datetime(2024, 6, 3, 9, tzinfo=SH)):
        services.monthly_report_submit(by=user, month=may, cases=[], no_cases=True, now=when)
    at = dt.datetime(2024, 6, 4, tzinfo=SH)
    ((_, (cell,)),) = selectors.report_grid(departments=[world.dept], months=[may], now=at)
    assert cell.label == "已报送（本月无典型案例）"  # first reported on the 20th: on time
    assert MonthlyReport.objects.get().submitted_at == dt.datetime(2024, 6, 3, 9, tzinfo=SH)


def test_a_months_report_refuses_a_case_decided_in_another_month(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    april = make_case(user, world.ent, "4", day=dt.date(2024, 4, 30))
    with pytest.raises(ValidationError) as exc:
        services.monthly_report_submit(
            by=user,
            month=dt.date(2024, 5, 1),
            cases=[april],
            no_cases=False,
            now=dt.datetime(2024, 5, 20, tzinfo=SH),
        )
    assert "2024年5月" in exc.value.message_dict["cases"][0]
    assert not MonthlyReport.objects.exists()


def test_the_overview_page_marks_missing_past_months_in_red(world) -> None:  # noqa: ANN001
    services.monthly_report_submit(
        by=world.users["department:filler"],
        month=dt.date(2024, 5, 1),
        cases=[],
        no_cases=True,
        now=dt.datetime(2024, 5, 3, tzinfo=SH),
    )
    response = login(world.users["city:viewer"]).get(
        reverse("enforcement:report_overview"), {"start": "2024-05", "end": "2024-06"}
    )
    html = response.content.decode()
    assert '<td class="overdue" data-month="2024-06" title="逾期未报">逾期未报</td>' in html
    assert '<td data-month="2024-05" title="已报送（本月无典型案例）">无案例</td>' in html
    # Two departments in the world: one reported May, none reported June.
    assert '<td class="num" data-total="2024-05">1 / <span class="overdue">1</span></td>' in html
    assert '<td class="num" data-total="2024-06">0 / <span class="overdue">2</span></td>' in html
    assert html.index('data-month="2024-06"') < html.index('data-month="2024-05"')
    bad = login(world.users["city:viewer"]).get(
        reverse("enforcement:report_overview"), {"start": "2024-13"}
    )
    assert "月份格式应为" in bad.content.decode()


def test_a_report_for_a_future_month_is_refused(world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        services.monthly_report_submit(
            by=world.users["department:filler"],
            month=dt.date(2024, 6, 1),
            cases=[],
            no_cases=True,
            now=dt.datetime(2024, 5, 31, 23, 0, tzinfo=SH),
        )


def test_the_monthly_form_submits_through_the_view(world) -> None:  # noqa: ANN001
    user = world.users["department:principal"]
    case = make_case(user, world.ent, "9")
    c = login(user)
    empty = c.post(reverse("enforcement:report_submit", args=[2024, 5]), {})
    assert "本月无典型案例" in empty.content.decode() and empty.status_code == 200
    ok = c.post(reverse("enforcement:report_submit", args=[2024, 5]), {"cases": [case.pk]})
    assert ok.status_code == 302
    report = MonthlyReport.objects.get()
    assert list(report.cases.all()) == [case]
    assert AuditEntry.objects.filter(action="anbiao.monthly_report.submitted").count() == 1


def test_priorities_are_marked_in_scope_and_listed_for_units_in_scope(world) -> None:  # noqa: ANN001
    dept_user = world.users["department:filler"]
    p = services.priority_mark(
        by=dept_user, enterprise=world.ent, reason=PriorityReason.FAKE, note="假创建"
    )
    with pytest.raises(ValidationError):
        services.priority_mark(by=dept_user, enterprise=world.ent, reason=PriorityReason.FAKE)
    with pytest.raises(ValidationError):
        services.priority_mark(
            by=dept_user, enterprise=world.ent_other, reason=PriorityReason.PAPER
        )
    assert list(selectors.priorities_for_user(world.users["town:grid"])) == [p]
    other_town = make_user(world.town_other, Role.VIEWER)
    assert list(selectors.priorities_for_user(other_town)) == []
    services.priority_end(by=world.users["town:org_admin"], priority=p)
    p.refresh_from_db()
    assert not p.active and p.ended_at is not None
    # Once ended, the same reason can be marked again.
    services.priority_mark(by=dept_user, enterprise=world.ent, reason=PriorityReason.FAKE)
    assert EnforcementPriority.objects.filter(active=True).count() == 1


def test_exposed_enterprises_are_suggested_as_priorities(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    batch = services.batch_create(
        by=user, title="第一批", date=dt.date(2024, 5, 20), cases=[make_case(user, world.ent, "1")]
    )
    services.batch_publish(by=user, batch=batch)
    html = login(user).get(reverse("enforcement:priority_list")).content.decode()
    assert "已曝光但尚未标记的企业" in html and world.ent.organization.name in html
    services.priority_mark(by=user, enterprise=world.ent, reason=PriorityReason.EXPOSED)
    html = login(user).get(reverse("enforcement:priority_list")).content.decode()
    assert "已曝光但尚未标记的企业" not in html


def test_a_department_home_card_reminds_of_the_monthly_report(world) -> None:  # noqa: ANN001
    from anbiao.enforcement.menu import home_cards

    cards = home_cards(world.users["department:filler"])
    assert len(cards) == 1 and "典型案例" in cards[0].body
    assert "截止 25 日" in cards[0].body or "逾期" in cards[0].body


def test_the_overview_defaults_to_the_open_campaigns_period(world) -> None:  # noqa: ANN001
    from anbiao.campaigns import demo as campaigns_demo
    from anbiao.checklists import builtin as checklists_builtin

    checklists_builtin.load()
    campaign = campaigns_demo.seed()
    assert selectors.campaign_period() == (campaign.period_start, campaign.period_end)
    html = (
        login(world.users["city:viewer"])
        .get(reverse("enforcement:report_overview"))
        .content.decode()
    )
    assert "专项行动期间" in html
    first = campaign.period_start.strftime("%Y-%m")
    assert f'data-total="{first}"' in html
    before = (campaign.period_start - dt.timedelta(days=1)).strftime("%Y-%m")
    assert f'data-total="{before}"' not in html


def test_without_a_campaign_the_overview_shows_the_current_year(world) -> None:  # noqa: ANN001
    from django.utils import timezone

    assert selectors.campaign_period() is None
    html = (
        login(world.users["city:viewer"])
        .get(reverse("enforcement:report_overview"))
        .content.decode()
    )
    today = timezone.localdate()
    assert "本年度" in html
    assert f'data-total="{today.year}-01"' in html
    assert f'data-total="{today.year - 1}-12"' not in html


def test_the_city_home_card_counts_departments_not_yet_reported(world) -> None:  # noqa: ANN001
    from django.utils import timezone

    from anbiao.enforcement.menu import home_cards

    services.monthly_report_submit(
        by=world.users["department:filler"],
        month=timezone.localdate().replace(day=1),
        cases=[],
        no_cases=True,
    )
    cards = home_cards(world.users["city:viewer"])
    assert len(cards) == 1 and "还有 1 个部门未报送" in cards[0].body
    assert home_cards(world.users["department:filler"]) == []  # reported: no reminder


def test_a_department_creates_and_publishes_a_batch_through_the_pages(world) -> None:  # noqa: ANN001
    user = world.users["department:org_admin"]
    c1 = make_case(user, world.ent, "1")
    c2 = make_case(user, world.ent, "2")
    c = login(user)
    empty = c.post(reverse("enforcement:batch_create"), {"title": "", "date": "2024-05-20"})
    assert "标题：" in empty.content.decode()
    response = c.post(
        reverse("enforcement:batch_create"),
        {"title": "第一批", "date": "2024-05-20", "cases": [c1.pk, c2.pk]},
    )
    batch = ExposureBatch.objects.get()
    assert response.status_code == 302 and set(batch.cases.all()) == {c1, c2}
    c.post(reverse("enforcement:batch_publish", args=[batch.pk]))
    page = c.get(reverse("enforcement:batch_list")).content.decode()
    assert '<strong id="batch-count">1</strong>' in page
    assert '<strong id="enterprise-count">1</strong>' in page  # two cases, one enterprise
    detail = c.get(reverse("enforcement:batch_detail", args=[batch.pk])).content.decode()
    assert "发布曝光" not in detail and "修改本批次" not in detail
