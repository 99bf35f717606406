"""A granted extension moves the unit's deadline everywhere it is shown or used: 我的细则, the
fill page, the home cards, 我的待办, the reviewers' list, and the reminders — for the
look-backs, the monthly case report and the reporting tasks. Every extension here is asked
for and granted through :mod:`anbiao.obligations.services`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.obligations import deadlines, services
from anbiao.obligations.kinds import campaign_obligation, month_obligation, task_obligation
from anbiao.obligations.models import ObligationKind
from anbiao.obligations.tests import builders as b
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db
K = ObligationKind


def _grant(ob: Any, asker: Any, decider: Any, to: dt.date, now: dt.datetime | None = None) -> Any:
    ext = services.extension_request(
        by=asker, obligation=ob, requested_deadline=to, reason="材料较多", now=now
    )
    return services.extension_decide(by=decider, extension=ext, grant=True, now=now)


@pytest.fixture
def late(world: Any) -> dict[str, Any]:
    """The enterprise's look-back was due two days ago; it was granted ten more days. A second
    enterprise of the same department, without an extension, is overdue."""
    today = timezone.localdate()
    original = today - dt.timedelta(days=2)
    extended = today + dt.timedelta(days=10)
    camp = b.campaign(enterprise_deadline=original)
    other = EnterpriseFactory.create(
        town=world.town, department=world.dept, organization__name="没有延期的企业"
    )
    _grant(
        campaign_obligation(K.LOOKBACK_ENTERPRISE, camp),
        world.users["enterprise:filler"],
        world.users["department:org_admin"],
        extended,
    )
    return {"campaign": camp, "original": original, "extended": extended, "other": other}


def _ymd(d: dt.date) -> str:
    return f"{d:%Y-%m-%d}"


def test_my_checklists_show_the_extended_date_and_no_overdue(world: Any, late: dict) -> None:
    page = b.client_for(world.users["enterprise:filler"]).get(reverse("checklists:mine"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"{_ymd(late['extended'])}（已延期）" in html
    assert _ymd(late["original"]) not in html
    assert "已逾期" not in html


def test_the_fill_page_shows_the_extended_date(world: Any, late: dict) -> None:
    from anbiao.checklists.tests.helpers import start

    user = world.users["enterprise:filler"]
    checklist = start(world.ent.organization, user, late["campaign"])
    html = b.client_for(user).get(reverse("checklists:detail", args=[checklist.pk])).content
    text = html.decode()
    d, o = late["extended"], late["original"]
    assert (
        f"{d.year}年{d.month}月{d.day}日（已延期，原截止 {o.year}年{o.month}月{o.day}日）" in text
    )


def test_the_home_card_counts_down_to_the_extended_date(world: Any, late: dict) -> None:
    from anbiao.checklists.menu import home_cards

    cards = home_cards(world.users["enterprise:filler"])
    body = next(c for c in cards if "回头看细则" in c.title).body
    assert f"距截止还有 10 天（{_ymd(late['extended'])}（已延期））" in body
    assert "已逾期" not in body


def test_my_todo_shows_the_extended_date_and_no_overdue(world: Any, late: dict) -> None:
    from anbiao.checklists.tests.helpers import start

    user = world.users["enterprise:filler"]
    client = b.client_for(user)
    html = client.get(reverse("dashboards:todo")).content.decode()
    assert f"截止日期 {_ymd(late['extended'])}（已延期）" in html
    start(world.ent.organization, user, late["campaign"])  # a draft: could be overdue
    html = client.get(reverse("dashboards:todo")).content.decode()
    assert f"截止日期 {_ymd(late['extended'])}（已延期）" in html
    assert "已逾期" not in html.split("<h2>", 2)[1]  # the look-back panel


def test_the_review_list_marks_only_the_unit_without_an_extension(world: Any, late: dict) -> None:
    url = (
        reverse("checklists:review_list")
        + f"?campaign={late['campaign'].pk}&kind=enterprise&state=all"
    )
    html = b.client_for(world.users["department:org_admin"]).get(url).content.decode()
    rows = {
        name: row
        for row in html.split("<tr")[1:]
        for name in (world.ent.organization.name, late["other"].organization.name)
        if f'data-org="{name}"' in row
    }
    mine, other = rows[world.ent.organization.name], rows[late["other"].organization.name]
    ext = late["extended"]
    assert f"已延期至 {ext.month}月{ext.day}日" in mine
    assert "逾期</span>" not in mine and "row-overdue" not in mine
    assert "row-overdue" in other and "已延期" not in other


def test_the_review_list_reads_the_extensions_in_one_query(
    world: Any, late: dict, django_assert_max_num_queries: Any
) -> None:
    from anbiao.checklists.supervision import supervision_rows

    user = world.users["department:org_admin"]
    kw = {"user": user, "campaign": late["campaign"], "kind": "enterprise"}
    supervision_rows(**kw)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        supervision_rows(**kw)
    for i in range(5):
        EnterpriseFactory.create(
            town=world.town, department=world.dept, organization__name=f"更多企业{i}"
        )
    with django_assert_max_num_queries(len(few)):
        rows = supervision_rows(**kw)
    assert len(rows) >= 7


def test_look_back_reminders_follow_the_extended_date(world: Any) -> None:
    from anbiao.dashboards.reminders import checklist_deadlines

    now = b.at(2099, 10, 1)
    camp = b.campaign(enterprise_deadline=dt.date(2099, 10, 4))
    other = EnterpriseFactory.create(
        town=world.town, department=world.dept, organization__name="没有延期的企业"
    )
    _grant(
        campaign_obligation(K.LOOKBACK_ENTERPRISE, camp),
        world.users["enterprise:filler"],
        world.users["department:org_admin"],
        dt.date(2099, 10, 20),
        now=now,
    )
    ent = world.ent.organization
    make_user(other.organization, Role.FILLER)

    def orgs(day: dt.date) -> dict[Any, str]:
        return {r.user.organization_id: r.dedupe_key for r in checklist_deadlines(day)}

    on_original = orgs(dt.date(2099, 10, 1))  # 3 days before the campaign's date
    assert other.organization_id in on_original and ent.pk not in on_original
    on_extended = orgs(dt.date(2099, 10, 17))  # 3 days before the granted date
    assert on_extended == {ent.pk: f"deadline:{camp.pk}:{ent.pk}:3:2099-10-20"}
    assert ent.pk in orgs(dt.date(2099, 10, 19))


def test_case_report_reminders_follow_the_extended_date(world: Any) -> None:
    from anbiao.dashboards.reminders import case_reports

    now = b.at(2099, 9, 10)
    _grant(
        month_obligation(dt.date(2099, 9, 1)),
        world.users["department:org_admin"],
        world.users["city:org_admin"],
        dt.date(2099, 10, 3),
        now=now,
    )

    make_user(world.dept_other, Role.FILLER)

    def orgs(day: dt.date) -> dict[Any, str]:
        return {r.user.organization_id: r.dedupe_key for r in case_reports(day)}

    on_22nd = orgs(dt.date(2099, 9, 22))
    assert world.dept_other.pk in on_22nd and world.dept.pk not in on_22nd
    assert world.dept.pk not in orgs(dt.date(2099, 9, 25))
    assert orgs(dt.date(2099, 9, 30)) == {
        world.dept.pk: f"case_report:{world.dept.pk}:2099-09:3:2099-10-03"
    }
    assert world.dept.pk in orgs(dt.date(2099, 10, 3))
    b.monthly(world.dept, dt.date(2099, 9, 1), first=b.at(2099, 10, 2))
    assert world.dept.pk not in orgs(dt.date(2099, 10, 3))  # reported: no reminder


def test_the_case_report_home_card_shows_the_extended_date(world: Any) -> None:
    from anbiao.enforcement.menu import home_cards

    now = timezone.now()
    today = deadlines.local_today(now)
    month = today.replace(day=1)
    to = max(today, deadlines.month_deadline(month)) + dt.timedelta(days=5)
    user = world.users["department:org_admin"]
    _grant(month_obligation(month), user, world.users["city:org_admin"], to, now=now)
    body = next(c for c in home_cards(user) if c.title == "典型案例月度报送").body
    assert f"截止 {to:%m月%d日}（已延期）" in body
    assert "已逾期" not in body


def test_the_task_home_card_shows_the_extended_date(world: Any) -> None:
    from anbiao.tasks_reporting.menu import home_cards

    today = timezone.localdate()
    period = b.task_period(world.dept, [world.ent.organization], today - dt.timedelta(days=1))
    to = today + dt.timedelta(days=6)
    user = world.users["enterprise:filler"]
    _grant(task_obligation(period), user, world.users["department:org_admin"], to)
    body = next(c for c in home_cards(user) if c.title == "报送任务").body
    assert f"{to:%Y-%m-%d}（已延期）" in body
    assert "已逾期" not in body
