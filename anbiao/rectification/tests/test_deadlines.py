"""Deadline rules (past, more than a year out, 整改中) and extension requests (延期申请)."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification import deadlines, selectors, services
from anbiao.rectification.models import (
    DeadlineExtension,
    ExtensionStatus,
    Problem,
    ProblemStatus,
    local_today,
)
from anbiao.rectification.tests.helpers import plan, problem

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


@pytest.fixture
def w():  # noqa: ANN201
    city = OrganizationFactory(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="应急管理局")
    co_dept = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="市场监管局")
    town = OrganizationFactory(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory(department=dept, town=town, organization__name="鑫源石材有限公司")
    ent.other_departments.add(co_dept)
    return {
        "ent": ent.organization,
        "dept_org": dept,
        "owner": make_user(ent.organization, Role.FILLER),
        "viewer": make_user(ent.organization, Role.VIEWER),
        "dept": make_user(dept, Role.FILLER),
        "co_dept": make_user(co_dept, Role.FILLER),
        "town": make_user(town, Role.FILLER),
        "city": make_user(city, Role.FILLER),
    }


def days(n: int) -> date:
    return local_today() + timedelta(days=n)


def in_progress(w, deadline: date | None = None) -> Problem:  # noqa: ANN001
    p = problem(w["ent"])
    services.problem_plan_save(by=w["owner"], problem=p, data=plan(deadline=deadline or days(10)))
    services.problem_transition(by=w["owner"], problem=p, action="start")
    return Problem.objects.get(pk=p.pk)


# --- the rules of a deadline ---------------------------------------------------------------


def test_a_deadline_before_today_is_refused_unless_confirmed_as_a_past_record_with_a_reason(w):  # noqa: ANN001
    p = problem(w["ent"])
    with pytest.raises(ValidationError) as exc:
        services.problem_plan_save(by=w["owner"], problem=p, data=plan(deadline=days(-1)))
    assert "早于今天" in exc.value.message_dict["deadline"][0]
    with pytest.raises(ValidationError) as exc:
        services.problem_plan_save(
            by=w["owner"], problem=p, data=plan(deadline=days(-1), confirm_past=True)
        )
    assert exc.value.message_dict == {"past_reason": ["请填写补录既往整改的原因。"]}
    assert Problem.objects.get(pk=p.pk).deadline is None
    services.problem_plan_save(
        by=w["owner"],
        problem=p,
        data=plan(deadline=days(-20), confirm_past=True, past_reason="去年已整改，补录台账"),
    )
    p.refresh_from_db()
    assert p.deadline == days(-20)
    note = p.transitions.filter(action="plan").get().reason
    assert "补录既往整改" in note and "去年已整改，补录台账" in note
    entry = AuditEntry.objects.filter(action="anbiao.problem.plan_saved").latest("id")
    assert "去年已整改，补录台账" in entry.data["deadline_note"]


def test_today_in_shanghai_decides_what_is_in_the_past(w):  # noqa: ANN001
    from datetime import UTC, datetime

    p = problem(w["ent"])
    # 2030-03-02 01:00 in Shanghai is still 2030-03-01 in UTC: the 1st is already the past.
    moment = datetime(2030, 3, 1, 17, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        with pytest.raises(ValidationError):
            services.problem_plan_save(
                by=w["owner"], problem=p, data=plan(deadline=date(2030, 3, 1))
            )
        services.problem_plan_save(by=w["owner"], problem=p, data=plan(deadline=date(2030, 3, 2)))


def test_a_deadline_more_than_a_year_out_asks_for_confirmation(w):  # noqa: ANN001
    p = problem(w["ent"])
    limit = deadlines.one_year_after(local_today())
    services.problem_plan_save(by=w["owner"], problem=p, data=plan(deadline=limit))
    with pytest.raises(ValidationError) as exc:
        services.problem_plan_save(
            by=w["owner"], problem=p, data=plan(deadline=limit + timedelta(days=1))
        )
    assert "超过一年" in exc.value.message_dict["deadline"][0]
    assert Problem.objects.get(pk=p.pk).deadline == limit
    services.problem_plan_save(
        by=w["owner"], problem=p, data=plan(deadline=date(2099, 12, 31), confirm_far=True)
    )
    assert Problem.objects.get(pk=p.pk).deadline == date(2099, 12, 31)


def test_an_unchanged_past_deadline_needs_no_confirmation_to_save_other_fields(w):  # noqa: ANN001
    p = problem(w["ent"])
    Problem.objects.filter(pk=p.pk).update(deadline=days(-5))  # overdue already
    services.problem_plan_save(
        by=w["owner"], problem=p, data=plan(deadline=days(-5), measures="改用新措施")
    )
    assert Problem.objects.get(pk=p.pk).measures == "改用新措施"


def test_the_five_page_asks_for_the_confirmation_and_keeps_the_text(w):  # noqa: ANN001
    p = problem(w["ent"])
    url = reverse("rectification:problem_plan", args=[p.pk])
    client = login(w["owner"])
    version = Problem.objects.get(pk=p.pk).lock_version
    data = {
        "version": version,
        "grade": "general",
        "measures": "补录的措施",
        "responsible_person": "李四",
        "deadline": days(-3).isoformat(),
    }
    assert 'id="confirm-past"' not in client.get(url).content.decode()
    r = client.post(url, data)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="confirm-past"' in html and "补录的措施" in html and "早于今天" in html
    r = client.post(url, {**data, "confirm_past": "on", "past_reason": "上月已完成整改"})
    assert r.status_code == 302
    assert Problem.objects.get(pk=p.pk).deadline == days(-3)
    r = client.post(
        url,
        {
            **data,
            "version": Problem.objects.get(pk=p.pk).lock_version,
            "deadline": days(800).isoformat(),
        },
    )
    assert r.status_code == 400 and 'id="confirm-far"' in r.content.decode()


def test_an_enterprise_cannot_move_its_deadline_while_in_progress(w):  # noqa: ANN001
    p = in_progress(w)
    with pytest.raises(ValidationError) as exc:
        services.problem_plan_save(by=w["owner"], problem=p, data=plan(deadline=days(40)))
    assert "申请延期" in exc.value.message_dict["deadline"][0]
    assert Problem.objects.get(pk=p.pk).deadline == days(10)
    # On the page the field is shown but not taken from the post.
    url = reverse("rectification:problem_plan", args=[p.pk])
    client = login(w["owner"])
    page = client.get(url)
    assert page.context["form"].fields["deadline"].disabled
    assert 'id="deadline-locked"' in page.content.decode()
    r = client.post(
        url,
        {
            "version": p.lock_version,
            "grade": "general",
            "measures": "改进的措施",
            "responsible_person": "李四",
            "deadline": days(90).isoformat(),
        },
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.deadline == days(10) and p.measures == "改进的措施"


def test_a_government_unit_keeps_moving_its_own_deadline(w):  # noqa: ANN001
    dept = w["dept"]
    p = problem(w["dept_org"], source="government_self")
    services.problem_plan_save(by=dept, problem=p, data=plan())
    services.problem_transition(by=dept, problem=p, action="start")
    services.problem_plan_save(by=dept, problem=p, data=plan(deadline=days(90)))
    assert Problem.objects.get(pk=p.pk).deadline == days(90)


# --- extension requests --------------------------------------------------------------------


def test_the_verifier_grants_an_extension_and_overdue_follows_the_granted_deadline(w):  # noqa: ANN001
    p = in_progress(w)
    Problem.objects.filter(pk=p.pk).update(deadline=days(-2))  # overdue now
    p.refresh_from_db()
    assert selectors.status_counts(Problem.objects.all())["overdue"] == 1
    ext = deadlines.extension_request(
        by=w["owner"], problem=p, new_deadline=days(20), reason="防护门厂家延期供货"
    )
    assert ext.status == ExtensionStatus.PENDING and ext.old_deadline == days(-2)
    # Asking changes nothing yet.
    assert Problem.objects.get(pk=p.pk).deadline == days(-2)
    assert list(selectors.extensions_to_decide(w["dept"])) == [ext]
    assert list(selectors.extensions_to_decide(w["city"])) == [ext]
    assert not selectors.extensions_to_decide(w["town"]).exists()
    assert not selectors.extensions_to_decide(w["co_dept"]).exists()
    version = Problem.objects.get(pk=p.pk).lock_version

    deadlines.extension_decide(by=w["dept"], extension=ext, grant=True, reason="同意")

    p.refresh_from_db()
    ext.refresh_from_db()
    assert p.deadline == days(20) and p.lock_version == version + 1
    assert ext.status == ExtensionStatus.GRANTED and ext.decided_by == w["dept"]
    assert not p.is_overdue
    assert selectors.status_counts(Problem.objects.all())["overdue"] == 0
    assert not Problem.objects.overdue().exists()
    rows = selectors.zeroing_rows(Problem.objects.all(), by="enterprise")
    assert rows[0].overdue == 0
    actions = list(p.transitions.values_list("action", flat=True))
    assert actions[-2:] == ["extend_request", "extend_grant"]
    assert AuditEntry.objects.filter(
        action="anbiao.problem.extension_granted", object_id=str(p.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="anbiao.problem.extension_requested").exists()
    assert not selectors.extensions_to_decide(w["dept"]).exists()


def test_a_refusal_needs_a_reason_and_keeps_the_deadline(w):  # noqa: ANN001
    p = in_progress(w)
    ext = deadlines.extension_request(
        by=w["owner"], problem=p, new_deadline=days(30), reason="资金未到位"
    )
    with pytest.raises(ValidationError) as exc:
        deadlines.extension_decide(by=w["dept"], extension=ext, grant=False, reason=" ")
    assert exc.value.message_dict == {"reason": ["请填写不同意延期的原因。"]}
    deadlines.extension_decide(
        by=w["city"], extension=ext, grant=False, reason="风险较大须按期完成"
    )
    p.refresh_from_db()
    assert p.deadline == days(10)
    assert p.transitions.order_by("-id").first().action == "extend_refuse"
    with pytest.raises(ValidationError, match="已由"):
        deadlines.extension_decide(by=w["dept"], extension=ext, grant=True)


def test_only_the_verifier_decides_and_only_the_owner_asks(w):  # noqa: ANN001
    p = in_progress(w)
    for persona in ("viewer", "dept", "town"):
        with pytest.raises(ValidationError):
            deadlines.extension_request(
                by=w[persona], problem=p, new_deadline=days(30), reason="原因"
            )
    ext = deadlines.extension_request(
        by=w["owner"], problem=p, new_deadline=days(30), reason="原因"
    )
    for persona in ("owner", "town", "co_dept"):
        with pytest.raises(ValidationError) as exc:
            deadlines.extension_decide(by=w[persona], extension=ext, grant=True)
        assert "监管单位" in exc.value.messages[0]
    assert DeadlineExtension.objects.get().is_pending
    assert Problem.objects.get(pk=p.pk).deadline == days(10)


def test_an_extension_must_be_later_one_at_a_time_and_only_while_in_progress(w):  # noqa: ANN001
    p = in_progress(w)
    with pytest.raises(ValidationError) as exc:
        deadlines.extension_request(by=w["owner"], problem=p, new_deadline=days(5), reason="x")
    assert "须晚于" in exc.value.message_dict["new_deadline"][0]
    with pytest.raises(ValidationError) as exc:
        deadlines.extension_request(by=w["owner"], problem=p, new_deadline=days(900), reason="x")
    assert "超过一年" in exc.value.message_dict["new_deadline"][0]
    deadlines.extension_request(by=w["owner"], problem=p, new_deadline=days(30), reason="x")
    with pytest.raises(ValidationError, match="待审批"):
        deadlines.extension_request(by=w["owner"], problem=p, new_deadline=days(40), reason="y")
    pending = problem(w["ent"])
    with pytest.raises(ValidationError, match="待整改"):
        deadlines.extension_request(
            by=w["owner"], problem=pending, new_deadline=days(30), reason="x"
        )
    assert DeadlineExtension.objects.count() == 1


def test_the_extension_pages_ask_list_and_decide(w):  # noqa: ANN001
    p = in_progress(w)
    owner = login(w["owner"])
    detail = reverse("rectification:problem_detail", args=[p.pk])
    assert 'action="' + reverse("rectification:extension_request", args=[p.pk]) in (
        owner.get(detail).content.decode()
    )
    url = reverse("rectification:extension_request", args=[p.pk])
    r = owner.post(url, {"new_deadline": days(30).isoformat(), "reason": ""})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="top-error"' in html and "延期原因：请填写延期原因。" in html
    r = owner.post(url, {"new_deadline": days(30).isoformat(), "reason": "设备到货延迟"})
    assert r.status_code == 302
    # The verifier sees a home card and the list, and grants from the list.
    home = login(w["dept"]).get("/").content.decode()
    assert "1 个整改期限延期申请待审批" in home
    listing = login(w["dept"]).get(reverse("rectification:extension_list"))
    assert listing.status_code == 200 and "设备到货延迟" in listing.content.decode()
    ext = DeadlineExtension.objects.get()
    r = login(w["dept"]).post(
        reverse("rectification:extension_decide", args=[ext.pk]),
        {"decision": "grant", "reason": "", "next": reverse("rectification:extension_list")},
    )
    assert r.status_code == 302 and r["Location"] == reverse("rectification:extension_list")
    assert Problem.objects.get(pk=p.pk).deadline == days(30)
    page = owner.get(detail).content.decode()
    assert "同意延期" in page and "已同意" in page
    # A town watching the enterprise cannot decide (404, as for any object not its own).
    ext2 = deadlines.extension_request(
        by=w["owner"], problem=Problem.objects.get(pk=p.pk), new_deadline=days(60), reason="再延"
    )
    r = login(w["town"]).post(
        reverse("rectification:extension_decide", args=[ext2.pk]), {"decision": "grant"}
    )
    assert r.status_code == 404
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.IN_PROGRESS
