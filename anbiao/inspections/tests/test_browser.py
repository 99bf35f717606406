"""In Chromium at phone size (390×844): a 网格员 records an inspection on site with a photo,
completes it, and the enterprise finds the problem on its 整改清单."""

from __future__ import annotations

import os

import pytest

from anbiao.accounts.models import Role
from anbiao.inspections.models import Inspection, InspectionStatus
from anbiao.inspections.tests.helpers import png_bytes
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification.models import Problem, ProblemEvidence, ProblemSource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ANBIAO_SHOTS")


def shot(page, name):  # noqa: ANN001, ANN201
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/insp-{name}.png", full_page=True)


def test_a_grid_inspector_records_an_inspection_with_a_photo_on_a_phone(  # noqa: ANN001
    page, log_in, sign_in, tmp_path
) -> None:
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道（测试）")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局（测试）")
    ent = EnterpriseFactory.create(
        town=town, department=dept, organization__name="南安市测试石材有限公司"
    )
    EnterpriseFactory.create(
        town=town, department=dept, organization__name="南安市测试纺织有限公司"
    )
    make_user(town, Role.GRID, username="grid1")
    make_user(ent.organization, Role.FILLER, username="efiller")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes("blue"))
    text = "切割车间消防通道堆放石材，宽度不足"
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: d.accept())
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, "grid1")
    page.get_by_role("link", name="记录检查").first.click()
    from playwright.sync_api import expect

    # the search box narrows the list (htmx) before choosing, as on a unit with thousands
    expect(page.locator("#id_target option")).to_have_count(3)
    page.get_by_label("按名称或信用代码查找").fill("石材")
    expect(page.locator("#id_target option")).to_have_count(2)  # the blank one and the match
    page.locator("#id_target").select_option(label="南安市测试石材有限公司")
    page.get_by_label("检查人员").fill("柯明亮")
    page.get_by_role("button", name="保存").click()
    shot(page, "0-after-create")
    page.get_by_role("heading", name="登记发现的问题").wait_for()
    inspection = Inspection.objects.get()

    # The photo field opens the rear camera on a phone.
    field = page.locator("#finding-form input[type=file]")
    assert field.get_attribute("accept") == "image/*"
    assert field.get_attribute("capture") == "environment"
    page.get_by_label("问题描述").fill(text)
    field.set_input_files(str(photo))
    shot(page, "1-finding")
    page.get_by_role("button", name="添加问题").click()
    page.get_by_text("已登记问题。").wait_for()
    img = page.locator(".insp-findings img").first
    img.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector('.insp-findings img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.evaluate("(el) => el.naturalWidth", img.element_handle()) == 40
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "2-detail")

    page.get_by_role("button", name="完成检查").click()
    page.get_by_text("1 个问题已转入").wait_for()
    assert page.locator("#insp-status").inner_text() == "已完成"
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED
    problem = Problem.objects.get(inspection=inspection)
    assert problem.organization == ent.organization
    assert problem.source == ProblemSource.INSPECTION
    assert ProblemEvidence.objects.filter(problem=problem).count() == 1

    # The enterprise (its own browser) finds the problem on its 整改清单.
    ent_page = log_in("efiller", phone=True)
    ent_page.goto("/rectification/ledger/")
    ent_page.get_by_text(text).first.wait_for()
    shot(ent_page, "3-ledger")
    assert errors == []


def test_a_department_answers_the_inspection_checklist_on_a_phone(  # noqa: ANN001
    page, sign_in
) -> None:
    from anbiao.checklists.tests.helpers import campaign

    campaign()
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道（测试）")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局（测试）")
    ent = EnterpriseFactory.create(
        town=town, department=dept, organization__name="南安市测试机械有限公司"
    )
    make_user(dept, Role.FILLER, username="dfiller")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: d.accept())
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, "dfiller")
    page.goto("/inspections/new/")
    page.locator("#id_target").select_option(label="南安市测试机械有限公司")
    page.get_by_label("检查人员").fill("许丽萍")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="按细则逐条检查").click()
    first = page.locator("fieldset.insp-clause").first
    first.get_by_label("不符合").check()
    first.get_by_label("存在问题（每行一条）").fill("未制定年度标准化提升计划")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "4-checklist")
    page.get_by_role("button", name="保存细则").click()
    page.get_by_text("已保存（1 条有变化）。").wait_for()
    page.get_by_role("link", name="返回检查记录").click()
    page.get_by_text("不符合 1 条，存在问题 1 个").wait_for()
    page.get_by_role("button", name="完成检查").click()
    page.get_by_text("1 个问题已转入").wait_for()
    problem = Problem.objects.get(inspection=Inspection.objects.get())
    assert problem.organization == ent.organization
    assert problem.description == "未制定年度标准化提升计划"
    assert errors == []


def test_the_phones_position_reaches_the_photos_watermark_when_the_inspector_allows_it(  # noqa: ANN001
    browser, live_server, sign_in, tmp_path
) -> None:
    from decimal import Decimal

    from django.utils import timezone
    from playwright.sync_api import expect

    from anbiao.inspections.models import FindingPhoto
    from anbiao.inspections.services import inspection_create

    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道（测试）")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局（测试）")
    ent = EnterpriseFactory.create(
        town=town, department=dept, organization__name="南安市测试石材有限公司"
    )
    grid = make_user(town, Role.GRID, username="grid1")
    insp = inspection_create(
        by=grid, target=ent.organization, date=timezone.localdate(), inspectors="柯明亮"
    )
    photo = tmp_path / "valve.png"
    photo.write_bytes(png_bytes("blue"))
    errors: list[str] = []
    for allowed in (True, False):
        context = browser.new_context(
            locale="zh-CN",
            base_url=live_server.url,
            viewport={"width": 390, "height": 844},
            geolocation={"latitude": 24.9612, "longitude": 118.3866, "accuracy": 12},
            permissions=["geolocation"] if allowed else [],
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, "grid1")
        page.goto(f"/inspections/{insp.pk}/")
        form = page.locator("#finding-form")
        form.get_by_label("问题描述").fill("阀门锈蚀" if allowed else "未允许定位")
        form.locator("input[type=file]").set_input_files(str(photo))
        status = form.locator("[data-geo-status]")
        if allowed:
            expect(status).to_contain_text("已获取拍摄位置（±12 米）")
            assert form.locator("input[name=location]").input_value() == "24.961200,118.386600,12"
        else:
            expect(status).to_contain_text("未获取拍摄位置")
            assert form.locator("input[name=location]").input_value() == ""
        form.get_by_role("button", name="添加问题").click()
        page.get_by_text("已登记问题。").wait_for()
        context.close()
    assert errors == []
    with_position, without = FindingPhoto.objects.order_by("finding__position")
    assert (with_position.latitude, with_position.longitude, with_position.accuracy_m) == (
        Decimal("24.961200"),
        Decimal("118.386600"),
        12,
    )
    assert with_position.position_source == "browser"
    assert not without.has_position and without.original_file is not None
