"""Overdue in Asia/Shanghai, lists and counts, the ledger .xlsx, bulk verify, 动态清零, selectors."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification import selectors, services
from anbiao.rectification.exports import LEDGER_HEADERS
from anbiao.rectification.models import Problem, ProblemStatus, ProblemTransition
from anbiao.rectification.tests.helpers import DEADLINE_DAYS, plan, png_upload, problem

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


def named(user, name: str):  # noqa: ANN001, ANN201
    user.full_name = name
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def w():  # noqa: ANN201
    city = OrganizationFactory(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="应急管理局")
    dept2 = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="住建局")
    town = OrganizationFactory(kind=OrgKind.TOWN, name="溪美街道")
    town2 = OrganizationFactory(kind=OrgKind.TOWN, name="水头镇")
    ent = EnterpriseFactory(department=dept, town=town, organization__name="鑫源石材有限公司")
    ent2 = EnterpriseFactory(department=dept2, town=town2, organization__name="华盛建设有限公司")
    return {
        "city": city,
        "dept": dept,
        "town": town,
        "ent": ent,
        "ent2": ent2,
        "owner": make_user(ent.organization, Role.FILLER),
        "owner2": make_user(ent2.organization, Role.FILLER),
        "dept_filler": named(make_user(dept, Role.FILLER), "陈验收"),
        "town_viewer": make_user(town, Role.VIEWER),
        "city_filler": make_user(city, Role.FILLER),
    }


def awaiting(w, org_key: str = "ent", owner_key: str = "owner", **kw) -> Problem:  # noqa: ANN001, ANN003
    p = problem(w[org_key].organization, **kw)
    services.problem_plan_save(by=w[owner_key], problem=p, data=plan())
    services.problem_transition(by=w[owner_key], problem=p, action="start")
    services.problem_evidence_add(by=w[owner_key], problem=p, stage="after", upload=png_upload())
    services.problem_transition(by=w[owner_key], problem=p, action="submit")
    return Problem.objects.get(pk=p.pk)


def at_shanghai(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
    """A moment given as Asia/Shanghai wall time (UTC+8), as an aware UTC datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=UTC) - timedelta(hours=8)


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [
        (at_shanghai(2024, 6, 10, 0, 1), False),
        (at_shanghai(2024, 6, 10, 23, 59), False),  # the deadline day itself: not yet
        (at_shanghai(2024, 6, 11, 0, 0), True),  # 16:00 UTC on the 10th: already the 11th
        (at_shanghai(2024, 6, 11, 7, 59), True),  # still the 10th in UTC
    ],
)
def test_overdue_starts_the_day_after_the_deadline_in_shanghai(w, moment, overdue):  # noqa: ANN001
    p = problem(w["ent"].organization)
    Problem.objects.filter(pk=p.pk).update(deadline=date(2024, 6, 10))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        p = Problem.objects.get(pk=p.pk)
        assert p.is_overdue is overdue
        assert Problem.objects.overdue().filter(pk=p.pk).exists() is overdue
        assert Problem.objects.with_overdue().get(pk=p.pk).overdue is overdue
        assert selectors.status_counts(Problem.objects.all())["overdue"] == int(overdue)


def test_a_closed_problem_past_its_deadline_is_not_overdue(w):  # noqa: ANN001
    p = awaiting(w)
    Problem.objects.filter(pk=p.pk).update(deadline=date(2020, 1, 1))
    assert Problem.objects.get(pk=p.pk).is_overdue  # awaiting verification still counts
    services.problem_transition(by=w["dept_filler"], problem=p, action="verify")
    assert not Problem.objects.get(pk=p.pk).is_overdue
    assert not Problem.objects.overdue().exists()


