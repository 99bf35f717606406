"""The reporting chain of 附件3: every move of the one state machine, who may make it, refusals
(wrong role, wrong level, another organization → 404) and what each move writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory, make_user
from anbiao.stats import chain, services
from anbiao.stats.columns import Period
from anbiao.stats.models import StatsSubmission, SubmissionStatus
from anbiao.stats.tests import builders as b

pytestmark = pytest.mark.django_db
PERIOD = Period(b.PERIOD_START, b.PERIOD_END)
S = SubmissionStatus


@pytest.fixture
def w(db: Any) -> dict[str, Any]:
    office = OrganizationFactory.create(kind=OrgKind.CITY, name="南安市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    sub_unit = OrganizationFactory.create(
        kind=OrgKind.DEPARTMENT, name="应急管理综合执法大队", parent=dept
    )
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="水头镇")
    users = {
        "city_filler": make_user(office, Role.FILLER),
        "city_admin": make_user(office, Role.ORG_ADMIN),
        "city_principal": make_user(office, Role.PRINCIPAL),
        "city_viewer": make_user(office, Role.VIEWER),
        "dept": make_user(dept, Role.FILLER),
        "dept_viewer": make_user(dept, Role.VIEWER),
        "sub": make_user(sub_unit, Role.FILLER),
        "town": make_user(town, Role.ORG_ADMIN),
    }
    return {"office": office, "dept": dept, "sub_unit": sub_unit, "town": town, "u": users}


def submit(user: Any, unit: Any) -> StatsSubmission:
    return services.submission_submit(
        by=user, unit=unit, period=PERIOD, filler_name="许丽萍", phone="0595-86381000"
    )


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def actions(sub: StatsSubmission) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(sub.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_state_machine_is_one_table_with_an_actor_for_every_move() -> None:
    assert set(chain.TRANSITIONS) == {"submit", "accept", "return", "unapprove"}
    assert chain.TRANSITIONS["accept"].sources == (S.SUBMITTED,)
    assert chain.TRANSITIONS["unapprove"].sources == (S.ACCEPTED,)
    assert chain.TRANSITIONS["unapprove"].target == S.RETURNED
    assert {t.actor for t in chain.TRANSITIONS.values()} == set(chain.ACTOR_TEXT)
    assert chain.TRANSITIONS.problems() == []
    assert chain.TRANSITIONS["submit"].sources == (None, S.RETURNED)


def test_the_city_office_accepts_a_departments_table_and_the_numbers_are_locked(w: dict) -> None:
    sub = submit(w["u"]["dept"], w["dept"])
    assert chain.reviewer_of(w["dept"]) == w["office"]
    sub = services.submission_accept(by=w["u"]["city_filler"], submission=sub)
    assert sub.status == S.ACCEPTED and sub.accepted_by == w["u"]["city_filler"]
    assert sub.is_submitted  # accepted still counts as submitted
    with pytest.raises(ValidationError, match="已接收"):
        submit(w["u"]["dept"], w["dept"])
    with pytest.raises(ValidationError, match="已接收"):
        services.submission_return(by=w["u"]["city_filler"], submission=sub, reason="再看看")
    sub.refresh_from_db()
    assert sub.status == S.ACCEPTED and sub.times_submitted == 1
    assert actions(sub) == ["anbiao.stats.submitted", "anbiao.stats.accepted"]


def test_unapprove_is_by_the_level_above_with_a_reason_and_sends_the_table_back(w: dict) -> None:
    sub = submit(w["u"]["dept"], w["dept"])
    services.submission_accept(by=w["u"]["city_filler"], submission=sub)
    # the filler who accepted is not above the accepting level; the city's leaders are
    with pytest.raises(ValidationError, match="单位管理员或主要负责人"):
        services.submission_unapprove(by=w["u"]["city_filler"], submission=sub, reason="有误")
    with pytest.raises(ValidationError, match="原因"):
        services.submission_unapprove(by=w["u"]["city_admin"], submission=sub, reason="  ")
    sub.refresh_from_db()
    assert sub.status == S.ACCEPTED
    sub = services.submission_unapprove(
        by=w["u"]["city_principal"], submission=sub, reason="企业数与台账不符"
    )
    assert sub.status == S.RETURNED and sub.return_reason == "企业数与台账不符"
    assert sub.accepted_at is None
    entry = AuditEntry.objects.filter(action="anbiao.stats.unapproved").get()
    assert entry.data["reason"] == "企业数与台账不符" and entry.data["from"] == S.ACCEPTED
    # sent back: the unit submits again, the city office accepts again
    sub = submit(w["u"]["dept"], w["dept"])
    assert sub.status == S.SUBMITTED and sub.times_submitted == 2
    services.submission_accept(by=w["u"]["city_filler"], submission=sub)


def test_a_return_needs_a_reason_and_the_unit_resubmits(w: dict) -> None:
    sub = submit(w["u"]["town"], w["town"])
    with pytest.raises(ValidationError) as exc:
        services.submission_return(by=w["u"]["city_filler"], submission=sub, reason="")
    assert "reason" in exc.value.message_dict
    services.submission_return(by=w["u"]["city_filler"], submission=sub, reason="缺少盖章件")
    sub.refresh_from_db()
    assert sub.status == S.RETURNED
    with pytest.raises(ValidationError, match="已退回"):
        services.submission_accept(by=w["u"]["city_filler"], submission=sub)
    assert submit(w["u"]["town"], w["town"]).status == S.SUBMITTED


def test_a_unit_cannot_review_its_own_table_nor_another_units(w: dict) -> None:
    sub = submit(w["u"]["dept"], w["dept"])
    for user in (w["u"]["dept"], w["u"]["town"], w["u"]["sub"]):
        with pytest.raises(ValidationError, match="上一级单位"):
            services.submission_accept(by=user, submission=sub)
    with pytest.raises(ValidationError, match="上一级单位"):
        services.submission_accept(by=w["u"]["city_viewer"], submission=sub)
    with pytest.raises(ValidationError, match="填报单位"):
        submit(w["u"]["town"], w["dept"])
    sub.refresh_from_db()
    assert sub.status == S.SUBMITTED


def test_the_parent_reviews_a_sub_units_table_and_accepts_its_own_only_after(w: dict) -> None:
    child = submit(w["u"]["sub"], w["sub_unit"])
    assert chain.reviewer_of(w["sub_unit"]) == w["dept"]
    own = submit(w["u"]["dept"], w["dept"])
    with pytest.raises(ValidationError, match="应急管理综合执法大队"):
        services.submission_accept(by=w["u"]["city_filler"], submission=own)
    with pytest.raises(ValidationError, match="上一级单位"):
        services.submission_accept(by=w["u"]["city_filler"], submission=child)
    html = client(w["u"]["dept"]).get(reverse("stats:table") + f"?{PERIOD.query()}").content
    assert "应急管理综合执法大队" in html.decode() and b'id="sub-unit-submissions"' in html
    services.submission_accept(by=w["u"]["dept"], submission=child)
    services.submission_accept(by=w["u"]["city_filler"], submission=own)
    # above the parent is the city office: any of its writers may unapprove the child
    with pytest.raises(ValidationError, match="接收单位的上一级单位"):
        services.submission_unapprove(by=w["u"]["dept"], submission=child, reason="x")
    services.submission_unapprove(by=w["u"]["city_filler"], submission=child, reason="重新核对")
    child.refresh_from_db()
    assert child.status == S.RETURNED


def test_the_city_offices_own_table_is_accepted_by_another_person_of_the_office(w: dict) -> None:
    sub = submit(w["u"]["city_filler"], w["office"])
    with pytest.raises(ValidationError, match="本人填报"):
        services.submission_accept(by=w["u"]["city_filler"], submission=sub)
    services.submission_accept(by=w["u"]["city_admin"], submission=sub)
    services.submission_unapprove(by=w["u"]["city_principal"], submission=sub, reason="重签")


def test_the_review_buttons_follow_the_table_and_post_through_the_views(w: dict) -> None:
    sub = submit(w["u"]["dept"], w["dept"])
    detail = reverse("stats:submission_detail", args=[sub.pk])
    html = client(w["u"]["city_filler"]).get(detail).content.decode()
    assert 'id="btn-accept"' in html and 'id="btn-return"' in html
    assert 'id="btn-unapprove"' not in html
    assert 'id="btn-accept"' not in client(w["u"]["dept"]).get(detail).content.decode()
    r = client(w["u"]["city_filler"]).post(reverse("stats:submission_accept", args=[sub.pk]))
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.status == S.ACCEPTED
    html = client(w["u"]["city_admin"]).get(detail).content.decode()
    assert 'id="btn-unapprove"' in html and "已接收" in html
    url = reverse("stats:submission_unapprove", args=[sub.pk])
    assert client(w["u"]["city_filler"]).post(url, {"reason": "x"}).status_code == 404
    r = client(w["u"]["city_admin"]).post(url, {"reason": ""})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.status == S.ACCEPTED  # no reason, nothing written
    client(w["u"]["city_admin"]).post(url, {"reason": "数字须重新核对"})
    sub.refresh_from_db()
    assert sub.status == S.RETURNED


def test_refusals_answer_404_for_another_organization_and_the_wrong_role(w: dict) -> None:
    sub = submit(w["u"]["dept"], w["dept"])
    accept = reverse("stats:submission_accept", args=[sub.pk])
    assert client(w["u"]["town"]).post(accept).status_code == 404  # another organization
    assert client(w["u"]["dept"]).post(accept).status_code == 404  # its own: not the reviewer
    assert client(w["u"]["dept_viewer"]).post(accept).status_code == 404  # not a writer
    assert client(w["u"]["city_viewer"]).post(accept).status_code == 404
    sub.refresh_from_db()
    assert sub.status == S.SUBMITTED
    assert actions(sub) == ["anbiao.stats.submitted"]
