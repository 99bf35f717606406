"""Signing, submitting, returning, resubmitting, accepting; supervisor lists; campaigns."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.campaigns import services as campaign_services
from anbiao.campaigns.models import CampaignStatus
from anbiao.checklists import selectors, services, supervision
from anbiao.checklists.models import Checklist, ReviewOutcome, SignatureMethod
from anbiao.checklists.tests import helpers
from anbiao.orgs.models import OrgKind, SizeClass
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


def data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(helpers.png_bytes("black")).decode()


@pytest.fixture
def dept():  # noqa: ANN201
    return OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市测试应急管理局")


@pytest.fixture
def town():  # noqa: ANN201
    return OrganizationFactory.create(kind=OrgKind.TOWN, name="测试溪美街道")


@pytest.fixture
def ent(dept, town):  # noqa: ANN001, ANN201
    return EnterpriseFactory.create(
        department=dept, town=town, organization__name="测试石材有限公司"
    )


@pytest.fixture
def principal(ent):  # noqa: ANN001, ANN201
    return helpers.person(ent.organization, Role.PRINCIPAL, "林志明")


@pytest.fixture
def filler(ent):  # noqa: ANN001, ANN201
    return helpers.person(ent.organization, Role.FILLER, "陈美玲")


@pytest.fixture
def reviewer(dept):  # noqa: ANN001, ANN201
    return helpers.person(dept, Role.FILLER, "许丽萍")


@pytest.fixture
def ready(ent, filler):  # noqa: ANN001, ANN201
    c = helpers.start(ent.organization, filler)
    helpers.fill_all(c)
    return c


def test_submitting_needs_every_clause_answered_and_lists_the_missing_ones(ent, principal) -> None:  # noqa: ANN001
    c = helpers.start(ent.organization, principal)
    page = login(principal).get(reverse("checklists:submit", args=[c.pk])).content.decode()
    assert "还有 51 条细则未填写结论" in page
    first_answer = c.answers.order_by("clause__position").first()
    assert first_answer is not None
    first = first_answer.clause_id
    detail = reverse("checklists:detail", args=[c.pk])
    assert f'href="{detail}?edit={first}#c{first}"' in page  # opens the clause to fill it
    with pytest.raises(ValidationError, match="还有 51 条细则未填写结论"):
        services.checklist_submit(by=principal, checklist=c, signature_data_url=data_url())
    c.refresh_from_db()
    assert c.status == "draft" and c.submissions.count() == 0


def test_the_principal_signs_on_screen_and_the_checklist_is_locked(ready, principal) -> None:  # noqa: ANN001
    r = login(principal).post(
        reverse("checklists:submit", args=[ready.pk]), {"signature": data_url()}
    )
    assert r.status_code == 302
    ready.refresh_from_db()
    assert ready.status == "submitted" and ready.is_submitted
    sub = ready.submissions.get()
    assert sub.number == 1 and sub.submitted_by == principal
    sig = sub.signature
    assert (
        sig.method == SignatureMethod.DRAWN
        and sig.signed_by == principal
        and sig.signer_name == "林志明"
    )
    assert sig.stored_file.content_type == "image/png"
    assert sig.stored_file.file.open("rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert len(sub.snapshot["answers"]) == 51
    # Locked: no edits.
    a = ready.answers.first()
    with pytest.raises(ValidationError, match="已锁定"):
        services.answer_save(
            by=principal,
            answer=a,
            expected_version=a.version,
            data=services.AnswerInput("na", "", []),
        )
    page = login(principal).get(reverse("checklists:detail", args=[ready.pk])).content.decode()
    assert "保存本条" not in page


def test_a_filler_cannot_sign_on_screen_but_can_upload_the_signed_scan(ready, filler) -> None:  # noqa: ANN001
    c = login(filler)
    r = c.post(reverse("checklists:submit", args=[ready.pk]), {"signature": data_url()})
    assert r.status_code == 200 and "只有主要负责人可以在线签字" in r.content.decode()
    ready.refresh_from_db()
    assert ready.status == "draft"
    r = c.post(
        reverse("checklists:submit", args=[ready.pk]), {"scan": helpers.png_upload("签字表.png")}
    )
    assert r.status_code == 302
    ready.refresh_from_db()
    sig = ready.submissions.get().signature
    assert (
        ready.status == "submitted"
        and sig.method == SignatureMethod.SCAN
        and sig.signed_by == filler
    )


def test_submitting_without_any_signature_is_refused(ready, principal) -> None:  # noqa: ANN001
    r = login(principal).post(reverse("checklists:submit", args=[ready.pk]), {"signature": ""})
    assert "提交前须由主要负责人在线签字" in r.content.decode()
    ready.refresh_from_db()
    assert ready.status == "draft"


def test_a_bad_signature_data_url_is_refused(ready, principal) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        services.checklist_submit(
            by=principal, checklist=ready, signature_data_url="data:image/png;base64,@@@"
        )
    bogus = "data:image/png;base64," + base64.b64encode(b"<script>x</script>").decode()
    with pytest.raises(ValidationError):
        services.checklist_submit(by=principal, checklist=ready, signature_data_url=bogus)
    ready.refresh_from_db()
    assert ready.status == "draft"


def test_return_needs_a_reason_then_the_enterprise_edits_resubmits_and_every_version_stays_viewable(
    ready,
    principal,
    reviewer,  # noqa: ANN001
) -> None:
    services.checklist_submit(by=principal, checklist=ready, signature_data_url=data_url())
    rc = login(reviewer)
    r = rc.post(reverse("checklists:return", args=[ready.pk]), {"reason": "  "})
    assert r.status_code == 400 and "请填写退回原因" in r.content.decode()
    ready.refresh_from_db()
    assert ready.status == "submitted"
    r = rc.post(
        reverse("checklists:return", args=[ready.pk]), {"reason": "应急预案演练缺少佐证材料"}
    )
    assert r.status_code == 302
    ready.refresh_from_db()
    assert ready.status == "returned" and not ready.is_submitted
    assert ready.return_reason == "应急预案演练缺少佐证材料"
    assert ready.submissions.get().outcome == ReviewOutcome.RETURNED
    assert not selectors.submitted_lookbacks().filter(pk=ready.pk).exists()
    ec = login(principal)
    page = ec.get(reverse("checklists:detail", args=[ready.pk])).content.decode()
    assert "应急预案演练缺少佐证材料" in page and "保存本条" in page
    a = ready.answers.order_by("clause__position").first()
    services.answer_save(
        by=principal,
        answer=a,
        expected_version=a.version,
        data=services.AnswerInput("nonconform", "", ["演练记录缺失"]),
    )
    r = ec.post(reverse("checklists:submit", args=[ready.pk]), {"signature": data_url()})
    assert r.status_code == 302
    ready.refresh_from_db()
    assert ready.status == "submitted" and ready.submissions.count() == 2
    v1 = ec.get(reverse("checklists:submission", args=[ready.pk, 1])).content.decode()
    v2 = ec.get(reverse("checklists:submission", args=[ready.pk, 2])).content.decode()
    assert "演练记录缺失" not in v1 and "应急预案演练缺少佐证材料" in v1
    assert "演练记录缺失" in v2
    r = rc.post(reverse("checklists:accept", args=[ready.pk]), {"lock_version": ready.lock_version})
    assert r.status_code == 302
    ready.refresh_from_db()
    assert (
        ready.status == "accepted" and selectors.submitted_lookbacks().filter(pk=ready.pk).exists()
    )
    from anbiao.core.models import AuditEntry

    actions = list(
        AuditEntry.objects.filter(object_id=str(ready.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "anbiao.checklist.started",
        "anbiao.checklist.submitted",
        "anbiao.checklist.returned",
        "anbiao.checklist.submitted",
        "anbiao.checklist.accepted",
    ]


def test_a_stale_review_form_is_refused(ready, principal, reviewer) -> None:  # noqa: ANN001
    services.checklist_submit(by=principal, checklist=ready, signature_data_url=data_url())
    ready.refresh_from_db()
    with pytest.raises(ValidationError, match="已被他人更新"):
        services.checklist_accept(by=reviewer, checklist=ready, lock_version=ready.lock_version - 1)


def test_only_the_primary_department_and_the_city_office_review(ready, principal, town) -> None:  # noqa: ANN001
    services.checklist_submit(by=principal, checklist=ready, signature_data_url=data_url())
    co_dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    ready.organization.enterprise.other_departments.add(co_dept)
    town_user = make_user(town, Role.ORG_ADMIN)
    city = OrganizationFactory.create(kind=OrgKind.CITY)
    assert not selectors.can_review(make_user(co_dept, Role.ORG_ADMIN), ready)
    assert not selectors.can_review(town_user, ready)
    assert selectors.can_review(make_user(city, Role.FILLER), ready)
    # The town sees its enterprise read only.
    page = login(town_user).get(reverse("checklists:detail", args=[ready.pk]))
    assert page.status_code == 200 and "审核通过" not in page.content.decode()
    assert login(town_user).post(reverse("checklists:accept", args=[ready.pk])).status_code == 404


def test_supervisor_lists_show_who_submitted_who_did_not_and_mark_overdue(
    dept, town, reviewer
) -> None:  # noqa: ANN001
    camp = helpers.campaign(enterprise_deadline=timezone.localdate() - timedelta(days=1))
    never = EnterpriseFactory.create(
        department=dept, town=town, organization__name="从未开始企业", size_class=SizeClass.ABOVE
    )
    drafting = EnterpriseFactory.create(department=dept, town=town, organization__name="填写中企业")
    sent = EnterpriseFactory.create(department=dept, town=town, organization__name="已提交企业")
    back = EnterpriseFactory.create(department=dept, town=town, organization__name="被退回企业")
    elsewhere = EnterpriseFactory.create(organization__name="其他部门企业")
    helpers.start(drafting.organization)
    helpers.submitted(sent.organization, make_user(sent.organization, Role.FILLER))
    b = helpers.submitted(back.organization, make_user(back.organization, Role.FILLER))
    services.checklist_return(by=reviewer, checklist=b, reason="请补充")
    helpers.submitted(elsewhere.organization, make_user(elsewhere.organization, Role.FILLER))
    c = login(reviewer)
    url = reverse("checklists:review_list")

    def names(state: str, **extra: str) -> list[str]:
        rows = supervision.supervision_rows(user=reviewer, campaign=camp, **extra)
        return sorted(r.organization.name for r in rows if state == "all" or r.state == state)

    assert names("submitted") == ["已提交企业"]
    assert names("not_submitted") == ["从未开始企业", "填写中企业"]
    assert names("returned") == ["被退回企业"]
    assert names("all", size_class=SizeClass.ABOVE) == ["从未开始企业"]
    page = c.get(url, {"state": "not_submitted"}).content.decode()
    assert "从未开始企业" in page and "填写中企业" in page and "其他部门企业" not in page
    assert page.count("row-overdue") == 2 and "逾期" in page
    page = c.get(url, {"state": "submitted"}).content.decode()
    assert "已提交企业" in page and "row-overdue" not in page
    assert never.organization.name not in page


def test_the_deadline_is_a_local_date(dept, reviewer) -> None:  # noqa: ANN001
    camp = helpers.campaign(enterprise_deadline=timezone.localdate())
    EnterpriseFactory.create(department=dept)
    rows = supervision.supervision_rows(user=reviewer, campaign=camp)
    assert rows and not any(r.overdue for r in rows)


def test_the_campaign_state_machine(dept) -> None:  # noqa: ANN001
    from anbiao.checklists import builtin

    builtin.load()
    city_user = make_user(OrganizationFactory.create(kind=OrgKind.CITY), Role.ORG_ADMIN)
    camp = campaign_services.campaign_create(
        by=city_user,
        name="2025年专项行动",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        enterprise_deadline=date(2025, 5, 31),
        government_deadline=date(2025, 6, 15),
        enterprise_template_version=helpers.loaded_version("fujian2_2024"),
        government_template_version=helpers.loaded_version("fujian1_2024"),
    )
    assert camp.status == CampaignStatus.DRAFT
    with pytest.raises(ValidationError):
        helpers.start(dept, camp=camp)
    with pytest.raises(ValidationError, match="不能结束"):
        campaign_services.campaign_transition(by=city_user, campaign=camp, action="close")
    camp = campaign_services.campaign_transition(by=city_user, campaign=camp, action="open")
    assert camp.status == CampaignStatus.OPEN and camp.opened_at
    assert helpers.start(dept, camp=camp).template_version.template.code == "fujian1_2024"
    with pytest.raises(ValidationError, match="已有单位开始填报，不能更换细则版本"):
        campaign_services.campaign_update(
            by=city_user,
            campaign=camp,
            enterprise_template_version=helpers.loaded_version("fujian1_2024"),
        )
    camp = campaign_services.campaign_transition(by=city_user, campaign=camp, action="close")
    assert camp.status == CampaignStatus.CLOSED


def test_the_city_office_creates_a_campaign_through_the_form() -> None:
    from anbiao.checklists import builtin

    builtin.load()
    city_user = make_user(OrganizationFactory.create(kind=OrgKind.CITY), Role.ORG_ADMIN)
    c = login(city_user)
    data = {
        "name": "2025年专项行动",
        "period_start": "2025-01-01",
        "period_end": "2024-06-30",
        "enterprise_deadline": "2025-05-31",
        "government_deadline": "2025-06-15",
        "enterprise_template_version": helpers.loaded_version("fujian2_2024").pk,
        "government_template_version": helpers.loaded_version("fujian1_2024").pk,
    }
    r = c.post(reverse("campaigns:create"), data)
    assert r.status_code == 200 and "结束日期不能早于开始日期" in r.content.decode()
    assert "2025年专项行动" in r.content.decode()
    data["period_end"] = "2025-06-30"
    assert c.post(reverse("campaigns:create"), data).status_code == 302
    from anbiao.campaigns.models import Campaign

    assert Campaign.objects.get(name="2025年专项行动").status == "draft"


def test_home_cards_show_progress_deadline_and_pending_reviews(ent, filler, reviewer) -> None:  # noqa: ANN001
    from anbiao.checklists.menu import home_cards

    helpers.campaign()
    cards = home_cards(filler)
    assert cards[0].title == "填写回头看细则（0/51）" and "距截止还有" in cards[0].body
    c = helpers.start(ent.organization, filler)
    for a in c.answers.order_by("clause__position")[:37]:
        services.answer_save(
            by=filler, answer=a, expected_version=0, data=services.AnswerInput("conform", "", [])
        )
    assert home_cards(filler)[0].title == "填写回头看细则（37/51）"
    helpers.fill_all(c)
    services.checklist_submit(by=filler, checklist=c, scan=helpers.png_upload())
    assert any(card.title == "待审核回头看细则（1）" for card in home_cards(reviewer))
    c.refresh_from_db()
    services.checklist_return(by=reviewer, checklist=c, reason="补充照片")
    card = home_cards(filler)[0]
    assert card.title == "回头看细则被退回" and "补充照片" in card.body


def test_demo_seed_is_idempotent_and_makes_a_spread_of_states() -> None:
    from anbiao.campaigns import demo as campaign_demo
    from anbiao.checklists import builtin
    from anbiao.checklists import demo as checklist_demo
    from anbiao.orgs import builtin as orgs_builtin
    from anbiao.orgs import demo as orgs_demo

    orgs_builtin.load()
    builtin.load()
    orgs_demo.seed()
    campaign_demo.seed()
    checklist_demo.seed()
    n = Checklist.objects.count()
    checklist_demo.seed()
    assert Checklist.objects.count() == n > 100
    states = set(Checklist.objects.values_list("status", flat=True))
    assert states == {"draft", "submitted", "returned", "accepted"}
    assert Checklist.objects.filter(organization__kind=OrgKind.DEPARTMENT).exists()
    demo_ent = Checklist.objects.get(organization__name=orgs_demo.DEMO_ENTERPRISE)
    assert selectors.progress(demo_ent) == (37, 51)


def test_the_city_office_lists_government_units_and_a_town_only_its_own(town, dept) -> None:  # noqa: ANN001
    camp = helpers.campaign()
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="测试市安委办")
    g = helpers.submitted(dept, make_user(dept, Role.FILLER))
    assert g.template_version.template.code == "fujian1_2024"
    rows = supervision.supervision_rows(
        user=make_user(city, Role.VIEWER), campaign=camp, kind="government"
    )
    states = {r.organization.name: r.state for r in rows}
    assert states[dept.name] == "submitted" and states[town.name] == "not_submitted"
    assert city.name in states
    town_rows = supervision.supervision_rows(
        user=make_user(town, Role.VIEWER), campaign=camp, kind="government"
    )
    assert [r.organization.name for r in town_rows] == [town.name]
    page = login(make_user(city, Role.FILLER)).get(
        reverse("checklists:review_list"), {"kind": "government", "state": "all"}
    )
    assert dept.name in page.content.decode()


def test_inspection_checklists_are_many_per_unit_and_not_editable_by_the_inspected_unit(
    ent, filler
) -> None:  # noqa: ANN001

    camp = helpers.campaign()
    one = services.checklist_start(
        by=None, campaign=camp, organization=ent.organization, purpose="inspection"
    )
    two = services.checklist_start(
        by=None,
        organization=ent.organization,
        purpose="inspection",
        template_version=helpers.loaded_version("fujian2_2024"),
    )
    assert one.pk != two.pk and two.campaign is None and two.answers.count() == 51
    lookback = helpers.start(ent.organization, filler)
    assert helpers.start(ent.organization, filler).pk == lookback.pk
    assert not selectors.can_fill(filler, one)
    a = one.answers.first()
    assert a is not None
    r = login(filler).post(
        reverse("checklists:answer_save", args=[one.pk, a.clause_id]),
        {"version": "0", "result": "conform"},
    )
    assert r.status_code == 404
    a.refresh_from_db()
    assert a.result == ""