def test_lists_are_scoped_counted_and_filtered(w):  # noqa: ANN001
    mine = problem(w["ent"].organization, description="配电箱未上锁")
    late = problem(w["ent"].organization, description="消防通道堵塞", grade="major")
    Problem.objects.filter(pk=late.pk).update(deadline=date(2020, 1, 1))
    problem(w["ent2"].organization, description="外辖区问题")
    # The department sees its enterprise's two problems, counted per state.
    response = login(w["dept_filler"]).get(reverse("rectification:problem_list"))
    html = response.content.decode()
    assert response.context["counts"]["pending"] == 2
    assert response.context["counts"]["overdue"] == 1
    assert "配电箱未上锁" in html and "外辖区问题" not in html
    # Overdue rows are red (class overdue) and carry the tag.
    rows = list(response.context["page"])
    assert rows[0].pk == late.pk and rows[0].overdue  # default sort: overdue first
    assert 'class="overdue"' in html and "已逾期" in html
    response = login(w["dept_filler"]).get(
        reverse("rectification:ledger"), {"grade": "major", "overdue": "1"}
    )
    assert [p.pk for p in response.context["page"]] == [late.pk]
    response = login(w["town_viewer"]).get(reverse("rectification:ledger"), {"sort": "-recorded"})
    assert [p.pk for p in response.context["page"]] == [late.pk, mine.pk]
    # Another department's problem → 404.
    other = Problem.objects.get(description="外辖区问题")
    url = reverse("rectification:problem_detail", args=[other.pk])
    assert login(w["dept_filler"]).get(url).status_code == 404
    assert login(w["city_filler"]).get(url).status_code == 200


def test_the_ledger_export_reads_back_with_the_ledger_columns(w):  # noqa: ANN001
    p = awaiting(w, description='=HYPERLINK("http://x")配电箱')
    services.problem_transition(by=w["dept_filler"], problem=p, action="verify")
    major = problem(w["ent"].organization, description="消防通道堵塞", grade="major")
    services.problem_plan_save(
        by=w["owner"],
        problem=major,
        data=plan(grade="major", funds=Decimal("3.50"), contingency_plan="设置警戒"),
    )
    Problem.objects.filter(pk=major.pk).update(deadline=date(2020, 1, 1))
    response = login(w["dept_filler"]).get(reverse("rectification:ledger_export"), {"sort": "org"})
    assert response["Content-Disposition"].startswith("attachment;")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == LEDGER_HEADERS
    assert len(rows) == 3
    by_desc = {r[6]: r for r in rows[1:]}
    closed = by_desc['\'=HYPERLINK("http://x")配电箱']  # formula injection neutralised
    today = timezone.localdate().isoformat()
    assert closed[1:6] == ("鑫源石材有限公司", "溪美街道", "应急管理局", "督导检查", None)
    assert closed[7:] == (
        "一般",
        "更换配电箱锁具，规范敷设电缆",
        "李四",
        None,
        (timezone.localdate() + timedelta(days=DEADLINE_DAYS)).isoformat(),
        "已销号",
        "陈验收",
        today,
        "否",
    )
    late = by_desc["消防通道堵塞"]
    assert late[7] == "重大" and late[10] == 3.5 and late[11] == "2020-01-01"
    assert late[12] == "待整改" and late[15] == "是"
    assert {r[0] for r in rows[1:]} == {1, 2}


def test_bulk_verify_is_all_or_nothing_and_names_the_failures(w):  # noqa: ANN001
    a = awaiting(w, description="问题甲")
    b = awaiting(w, description="问题乙")
    c = problem(w["ent"].organization, description="问题丙未整改")
    client = login(w["dept_filler"])
    response = client.post(
        reverse("rectification:bulk_verify"), {"ids": [a.pk, b.pk, c.pk]}, follow=True
    )
    text = [str(m) for m in response.context["messages"]]
    assert text[0] == "以下 1 个问题不能验收销号，全部未处理："
    assert "问题丙未整改" in text[1] and "当前状态为“待整改”" in text[1]
    assert set(Problem.objects.values_list("status", flat=True)) == {"awaiting", "pending"}
    assert not ProblemTransition.objects.filter(action="verify").exists()
    response = client.post(
        reverse("rectification:bulk_verify"),
        {"ids": [a.pk, b.pk], "reason": "现场核实"},
        follow=True,
    )
    assert "已验收销号 2 个问题。" in [str(m) for m in response.context["messages"]]
    assert Problem.objects.filter(status=ProblemStatus.CLOSED).count() == 2
    assert ProblemTransition.objects.get(problem=a, action="verify").reason == "现场核实"


