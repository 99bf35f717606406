"""In Chromium: a department uploads and submits a report, the city office returns it, the
department resubmits, and the city office downloads the .zip."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory, make_user
from anbiao.tasks_reporting.models import ReportSubmission, SubmissionStatus
from anbiao.tasks_reporting.tests import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ANBIAO_SHOTS")


def shot(page, name):  # noqa: ANN001, ANN201
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_submit_return_resubmit_and_download_the_zip(log_in, tmp_path) -> None:  # noqa: ANN001
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    make_user(city, Role.ORG_ADMIN, username="city1")
    make_user(dept, Role.FILLER, username="dept1")
    task = b.task(city, [dept], title="“四项规范”3.0版本文本及电子版报送")
    period = b.period(task)
    upload = tmp_path / "安全生产检查清单.pdf"
    upload.write_bytes(b"%PDF-1.4\nchecklist\n%%EOF\n")

    page = log_in("dept1", downloads=True)
    shot(page, "reporting-home")
    # The home card leads to the unit's reporting tasks.
    page.locator(".card", has_text="报送任务").get_by_role("link", name="去报送").click()
    page.get_by_role("link", name=task.title).click()
    page.get_by_label("上传文件").set_input_files(str(upload))
    page.get_by_role("button", name="提交").click()
    page.get_by_text("已提交。").wait_for()
    shot(page, "reporting-submitted")
    assert page.console_errors == []

    office = log_in("city1", downloads=True)
    office.goto(f"/reporting/periods/{period.pk}/")
    office.get_by_label("退回原因").fill("请补充电子版")
    office.get_by_role("button", name="退回").click()
    office.get_by_text("已退回：南安市应急管理局").wait_for()
    shot(office, "reporting-returned")

    page.reload()
    page.get_by_text("退回原因：请补充电子版").wait_for()
    page.get_by_role("button", name="提交").click()
    page.get_by_text("已提交。").wait_for()
    assert ReportSubmission.objects.get().status == SubmissionStatus.SUBMITTED

    office.reload()
    with office.expect_download() as info:
        office.get_by_role("link", name="下载全部已提交文件（.zip）").click()
    data = open(info.value.path(), "rb").read()  # noqa: PTH123, SIM115
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == ["南安市应急管理局/安全生产检查清单.pdf"]
    assert office.console_errors == []
    page.context.close()
    office.context.close()


def test_the_unit_picker_searches_and_selects_a_kind_on_a_phone(log_in) -> None:  # noqa: ANN001
    from anbiao.orgs.tests.factories import EnterpriseFactory
    from anbiao.tasks_reporting.models import ReportTask

    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    make_user(city, Role.ORG_ADMIN, username="city1")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    other_town = OrganizationFactory.create(kind=OrgKind.TOWN, name="柳城街道")
    OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    in_town = [EnterpriseFactory.create(town=town) for _ in range(3)]
    EnterpriseFactory.create(town=other_town)

    page = log_in("city1", phone=True)
    page.goto("/reporting/tasks/new/")
    picker = page.locator("[data-unit-picker]")
    query = picker.get_by_placeholder("按单位名称、类型或乡镇查找")
    query.wait_for()
    # no sideways scrolling at 390 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    query.fill("溪美")
    enterprises = picker.locator('fieldset[data-kind="enterprise"]')
    assert enterprises.locator("li:visible").count() == 3
    # the department group has no match and is hidden
    assert picker.locator('fieldset[data-kind="department"]').is_hidden()
    enterprises.locator("[data-picker-all]").check()
    picker.get_by_text("已选 3 个单位").wait_for()
    query.fill("")
    # 全选 covered the shown units only: the kind is partly chosen, the other town's not
    assert enterprises.locator("li input:checked").count() == 3
    assert enterprises.locator("[data-picker-all]").evaluate("e => e.indeterminate")
    # 全选 of a whole kind, then undone, changes nothing
    towns = picker.locator('fieldset[data-kind="town"]')
    towns.locator("[data-picker-all]").check()
    assert towns.locator("li input:checked").count() == 2
    towns.locator("[data-picker-all]").uncheck()
    assert towns.locator("li input:checked").count() == 0
    page.get_by_label("任务名称").fill("溪美街道企业材料报送")
    page.get_by_label("报送要求").fill("请报送材料")
    page.get_by_label("报送对象").select_option("units")
    page.get_by_label("截止日期").fill("2099-01-10")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已发布报送任务").wait_for()
    task = ReportTask.objects.get()
    assert set(task.recipients.values_list("pk", flat=True)) == {e.organization_id for e in in_town}
    assert page.console_errors == []
