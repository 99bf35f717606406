from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.core.tests.world import build_world
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.records import selectors, services
from anbiao.records.models import EVIDENCE_RULE, Category, Record, RecordKind, RecordStatus
from anbiao.records.tests.helpers import pdf_upload, png_upload

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 5, 10)


@pytest.fixture
def world():  # noqa: ANN201
    return build_world()


def login(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


def experience(user, *, evidence: bool = False, **kw) -> Record:  # noqa: ANN001
    return services.record_create(
        by=user,
        kind=RecordKind.EXPERIENCE,
        title=kw.pop("title", "党员先锋岗安全巡查"),
        summary="每周巡查，问题当场整改",
        date=kw.pop("date", DAY),
        category=kw.pop("category", Category.PARTY),
        evidence=[png_upload()] if evidence else [],
    )


def test_a_record_without_evidence_stays_a_draft_and_is_not_counted(world) -> None:  # noqa: ANN001
    user = world.users["enterprise:filler"]
    record = experience(user)
    assert record.status == RecordStatus.DRAFT
    with pytest.raises(ValidationError) as exc:
        services.record_submit(by=user, record=record)
    assert EVIDENCE_RULE in exc.value.messages
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    assert not Record.objects.counted().filter(pk=record.pk).exists()


def test_adding_evidence_and_submitting_makes_a_record_count(world) -> None:  # noqa: ANN001
    user = world.users["enterprise:filler"]
    record = experience(user)
    services.record_evidence_add(by=user, record=record, uploads=[pdf_upload()])
    # Evidence alone is not enough: the record must also be submitted.
    assert not Record.objects.counted().filter(pk=record.pk).exists()
    services.record_submit(by=user, record=record)
    assert list(Record.objects.counted().values_list("pk", flat=True)) == [record.pk]
    assert AuditEntry.objects.filter(
        action="anbiao.record.submitted", object_id=str(record.pk)
    ).exists()


def test_removing_the_last_evidence_returns_a_record_to_draft(world) -> None:  # noqa: ANN001
    user = world.users["enterprise:filler"]
    record = experience(user, evidence=True)
    services.record_submit(by=user, record=record)
    stored = record.evidence.get()
    services.record_evidence_remove(by=user, record=record, stored=stored)
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    assert Record.objects.counted().count() == 0


def test_the_submit_view_shows_the_evidence_rule_in_chinese(world) -> None:  # noqa: ANN001
    user = world.users["enterprise:filler"]
    record = experience(user)
    response = login(user).post(reverse("records:submit", args=[record.pk]), follow=True)
    assert EVIDENCE_RULE in response.content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT


def test_records_counted_splits_enterprise_and_government_by_scope_and_period(world) -> None:  # noqa: ANN001
    ent_user = world.users["enterprise:filler"]
    dept_user = world.users["department:filler"]
    for user, date in ((ent_user, DAY), (ent_user, dt.date(2023, 12, 31)), (dept_user, DAY)):
        r = experience(user, evidence=True, date=date)
        services.record_submit(by=user, record=r)
    experience(ent_user)  # a draft: never counted
    mech = services.record_create(
        by=dept_user,
        kind=RecordKind.MECHANISM,
        title="联合执法机制",
        summary="每月联合检查",
        date=DAY,
        document=pdf_upload(),
        evidence=[png_upload()],
    )
    services.record_submit(by=dept_user, record=mech)
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    everyone = None
    kw: dict[str, Any] = {"start": start, "end": end}
    assert (
        selectors.records_counted(
            scope_org_ids=everyone, kind="experience", author_kind="enterprise", **kw
        ).count()
        == 1
    )
    assert (
        selectors.records_counted(
            scope_org_ids=everyone, kind="experience", author_kind="government", **kw
        ).count()
        == 1
    )
    assert selectors.records_counted(scope_org_ids=everyone, kind="mechanism", **kw).count() == 1
    only_other = [world.ent_other.organization.pk]
    assert selectors.records_counted(scope_org_ids=only_other, kind="experience", **kw).count() == 0
    assert (
        selectors.records_counted(
            scope_org_ids=everyone, kind="experience", start=None, end=None
        ).count()
        == 3
    )


def test_an_enterprise_cannot_record_a_work_mechanism(world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        services.record_create(
            by=world.users["enterprise:filler"],
            kind=RecordKind.MECHANISM,
            title="x",
            summary="y",
            date=DAY,
        )
    assert Record.objects.count() == 0


def test_a_mechanism_needs_its_establishing_document_to_be_submitted(world) -> None:  # noqa: ANN001
    user = world.users["town:filler"]
    mech = services.record_create(
        by=user,
        kind="mechanism",
        title="网格巡查机制",
        summary="s",
        date=DAY,
        evidence=[png_upload()],
    )
    with pytest.raises(ValidationError, match="文件"):
        services.record_submit(by=user, record=mech)


def _submitted(world):  # noqa: ANN001, ANN202
    user = world.users["enterprise:filler"]
    record = experience(user, evidence=True)
    return services.record_submit(by=user, record=record)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("department:org_admin", True),  # the primary department
        ("city:filler", True),
        ("town:org_admin", False),  # the town is not the supervising unit for 优秀案例
        ("department:viewer", False),
        ("enterprise:principal", False),  # not its own
    ],
)
def test_only_the_supervising_unit_marks_a_selected_case(world, persona, allowed) -> None:  # noqa: ANN001
    record = _submitted(world)
    user = world.users[persona]
    assert selectors.can_select(user, record) is allowed
    if allowed:
        services.record_select(by=user, record=record, selected=True)
        record.refresh_from_db()
        assert record.is_selected and record.selected_by == user
        services.record_select(by=user, record=record, selected=False)
        record.refresh_from_db()
        assert not record.is_selected
    else:
        with pytest.raises(ValidationError):
            services.record_select(by=user, record=record, selected=True)
        record.refresh_from_db()
        assert not record.is_selected


