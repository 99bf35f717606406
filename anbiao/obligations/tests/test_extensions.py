"""Deadline extensions: a unit asks, the level above decides, and only that unit's timeliness
follows the granted date — in the rates, the reporting task's rows and the monthly grid."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.notifications.models import Kind, Notification
from anbiao.obligations import rates, selectors, services
from anbiao.obligations.kinds import campaign_obligation, month_obligation, task_obligation
from anbiao.obligations.models import Extension, ExtensionStatus, ObligationKind
from anbiao.obligations.tests import builders as b
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db
NOW = b.at(2099, 9, 1)
DEADLINE = dt.date(2099, 9, 30)


@pytest.fixture
def two(world: Any) -> dict[str, Any]:
    """Two enterprises of the department, both asked by the department for a report."""
    second = EnterpriseFactory.create(
        town=world.town, department=world.dept, organization__name="第二家企业"
    )
    period = b.task_period(world.dept, [world.ent.organization, second.organization], DEADLINE)
    return {
        "period": period,
        "ob": task_obligation(period),
        "a": world.ent.organization,
        "b": second.organization,
        "a_user": world.users["enterprise:filler"],
        "b_user": make_user(second.organization, Role.FILLER),
        "dept_user": world.users["department:org_admin"],
    }


def test_an_extension_changes_one_units_timeliness_only(world: Any, two: dict) -> None:
    period, ob = two["period"], two["ob"]
    late = b.at(2099, 10, 2, 9)  # both report two days after the deadline
    b.task_submission(period, two["a"], when=late)
    b.task_submission(period, two["b"], when=late)
    dept_user = two["dept_user"]
    assert rates.totals(ob, dept_user) == rates.Rates(2, 2, 0)

    ext = b.extension("task", period.pk, two["a"], world.dept, to=dt.date(2099, 10, 5))
    assert ext.status == ExtensionStatus.GRANTED
    assert rates.totals(ob, dept_user) == rates.Rates(2, 2, 1)
    states = {
        o.pk: rates.state_of(
            getattr(o, "extended_to", None) or ob.deadline, getattr(o, "reported_at", None), NOW
        )[0]
        for o in rates.unit_statuses(ob, dept_user)
    }
    assert states == {two["a"].pk: "on_time", two["b"].pk: "late"}
    assert [o.pk for o in rates.unit_statuses(ob, dept_user, state="late")] == [two["b"].pk]

    # the reporting task's own page agrees, unit by unit
    from anbiao.tasks_reporting.selectors import period_rows

    rows = {r.organization.pk: (r.state, r.deadline) for r in period_rows(period)}
    assert rows == {
        two["a"].pk: ("submitted", dt.date(2099, 10, 5)),
        two["b"].pk: ("late", DEADLINE),
    }
    # and so does each unit's own list
    own_a = selectors.own_item(user=two["a_user"], ob=ob)
    own_b = selectors.own_item(user=two["b_user"], ob=ob)
    assert own_a and own_b
    assert (own_a.state, own_a.deadline, own_a.extended) == ("on_time", dt.date(2099, 10, 5), True)
    assert (own_b.state, own_b.deadline, own_b.extended) == ("late", DEADLINE, False)


def test_a_refused_or_pending_extension_moves_no_deadline(world: Any, two: dict) -> None:
    period, ob = two["period"], two["ob"]
    b.task_submission(period, two["a"], when=b.at(2099, 10, 2))
    b.extension("task", period.pk, two["a"], world.dept, to=dt.date(2099, 10, 9), status="refused")
    b.extension("task", period.pk, two["b"], world.dept, to=dt.date(2099, 10, 9), status="pending")
    assert rates.totals(ob, two["dept_user"]) == rates.Rates(2, 1, 0)


def test_an_extension_moves_a_departments_monthly_case_report_only(world: Any) -> None:
    from anbiao.enforcement.selectors import report_grid

    month = dt.date(2099, 5, 1)
    b.monthly(world.dept, month, first=b.at(2099, 5, 27))
    b.monthly(world.dept_other, month, first=b.at(2099, 5, 27))
    b.extension("case_month", "2099-05", world.dept, world.city, to=dt.date(2099, 5, 31))
    ob = month_obligation(month)
    city_user = world.users["city:viewer"]
    assert rates.totals(ob, city_user) == rates.Rates(2, 2, 1)
    grid = {
        d.pk: cells[0]
        for d, cells in report_grid(
            departments=[world.dept, world.dept_other], months=[month], now=b.at(2099, 6, 1)
        )
    }
    assert (grid[world.dept.pk].late, grid[world.dept.pk].extended) == (False, True)
    assert (grid[world.dept_other.pk].late, grid[world.dept_other.pk].extended) == (True, False)
    assert rates.month_totals([ob], city_user)[ob.key] == rates.Rates(2, 2, 1)


# --- requesting and deciding -------------------------------------------------------------------


def test_a_unit_asks_and_its_department_is_notified(world: Any, two: dict) -> None:
    ext = services.extension_request(
        by=two["a_user"],
        obligation=two["ob"],
        requested_deadline=dt.date(2099, 10, 10),
        reason="设备检修，材料无法按时盖章",
        now=NOW,
    )
    assert (ext.decider, ext.original_deadline, ext.status) == (world.dept, DEADLINE, "pending")
    assert AuditEntry.objects.filter(action="anbiao.obligations.extension_requested").count() == 1
    told = Notification.objects.filter(kind=Kind.EXTENSION)
    assert {n.user.organization_id for n in told} == {world.dept.pk}
    assert all(reverse("obligations:extension_detail", args=[ext.pk]) == n.url for n in told)
    # nothing moves until the department decides
    before = selectors.own_item(user=two["a_user"], ob=two["ob"], now=NOW)
    assert before is not None and before.deadline == DEADLINE

    services.extension_decide(by=two["dept_user"], extension=ext, grant=True, now=NOW)
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.GRANTED
    after = selectors.own_item(user=two["a_user"], ob=two["ob"], now=NOW)
    assert after is not None and after.deadline == dt.date(2099, 10, 10)
    assert AuditEntry.objects.filter(action="anbiao.obligations.extension_granted").count() == 1
    back = Notification.objects.filter(kind=Kind.EXTENSION, user__organization=two["a"])
    writers = {world.users[f"enterprise:{r}"].pk for r in ("org_admin", "filler", "principal")}
    assert sorted(n.user_id for n in back) == sorted(writers)  # each writer once
    assert all("已同意延期" in n.title for n in back)


@pytest.mark.parametrize(
    ("date", "reason", "field", "message"),
    [
        (DEADLINE, "理由", "requested_deadline", "须晚于当前截止日期"),
        (dt.date(2099, 10, 3), "  ", "reason", "请填写申请延期的理由"),
    ],
)
def test_it_refuses_a_request_naming_the_field_and_writes_nothing(
    world: Any, two: dict, date: dt.date, reason: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.extension_request(
            by=two["a_user"], obligation=two["ob"], requested_deadline=date, reason=reason, now=NOW
        )
    assert message in exc.value.message_dict[field][0]
    assert not Extension.objects.exists()


def test_it_refuses_a_request_of_a_unit_that_reported_or_already_waits(
    world: Any, two: dict
) -> None:
    kw = {"obligation": two["ob"], "requested_deadline": dt.date(2099, 10, 9), "now": NOW}
    services.extension_request(by=two["a_user"], reason="第一次", **kw)
    with pytest.raises(ValidationError, match="待审批"):
        services.extension_request(by=two["a_user"], reason="第二次", **kw)
    b.task_submission(two["period"], two["b"], when=NOW)
    with pytest.raises(ValidationError, match="已报送"):
        services.extension_request(by=two["b_user"], reason="已报", **kw)
    assert Extension.objects.count() == 1


def test_only_the_deciding_unit_decides_and_a_refusal_needs_a_reason(world: Any, two: dict) -> None:
    ext = services.extension_request(
        by=two["a_user"],
        obligation=two["ob"],
        requested_deadline=dt.date(2099, 10, 9),
        reason="理由",
        now=NOW,
    )
    for outsider in (world.users["city:org_admin"], world.users["department:viewer"]):
        with pytest.raises(ValidationError):
            services.extension_decide(by=outsider, extension=ext, grant=True)
    with pytest.raises(ValidationError) as exc:
        services.extension_decide(by=two["dept_user"], extension=ext, grant=False, note="")
    assert "请填写理由" in exc.value.message_dict["note"][0]
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.PENDING
    services.extension_decide(by=two["dept_user"], extension=ext, grant=False, note="材料早已下发")
    ext.refresh_from_db()
    assert (ext.status, ext.decision_note) == (ExtensionStatus.REFUSED, "材料早已下发")
    with pytest.raises(ValidationError, match="不同意"):
        services.extension_decide(by=two["dept_user"], extension=ext, grant=True)


def test_the_level_above_decides_for_campaign_and_monthly_obligations(world: Any) -> None:
    camp = b.campaign()
    ent_ob = campaign_obligation(ObligationKind.LOOKBACK_ENTERPRISE, camp)
    gov_ob = campaign_obligation(ObligationKind.LOOKBACK_GOVERNMENT, camp)
    assert ent_ob.decider(world.ent.organization) == world.dept  # its 主管部门
    assert gov_ob.decider(world.dept) == world.city
    assert gov_ob.decider(world.town) == world.city
    assert month_obligation(dt.date(2099, 5, 1)).decider(world.dept) == world.city
    assert gov_ob.decider(world.city) is None
    with pytest.raises(ValidationError, match="没有上级审批单位"):
        services.extension_request(
            by=world.users["city:filler"],
            obligation=gov_ob,
            requested_deadline=dt.date(2099, 12, 31),
            reason="理由",
        )


def test_the_request_form_keeps_the_text_and_names_the_field(world: Any, two: dict) -> None:
    c = b.client_for(two["a_user"])
    url = reverse("obligations:extension_request", args=["task", str(two["period"].pk)])
    r = c.post(url, {"requested_deadline": "2099-09-01", "reason": "等待上级批复文件"})
    text = r.content.decode()
    assert r.status_code == 200
    assert "申请延期至：须晚于当前截止日期（2099年9月30日 23:59）" in text
    assert "等待上级批复文件" in text
    r = c.post(url, {"requested_deadline": "2099-10-09", "reason": "等待上级批复文件"})
    ext = Extension.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "obligations:extension_detail", args=[ext.pk]
    )
    # the department decides on the page it was notified of
    d = b.client_for(two["dept_user"])
    page = d.get(reverse("obligations:extension_detail", args=[ext.pk])).content.decode()
    assert "同意延期" in page and "等待上级批复文件" in page
    r = d.post(reverse("obligations:extension_decide", args=[ext.pk]), {"refuse": "1", "note": ""})
    assert "审批意见：不同意延期时请填写理由。" in r.content.decode()
    r = d.post(reverse("obligations:extension_decide", args=[ext.pk]), {"grant": "1", "note": ""})
    assert r.status_code == 302
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.GRANTED
    assert world.ent.organization.kind == OrgKind.ENTERPRISE