def test_bulk_verify_refuses_a_problem_out_of_scope_without_touching_any(w):  # noqa: ANN001
    a = awaiting(w)
    foreign = awaiting(w, org_key="ent2", owner_key="owner2")
    response = login(w["dept_filler"]).post(
        reverse("rectification:bulk_verify"), {"ids": [a.pk, foreign.pk]}, follow=True
    )
    assert "不在本单位范围内" in str(list(response.context["messages"])[0])
    assert Problem.objects.filter(status=ProblemStatus.CLOSED).count() == 0


def test_a_town_sees_but_does_not_verify(w):  # noqa: ANN001
    a = awaiting(w)
    town_filler = make_user(w["town"], Role.FILLER)
    assert services.allowed_actions(user=town_filler, problem=a) == []
    response = login(town_filler).post(
        reverse("rectification:bulk_verify"), {"ids": [a.pk]}, follow=True
    )
    assert "监管单位" in " ".join(str(m) for m in response.context["messages"])


def test_the_open_trend_comes_from_the_timeline(w):  # noqa: ANN001
    d = lambda n: timezone.make_aware(datetime(2024, 9, n, 10, 0))  # noqa: E731
    p1 = problem(w["ent"].organization)
    p2 = problem(w["ent"].organization)
    p3 = problem(w["ent2"].organization)
    for p, day in ((p1, 1), (p2, 2), (p3, 3)):
        Problem.objects.filter(pk=p.pk).update(recorded_at=d(day))
        ProblemTransition.objects.filter(problem=p, action="record").update(at=d(day))
    # p1 closed on the 4th, p2 withdrawn on the 5th.
    ProblemTransition.objects.create(
        problem=p1, action="verify", from_status="awaiting", to_status="closed", at=d(4)
    )
    Problem.objects.filter(pk=p1.pk).update(status="closed")
    ProblemTransition.objects.create(
        problem=p2, action="withdraw", from_status="pending", to_status="withdrawn", at=d(5)
    )
    Problem.objects.filter(pk=p2.pk).update(status="withdrawn")
    qs = Problem.objects.all()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        trend = selectors.open_trend(qs, start=date(2024, 8, 31), end=date(2024, 9, 6))
    assert len(queries) == 2
    assert [(t.day.day, t.open) for t in trend] == [
        (31, 0),
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 2),
        (5, 1),
        (6, 1),
    ]
    weekly = selectors.open_trend(qs, start=date(2024, 9, 2), end=date(2024, 9, 12), step_days=7)
    assert [(t.day, t.open) for t in weekly] == [(date(2024, 9, 8), 1), (date(2024, 9, 12), 1)]


def test_the_zeroing_page_puts_overdue_first(w):  # noqa: ANN001
    problem(w["ent"].organization)
    late = problem(w["ent2"].organization)
    Problem.objects.filter(pk=late.pk).update(deadline=date(2020, 1, 1))
    response = login(w["city_filler"]).get(reverse("rectification:zeroing"), {"by": "town"})
    rows = response.context["rows"]
    assert [(r.name, r.open, r.overdue) for r in rows] == [("水头镇", 1, 1), ("溪美街道", 1, 0)]
    assert list(response.context["overdue"]) == [Problem.objects.get(pk=late.pk)]
    assert response.context["trend"][-1].open == 2
    assert "<polyline" in response.content.decode()