def test_a_co_supervising_department_cannot_select_an_enterprises_case(world) -> None:  # noqa: ANN001
    record = _submitted(world)
    co_dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="测试住建局")
    world.ent.other_departments.add(co_dept)
    co_user = make_user(co_dept, Role.ORG_ADMIN)
    assert selectors.records_for_user(co_user).filter(pk=record.pk).exists()  # may see it
    assert selectors.can_select(co_user, record) is False


def test_a_departments_record_is_selected_by_the_city_office_only(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    record = experience(user, evidence=True)
    services.record_submit(by=user, record=record)
    assert selectors.can_select(world.users["city:org_admin"], record)
    assert not selectors.can_select(world.users["department:org_admin"], record)
    response = login(world.users["department:org_admin"]).post(
        reverse("records:select", args=[record.pk]), {"selected": "1"}
    )
    assert response.status_code == 404


def test_a_draft_cannot_be_selected(world) -> None:  # noqa: ANN001
    record = experience(world.users["enterprise:filler"], evidence=True)
    with pytest.raises(ValidationError):
        services.record_select(by=world.users["city:filler"], record=record, selected=True)


def test_creating_with_evidence_through_the_form_stores_the_files(world) -> None:  # noqa: ANN001
    c = login(world.users["enterprise:filler"])
    response = c.post(
        reverse("records:create", args=["experience"]),
        {
            "title": "青年突击手",
            "category": Category.YOUTH,
            "date": "2024-05-10",
            "summary": "青年突击队负责夜班巡检",
            "evidence": [png_upload("a.png"), pdf_upload("b.pdf")],
        },
    )
    record = Record.objects.get()
    assert response.status_code == 302
    assert sorted(f.original_name for f in record.evidence.all()) == ["a.png", "b.pdf"]
    # The evidence is served only through the scoped view, as an attachment.
    f = record.evidence.get(original_name="b.pdf")
    download = c.get(reverse("records:file", args=[record.pk, f.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert isinstance(download, FileResponse)
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_form_error_keeps_what_the_user_typed(world) -> None:  # noqa: ANN001
    c = login(world.users["enterprise:filler"])
    response = c.post(
        reverse("records:create", args=["experience"]),
        {"title": "巾帼能手示范岗", "date": "2024-05-10", "summary": "女职工安全示范"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "巾帼能手示范岗" in html and "女职工安全示范" in html
    assert "类型：" in html  # the missing category is named
    assert Record.objects.count() == 0


def test_a_bad_evidence_file_is_refused_naming_the_field(world) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login(world.users["enterprise:filler"])
    response = c.post(
        reverse("records:create", args=["experience"]),
        {
            "title": "t",
            "category": Category.OTHER,
            "date": "2024-05-10",
            "summary": "s",
            "evidence": [SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")],
        },
    )
    assert response.status_code == 200
    assert "佐证材料：" in response.content.decode()
    assert Record.objects.count() == 0


def test_supervisors_see_submitted_records_in_scope_but_not_other_units_drafts(world) -> None:  # noqa: ANN001
    submitted = _submitted(world)
    draft = experience(world.users["enterprise:filler"], title="草稿经验")
    other_ent = EnterpriseFactory.create(town=world.town_other, department=world.dept_other)
    other_user = make_user(other_ent.organization, Role.FILLER)
    outside = experience(other_user, evidence=True, title="外辖区经验")
    services.record_submit(by=other_user, record=outside)
    dept = world.users["department:viewer"]
    qs = selectors.record_list(user=dept, filters=selectors.RecordFilter(scope="all"))
    assert list(qs.values_list("pk", flat=True)) == [submitted.pk]
    assert draft.pk not in set(qs.values_list("pk", flat=True))
    city = world.users["city:viewer"]
    qs = selectors.record_list(user=city, filters=selectors.RecordFilter(scope="all", selected="0"))
    assert set(qs.values_list("pk", flat=True)) == {submitted.pk, outside.pk}


def test_the_export_lists_the_records_with_their_evidence_state(world) -> None:  # noqa: ANN001
    submitted = _submitted(world)
    experience(world.users["enterprise:filler"], title='=HYPERLINK("x")')
    response = login(world.users["enterprise:viewer"]).get(reverse("records:export"))
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("类别", "填报单位", "单位类型", "标题")
    by_title = {r[3]: r for r in rows[1:]}
    assert by_title[submitted.title][6:10] == ("已提交", 1, "否", "是")
    assert by_title['\'=HYPERLINK("x")'][6:10] == ("草稿", 0, "否", "否")


def test_a_future_date_is_refused_by_the_service(world) -> None:  # noqa: ANN001
    from django.utils import timezone

    with pytest.raises(ValidationError) as exc:
        experience(
            world.users["enterprise:filler"], date=timezone.localdate() + dt.timedelta(days=1)
        )
    assert exc.value.message_dict == {"date": ["日期不能晚于今天。"]}
    assert Record.objects.count() == 0


def test_a_supervisor_filters_the_list_by_unit(world) -> None:  # noqa: ANN001
    submitted = _submitted(world)
    dept_user = world.users["department:filler"]
    own = experience(dept_user, evidence=True, title="部门经验")
    services.record_submit(by=dept_user, record=own)
    c = login(world.users["department:viewer"])
    html = c.get(
        reverse("records:list"), {"scope": "all", "org": str(world.ent.organization.pk)}
    ).content.decode()
    assert submitted.title in html and "部门经验" not in html
    assert f'<option value="{world.ent.organization.pk}" selected>' in html
    # A unit outside the scope is not a valid choice: the filter is ignored, nothing leaks.
    outside = c.get(
        reverse("records:list"), {"scope": "all", "org": str(world.ent_other.organization.pk)}
    )
    assert world.ent_other.organization.name not in outside.content.decode()


def test_the_whole_flow_through_the_pages(world) -> None:  # noqa: ANN001
    author = login(world.users["enterprise:principal"])
    author.post(
        reverse("records:create", args=["experience"]),
        {"title": "工人先锋岗", "category": Category.WORKER, "date": "2024-05-10", "summary": "s"},
    )
    record = Record.objects.get()
    assert not Record.objects.counted().exists()
    author.post(reverse("records:evidence_add", args=[record.pk]), {"evidence": [png_upload()]})
    author.post(reverse("records:submit", args=[record.pk]))
    assert list(Record.objects.counted()) == [record]
    city = login(world.users["city:principal"])
    page = city.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert "评为优秀案例" in page
    city.post(reverse("records:select", args=[record.pk]), {"selected": "1"})
    record.refresh_from_db()
    assert record.is_selected
    listing = city.get(reverse("records:list"), {"scope": "all", "selected": "1"}).content.decode()
    assert "工人先锋岗" in listing and "优秀案例" in listing
