"""Supervision inspections: recording, completing, scope, lists, statistics columns 7–10."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anbiao.core.models import AuditEntry
from anbiao.inspections import services
from anbiao.inspections.models import Inspection, InspectionProblem, InspectionStatus
from anbiao.inspections.tests.helpers import client_for, inspection, png_upload
from anbiao.orgs.models import SizeClass
from anbiao.rectification.models import Problem, ProblemEvidence, ProblemSource

pytestmark = pytest.mark.django_db


# --- recording ---------------------------------------------------------------------------------


def test_a_grid_inspector_records_an_inspection_with_a_finding_and_a_photo(w: dict) -> None:
    c = client_for(w["u"]["grid"])
    r = c.post(
        reverse("inspections:inspection_create"),
        {
            "target": w["ent"].organization.pk,
            "date": timezone.localdate().isoformat(),
            "inspectors": "柯明亮",
            "summary": "现场检查",
        },
    )
    insp = Inspection.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "inspections:inspection_detail", args=[insp.pk]
    )
    assert insp.inspector == w["town"] and insp.target == w["ent"].organization
    assert insp.status == InspectionStatus.DRAFT and insp.recorded_by == w["u"]["grid"]
    r = c.post(
        reverse("inspections:finding_add", args=[insp.pk]),
        {"description": "消防通道堆放杂物", "grade": "general", "photos": [png_upload()]},
    )
    assert r.status_code == 302
    finding = insp.findings.get()
    assert finding.description == "消防通道堆放杂物"
    photo = finding.photos.get()
    assert photo.stored_file.is_image
    # the photo is served to the inspecting unit, as an image
    got = c.get(reverse("inspections:photo_file", args=[insp.pk, photo.pk]))
    assert got.status_code == 200 and got["Content-Type"].startswith("image/")
    assert AuditEntry.objects.filter(action="anbiao.inspection.finding_added").exists()


def test_the_form_keeps_what_the_user_typed_and_names_the_field_in_error(w: dict) -> None:
    c = client_for(w["u"]["dept"])
    r = c.post(
        reverse("inspections:inspection_create"),
        {"target": w["ent"].organization.pk, "date": "2026-13-40", "inspectors": "王五"},
    )
    html = r.content.decode()
    assert r.status_code == 200 and "检查日期：日期格式应为 2026-01-31。" in html
    assert 'value="王五"' in html
    assert not Inspection.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_written(w: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    insp = inspection(w["u"]["grid"], w["ent"].organization)
    bad = SimpleUploadedFile("a.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    c = client_for(w["u"]["grid"])
    r = c.post(
        reverse("inspections:finding_add", args=[insp.pk]),
        {"description": "配电箱未上锁", "grade": "general", "photos": [bad]},
    )
    html = r.content.decode()
    assert r.status_code == 200 and "第 1 张照片" in html and "配电箱未上锁" in html
    assert not insp.findings.exists()


def test_a_department_cannot_inspect_an_enterprise_outside_its_scope(w: dict) -> None:
    with pytest.raises(ValidationError) as exc:
        services.inspection_create(
            by=w["u"]["dept"],
            target=w["far"].organization,
            date=timezone.localdate(),
            inspectors="张三",
        )
    assert "不在本单位的检查范围内" in str(exc.value)
    assert not Inspection.objects.exists()


def test_only_the_city_office_may_inspect_a_department_or_a_town(w: dict) -> None:
    with pytest.raises(ValidationError):
        services.inspection_create(
            by=w["u"]["dept"], target=w["town"], date=timezone.localdate(), inspectors="张三"
        )
    insp = services.inspection_create(
        by=w["u"]["city"], target=w["dept"], date=timezone.localdate(), inspectors="市安委办"
    )
    assert insp.target == w["dept"]


def test_a_viewer_cannot_record_an_inspection(w: dict) -> None:
    c = client_for(w["u"]["dept_viewer"])
    assert c.get(reverse("inspections:inspection_create")).status_code == 404
    with pytest.raises(ValidationError):
        services.inspection_create(
            by=w["u"]["dept_viewer"],
            target=w["ent"].organization,
            date=timezone.localdate(),
            inspectors="张三",
        )


def test_an_inspection_date_in_the_future_is_refused(w: dict) -> None:
    with pytest.raises(ValidationError) as exc:
        services.inspection_create(
            by=w["u"]["dept"],
            target=w["ent"].organization,
            date=timezone.localdate() + dt.timedelta(days=1),
            inspectors="张三",
        )
    assert "检查日期不能晚于今天" in str(exc.value)


# --- completing ------------------------------------------------------------------------------


def test_completing_turns_each_finding_into_a_tracked_problem_of_the_enterprise(w: dict) -> None:
    grid = w["u"]["grid"]
    insp = inspection(
        grid, w["ent"].organization, findings=("灭火器过期", "安全出口锁闭"), photo=True
    )
    c = client_for(grid)
    r = c.post(reverse("inspections:inspection_complete", args=[insp.pk]))
    assert r.status_code == 302
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.COMPLETED and insp.completed_by == grid
    problems = Problem.objects.filter(inspection=insp).order_by("description")
    assert [p.description for p in problems] == ["安全出口锁闭", "灭火器过期"]
    for p in problems:
        assert p.organization == w["ent"].organization
        assert p.source == ProblemSource.INSPECTION
        assert p.recorded_by == grid and p.recorded_org == w["town"]
        assert list(p.inspections.all()) == [insp]
        link = InspectionProblem.objects.get(problem=p)
        assert link.finding is not None
        assert link.finding.description == p.description
        # the on-site photo is the problem's 整改前 evidence
        ev = ProblemEvidence.objects.get(problem=p)
        assert ev.stored_file_id == link.finding.photos.get().stored_file_id
    # a completed inspection cannot change any more
    with pytest.raises(ValidationError):
        services.finding_add(by=grid, inspection=insp, description="再加一条")
    with pytest.raises(ValidationError):
        services.inspection_complete(by=grid, inspection=insp)
    assert Problem.objects.filter(inspection=insp).count() == 2


def test_the_enterprise_sees_the_problems_on_its_rectification_list(w: dict) -> None:
    insp = inspection(
        w["u"]["dept"], w["ent"].organization, findings=("动火作业未审批",), complete=True
    )
    c = client_for(w["u"]["ent"])
    html = c.get(reverse("rectification:ledger")).content.decode()
    assert "动火作业未审批" in html
    # and the inspection itself, read only
    detail = c.get(reverse("inspections:inspection_detail", args=[insp.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "动火作业未审批" in text and "完成检查" not in text and "添加问题" not in text
    # the problem page leads back to the inspection it came from
    problem = Problem.objects.get(inspection=insp)
    page = c.get(reverse("rectification:problem_detail", args=[problem.pk])).content.decode()
    assert reverse("inspections:inspection_detail", args=[insp.pk]) in page
    # another enterprise sees neither
    c2 = client_for(w["u"]["ent2"])
    assert "动火作业未审批" not in c2.get(reverse("rectification:ledger")).content.decode()
    assert c2.get(reverse("inspections:inspection_detail", args=[insp.pk])).status_code == 404


def test_an_enterprise_does_not_see_a_draft_inspection_of_itself(w: dict) -> None:
    insp = inspection(w["u"]["dept"], w["ent"].organization, findings=("草稿中的问题",))
    c = client_for(w["u"]["ent"])
    assert c.get(reverse("inspections:inspection_detail", args=[insp.pk])).status_code == 404
    assert "草稿中的问题" not in c.get(reverse("rectification:ledger")).content.decode()
    assert not Problem.objects.exists()


def test_a_town_cannot_see_or_complete_a_departments_inspection(w: dict) -> None:
    insp = inspection(w["u"]["dept"], w["ent"].organization, findings=("问题一",))
    c = client_for(w["u"]["grid"])
    assert c.get(reverse("inspections:inspection_detail", args=[insp.pk])).status_code == 404
    assert c.post(reverse("inspections:inspection_complete", args=[insp.pk])).status_code == 404
    insp.refresh_from_db()
    assert insp.is_draft


def test_an_inspected_department_sees_its_inspection_and_its_problems(w: dict) -> None:
    insp = inspection(w["u"]["city"], w["dept"], findings=("未按月报送典型案例",), complete=True)
    p = Problem.objects.get(inspection=insp)
    assert p.organization == w["dept"] and p.source == ProblemSource.INSPECTION
    c = client_for(w["u"]["dept_viewer"])
    assert c.get(reverse("inspections:inspection_detail", args=[insp.pk])).status_code == 200
    assert c.get(reverse("rectification:problem_detail", args=[p.pk])).status_code == 200
    c2 = client_for(w["u"]["dept2"])
    assert c2.get(reverse("inspections:inspection_detail", args=[insp.pk])).status_code == 404


# --- lists --------------------------------------------------------------------------------


def test_the_list_filters_by_unit_target_and_date_and_exports_xlsx(w: dict) -> None:
    today = timezone.localdate()
    inspection(w["u"]["dept"], w["ent"].organization, date=today - dt.timedelta(days=10))
    inspection(w["u"]["grid"], w["ent2"].organization, date=today, findings=("a", "b"))
    inspection(w["u"]["dept2"], w["far"].organization, date=today)
    c = client_for(w["u"]["city"])
    html = c.get(reverse("inspections:inspection_list")).content.decode()
    assert "共 3 次检查" in html
    html = c.get(
        reverse("inspections:inspection_list"), {"inspector": w["town"].pk}
    ).content.decode()
    assert "共 1 次检查" in html and "宏达机械" in html
    html = c.get(reverse("inspections:inspection_list"), {"q": "鑫源"}).content.decode()
    assert "共 1 次检查" in html
    html = c.get(
        reverse("inspections:inspection_list"), {"date_from": today.isoformat()}
    ).content.decode()
    assert "共 2 次检查" in html
    r = c.get(reverse("inspections:inspection_export"), {"date_from": today.isoformat()})
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("检查日期", "检查单位", "被检查单位")
    got = sorted((row[1], row[2], row[6]) for row in rows[1:])
    assert got == [("住建局", "远方建材", 0), ("溪美街道", "宏达机械", 2)]
    # a department sees only its own unit's inspections
    html = client_for(w["u"]["dept"]).get(reverse("inspections:inspection_list")).content.decode()
    assert "共 1 次检查" in html and "远方建材" not in html


def test_the_never_inspected_list_counts_enterprises_in_scope_without_a_completed_inspection(
    w: dict,
) -> None:
    from anbiao.checklists.tests.helpers import campaign as make_campaign

    camp = make_campaign()
    c = client_for(w["u"]["dept"])
    url = reverse("inspections:never_inspected")
    r = c.get(url)
    assert 'id="never-count">2<' in r.content.decode()
    # a draft does not count; a completed inspection by the town does
    inspection(w["u"]["grid"], w["ent"].organization, campaign=camp)
    assert 'id="never-count">2<' in c.get(url).content.decode()
    inspection(w["u"]["grid"], w["ent"].organization, campaign=camp, complete=True)
    html = c.get(url).content.decode()
    assert 'id="never-count">1<' in html and "宏达机械" in html and "鑫源石材" not in html
    # filters: class, town
    html = c.get(url, {"size_class": SizeClass.SMALL}).content.decode()
    assert 'id="never-count">0<' in html
    html = c.get(url, {"town": w["town"].pk}).content.decode()
    assert 'id="never-count">1<' in html
    # an enterprise outside the scope is never listed
    assert "远方建材" not in c.get(url).content.decode()
    city = client_for(w["u"]["city"]).get(url).content.decode()
    assert 'id="never-count">2<' in city and "远方建材" in city


# --- statistics (附件3 columns 7–10) ------------------------------------------------------------


def test_statistics_columns_7_to_10_count_completed_inspections_and_their_problems(
    w: dict,
) -> None:
    from anbiao.stats import selectors as stats
    from anbiao.stats.columns import Period

    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=30), today)
    grid, dept, city = w["u"]["grid"], w["u"]["dept"], w["u"]["city"]
    inspection(grid, w["ent"].organization, findings=("a", "b"), complete=True)
    inspection(grid, w["ent"].organization, findings=("c",), complete=True)  # same enterprise
    inspection(dept, w["ent2"].organization, findings=("d",), complete=True)
    inspection(dept, w["ent"].organization, findings=("draft",))  # a draft never counts
    inspection(city, w["dept"], findings=("e", "f", "g"), complete=True)
    inspection(city, w["town"], complete=True)
    inspection(  # before the period
        dept,
        w["ent"].organization,
        findings=("old",),
        complete=True,
        date=today - dt.timedelta(days=60),
    )
    assert stats.unit_table(unit=w["town"], period=period).values[6:10] == [1, 3, 0, 0]
    assert stats.unit_table(unit=w["dept"], period=period).values[6:10] == [1, 1, 0, 0]
    assert stats.unit_table(unit=w["dept2"], period=period).values[6:10] == [0, 0, 0, 0]
    # the city office: everything (2 distinct enterprises, 4 problems; 2 units, 3 problems)
    assert stats.unit_table(unit=w["city"], period=period).values[6:10] == [2, 4, 2, 3]
    t = stats.city_table(period=period)
    by_unit = {}
    for r in t.departments + t.towns:
        assert r.unit is not None
        by_unit[r.unit.pk] = r.values[6:10]
    assert by_unit[w["town"].pk] == [1, 3, 0, 0]
    assert by_unit[w["dept"].pk] == [1, 1, 0, 0]
    assert t.total.values[6:10] == [2, 4, 2, 3]


# --- checklist mode ----------------------------------------------------------------------------


def _checklist_inspection(user: Any, target: Any) -> Inspection:
    from anbiao.checklists.tests.helpers import campaign as make_campaign

    insp = inspection(user, target, campaign=make_campaign())
    c = client_for(user)
    r = c.post(reverse("inspections:checklist_start", args=[insp.pk]))
    assert r.status_code == 302 and r["Location"] == reverse(
        "inspections:checklist_fill", args=[insp.pk]
    )
    insp.refresh_from_db()
    return insp


def test_an_enterprise_inspection_uses_attachment_2_and_a_department_one_attachment_1(
    w: dict,
) -> None:
    from anbiao.checklists.models import ChecklistPurpose

    insp = _checklist_inspection(w["u"]["dept"], w["ent"].organization)
    cl = insp.checklist
    assert cl is not None
    assert cl.purpose == ChecklistPurpose.INSPECTION and cl.organization == w["ent"].organization
    assert cl.template_version.template.code == "fujian2_2024"
    assert cl.answers.count() == 51
    gov = _checklist_inspection(w["u"]["city"], w["town"])
    assert gov.checklist is not None
    assert gov.checklist.template_version.template.code == "fujian1_2024"
    assert gov.checklist.answers.count() == 22


def test_checklist_problems_reach_the_enterprise_only_when_the_inspection_completes(
    w: dict,
) -> None:
    grid = w["u"]["grid"]
    insp = _checklist_inspection(grid, w["ent"].organization)
    assert insp.checklist is not None
    first, second = list(insp.checklist.answers.order_by("clause__position")[:2])
    c = client_for(grid)
    url = reverse("inspections:checklist_fill", args=[insp.pk])
    # 不符合 without a problem: refused, the clause is named, what was typed stays
    r = c.post(url, {f"result_{first.pk}": "nonconform", f"remarks_{first.pk}": "现场核查"})
    html = r.content.decode()
    assert r.status_code == 200 and "1.（1）：结论为“不符合”时，至少填写一条存在问题。" in html
    assert 'value="现场核查"' in html
    first.refresh_from_db()
    assert first.result == ""
    r = c.post(
        url,
        {
            f"result_{first.pk}": "nonconform",
            f"problems_{first.pk}": "未制定年度标准化提升计划\n计划未经主要负责人审批",
            f"result_{second.pk}": "conform",
        },
    )
    assert r.status_code == 302
    first.refresh_from_db()
    # held with the inspection until completion; the page shows what was saved
    assert first.result == "" and not first.problems.exists()
    assert "计划未经主要负责人审批</textarea>" in c.get(url).content.decode()
    assert not Problem.objects.exists()  # a draft: nothing on the enterprise's list yet
    ent = client_for(w["u"]["ent"])
    assert (
        "未制定年度标准化提升计划" not in ent.get(reverse("rectification:ledger")).content.decode()
    )

    services.inspection_complete(by=grid, inspection=insp)
    problems = Problem.objects.filter(inspection=insp).order_by("description")
    assert [p.description for p in problems] == [
        "未制定年度标准化提升计划",
        "计划未经主要负责人审批",
    ]
    for p in problems:
        assert p.organization == w["ent"].organization and p.source == ProblemSource.INSPECTION
        assert p.checklist == insp.checklist and p.answer == first
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.result, second.result) == ("nonconform", "conform")
    assert "未制定年度标准化提升计划" in ent.get(reverse("rectification:ledger")).content.decode()
    # read only afterwards, for the enterprise too
    page = ent.get(url).content.decode()
    assert "未制定年度标准化提升计划" in page and "保存细则" not in page
    assert ent.post(url, {f"result_{second.pk}": "na"}).status_code == 404
    # and counted in the statistics like free-form findings
    from anbiao.stats import selectors as stats
    from anbiao.stats.columns import Period

    today = timezone.localdate()
    values = stats.unit_table(unit=w["town"], period=Period(today, today)).values
    assert values[6:8] == [1, 2]


def test_a_look_back_checklist_is_not_changed_by_an_inspection_checklist(w: dict) -> None:
    from anbiao.checklists.models import Checklist, ChecklistPurpose
    from anbiao.checklists.tests.helpers import campaign as make_campaign

    camp = make_campaign()
    from anbiao.checklists.services import checklist_start

    lookback = checklist_start(by=w["u"]["ent"], organization=w["ent"].organization, campaign=camp)
    insp = _checklist_inspection(w["u"]["dept"], w["ent"].organization)
    assert insp.checklist != lookback
    assert Checklist.objects.filter(purpose=ChecklistPurpose.LOOKBACK).count() == 1
