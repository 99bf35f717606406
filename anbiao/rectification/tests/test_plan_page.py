"""The 五定 page and the problem page: lost updates (409), a locked 五定, the 验收不通过 banner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.versioning import VERSION_ERROR
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification import services
from anbiao.rectification.models import Problem, ProblemStatus, local_today
from anbiao.rectification.tests.helpers import plan, png_upload, problem

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
    ent = EnterpriseFactory(department=dept, organization__name="鑫源石材有限公司")
    return {
        "ent": ent.organization,
        "zhang": named(make_user(ent.organization, Role.FILLER), "张安全"),
        "li": named(make_user(ent.organization, Role.ORG_ADMIN), "李主任"),
        "dept": named(make_user(dept, Role.FILLER), "陈验收"),
        "city": named(make_user(city, Role.FILLER), "王督查"),
    }


def five(version: object, **overrides: object) -> dict[str, object]:
    data = {
        "version": version,
        "grade": "general",
        "measures": "更换配电箱锁具",
        "responsible_person": "李四",
        "deadline": (local_today() + timedelta(days=30)).isoformat(),
        "funds": "",
        "contingency_plan": "",
    }
    data.update(overrides)
    return data


def shown_version(response) -> int:  # noqa: ANN001
    return int(response.context["form"]["version"].value())


def test_two_users_saving_the_five_from_the_same_page_the_second_gets_409_and_keeps_its_text(w):  # noqa: ANN001
    p = problem(w["ent"])
    url = reverse("rectification:problem_plan", args=[p.pk])
    zhang, li = login(w["zhang"]), login(w["li"])
    v_zhang, v_li = shown_version(zhang.get(url)), shown_version(li.get(url))
    assert v_zhang == v_li == p.lock_version

    first = zhang.post(url, five(v_zhang, measures="张：加装防护门并上锁"))
    assert first.status_code == 302
    second = li.post(url, five(v_li, measures="李：整体更换配电箱", responsible_person="王五"))

    assert second.status_code == 409
    html = second.content.decode()
    assert "李：整体更换配电箱" in html and "王五" in html  # the user's own text, kept
    message = second.context["conflict"].message
    assert "张安全（鑫源石材有限公司）" in message
    assert (
        "修改了五定（整改措施、责任人、整改期限）" in message and "您填写的内容仍在下方" in message
    )
    assert 'id="edit-conflict"' in html and "重新载入" in html
    stored = Problem.objects.get(pk=p.pk)
    assert stored.measures == "张：加装防护门并上锁" and stored.responsible_person == "李四"
    # The kept form carries the current version: saving again replaces the text on purpose.
    assert shown_version(second) == stored.lock_version
    again = li.post(url, five(shown_version(second), measures="李：整体更换配电箱"))
    assert again.status_code == 302
    assert Problem.objects.get(pk=p.pk).measures == "李：整体更换配电箱"


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999"])
def test_a_missing_or_garbled_version_is_a_form_error_not_a_500(w, version):  # noqa: ANN001
    p = problem(w["ent"])
    url = reverse("rectification:problem_plan", args=[p.pk])
    response = login(w["zhang"]).post(url, five(version, measures="我的措施"))
    assert response.status_code == 400
    html = response.content.decode()
    assert VERSION_ERROR in html and "我的措施" in html
    assert "Hidden field" not in html
    assert Problem.objects.get(pk=p.pk).measures == ""


def awaiting(w) -> Problem:  # noqa: ANN001
    p = problem(w["ent"])
    services.problem_plan_save(by=w["zhang"], problem=p, data=plan())
    services.problem_transition(by=w["zhang"], problem=p, action="start")
    services.problem_evidence_add(by=w["zhang"], problem=p, stage="after", upload=png_upload())
    services.problem_transition(by=w["zhang"], problem=p, action="submit")
    return Problem.objects.get(pk=p.pk)


def test_two_verifiers_acting_on_the_same_page_the_second_gets_409_with_its_reason_kept(w):  # noqa: ANN001
    p = awaiting(w)
    detail = reverse("rectification:problem_detail", args=[p.pk])
    url = reverse("rectification:problem_transition", args=[p.pk])
    dept, city = login(w["dept"]), login(w["city"])
    v1 = dept.get(detail).context["p"].lock_version
    v2 = city.get(detail).context["p"].lock_version
    assert dept.post(url, {"action": "verify", "lock_version": v1}).status_code == 302
    r = city.post(url, {"action": "reject", "reason": "照片看不清锁具", "lock_version": v2})
    assert r.status_code == 409
    html = r.content.decode()
    assert "照片看不清锁具" in html
    assert "陈验收（应急管理局）" in html and "验收通过并销号" in r.context["conflict"].message
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.CLOSED


def test_a_transition_without_a_version_is_refused(w):  # noqa: ANN001
    p = awaiting(w)
    url = reverse("rectification:problem_transition", args=[p.pk])
    r = login(w["dept"]).post(url, {"action": "verify"}, follow=True)
    assert VERSION_ERROR in r.content.decode()
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.AWAITING


def test_once_locked_the_five_page_shows_text_not_fields_and_no_save_button(w):  # noqa: ANN001
    p = awaiting(w)
    url = reverse("rectification:problem_plan", args=[p.pk])
    r = login(w["zhang"]).get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="five-locked"' in html and "五定已锁定" in html
    assert "更换配电箱锁具，规范敷设电缆" in html  # the text itself
    assert 'name="measures"' not in html and "<textarea" not in html
    assert ">保存<" not in html
    # A post from a page opened before the lock: 409, nothing saved, the text given back.
    r = login(w["zhang"]).post(url, five(p.lock_version - 1, measures="晚到的修改"))
    assert r.status_code == 409
    html = r.content.decode()
    assert "晚到的修改" in html and 'name="measures"' not in html
    assert Problem.objects.get(pk=p.pk).measures == "更换配电箱锁具，规范敷设电缆"


def test_a_failed_verification_reason_is_a_banner_for_the_enterprise(w):  # noqa: ANN001
    p = awaiting(w)
    services.problem_transition(
        by=w["dept"], problem=p, action="reject", reason="锁具未安装，请补拍整改后照片"
    )
    html = login(w["zhang"]).get(reverse("rectification:problem_detail", args=[p.pk])).content
    html = html.decode()
    banner = html.find('id="rejection"')
    assert banner != -1
    assert html.find("锁具未安装，请补拍整改后照片") < html.find('id="timeline"')
    assert (
        "验收不通过" in html[banner : banner + 400] and "应急管理局" in html[banner : banner + 400]
    )
    assert banner < html.find("<h2>问题</h2>")  # at the top, above the facts
    # Submitted again: the banner goes (the verifier decides anew).
    services.problem_evidence_add(by=w["zhang"], problem=p, stage="after", upload=png_upload())
    services.problem_transition(by=w["zhang"], problem=p, action="submit")
    html = login(w["zhang"]).get(reverse("rectification:problem_detail", args=[p.pk])).content
    assert b'id="rejection"' not in html