def test_selectors_for_statistics_and_reports(w, django_assert_max_num_queries):  # noqa: ANN001
    from anbiao.checklists import builtin
    from anbiao.checklists.tests.helpers import campaign, start
    from anbiao.rectification.sync import sync_answer_problems

    builtin.load()
    camp = campaign()
    checklist = start(w["ent"].organization, w["owner"], camp)
    answers = list(
        checklist.answers.select_related("clause__item__section").order_by("clause__position")
    )
    from anbiao.checklists.models import ProblemLine

    for a, text in (
        (answers[0], "目标未分解"),
        (answers[-1], "未开展演练"),
        (answers[-2], "台账缺失"),
    ):
        ProblemLine.objects.create(answer=a, position=1, text=text)
        sync_answer_problems(a, by=w["owner"])
    problem(w["ent"].organization, description="督导发现：消防通道堵塞")
    with django_assert_max_num_queries(1):
        groups = selectors.problems_by_section(organization=w["ent"].organization, campaign=camp)
    assert [g.section.position for g in groups] == [1, answers[-1].clause.item.section.position]
    assert [p.description for p in groups[-1].problems] == ["台账缺失", "未开展演练"]
    assert groups[0].count == 1 and groups[0].open_count == 1
    # Statistics scope: department → its enterprises; town → located ones; counts per state.
    assert selectors.problems_for_unit(w["dept"]).count() == 4
    assert selectors.problems_for_unit(w["town"]).count() == 4
    assert selectors.problems_for_unit(w["city"]).count() == 4
    assert selectors.problems_in_submitted_lookbacks(Problem.objects.all()).count() == 0
    checklist.status = "submitted"
    checklist.save()
    assert selectors.problems_in_submitted_lookbacks(Problem.objects.all()).count() == 3
    assert selectors.status_counts(selectors.problems_for_unit(w["dept"]))["pending"] == 4
    assert selectors.open_and_overdue(Problem.objects.all()) == (4, 0)
    ent_org = w["ent"].organization
    assert selectors.problems_of(organization=ent_org).count() == 4
    assert selectors.problems_of(organization=ent_org, campaign=camp).count() == 3
    assert selectors.problems_of(organization=ent_org, sources=["inspection"]).count() == 1


def test_home_cards_tell_what_to_fix_and_what_to_verify(w):  # noqa: ANN001
    from anbiao.rectification.menu import home_cards

    problem(w["ent"].organization)
    late = problem(w["ent"].organization)
    Problem.objects.filter(pk=late.pk).update(deadline=date(2020, 1, 1))
    awaiting(w)
    cards = home_cards(w["owner"])
    assert cards[0].body.startswith("2 个问题待整改，1 个已逾期。")
    assert cards[0].tone == "danger"
    assert [c.body.split("。")[0] for c in home_cards(w["dept_filler"])] == ["1 个问题待验收"]
    assert home_cards(make_user(w["town"], Role.FILLER)) == []


@pytest.mark.parametrize("url_name", ["rectification:problem_list", "rectification:ledger"])
def test_the_lists_query_count_does_not_grow_with_the_rows(
    w, url_name, django_assert_max_num_queries
):  # noqa: ANN001
    from anbiao.checklists import builtin
    from anbiao.checklists.models import ProblemLine
    from anbiao.checklists.tests.helpers import campaign, start
    from anbiao.rectification.sync import sync_answer_problems

    builtin.load()
    checklist = start(w["ent"].organization, w["owner"], campaign())
    client = login(w["dept_filler"])

    def add(n: int) -> None:
        for a in checklist.answers.order_by("clause__position")[:n]:
            ProblemLine.objects.create(
                answer=a, position=a.problems.count() + 1, text=f"问题{a.pk}"
            )
            sync_answer_problems(a, by=w["owner"])
        awaiting(w)

    add(2)
    client.get(reverse(url_name))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url_name))
    add(12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(url_name))
    assert response.context["page"].paginator.count == 16
    assert len(many) == len(few)
