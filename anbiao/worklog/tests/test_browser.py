"""In Chromium: an enterprise applies for three stars, its department proposes, the city office
approves and records the plaque; the registry shows three stars."""

from __future__ import annotations

import pytest

from anbiao.accounts.models import Role
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.tasks_reporting.tests.test_browser import shot
from anbiao.worklog.models import Plaque, StarApplication, StarStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_propose_approve_and_plaque(log_in, tmp_path) -> None:  # noqa: ANN001
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory.create(
        town=town, department=dept, organization__name="南安示范机械有限公司"
    )
    make_user(city, Role.ORG_ADMIN, username="city1")
    make_user(dept, Role.FILLER, username="dept1")
    make_user(ent.organization, Role.FILLER, username="ent1")
    evidence = tmp_path / "自评报告.pdf"
    evidence.write_bytes(b"%PDF-1.4\nself\n%%EOF\n")

    page = log_in("ent1", downloads=True)
    page.goto("/worklog/stars/apply/")
    page.get_by_label("申请星级").select_option("3")
    page.get_by_label("自评得分").fill("93.5")
    page.get_by_label("自评佐证材料").set_input_files(str(evidence))
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("状态：已申请").wait_for()
    assert page.console_errors == []

    d = log_in("dept1", downloads=True)
    d.goto(f"/worklog/stars/{StarApplication.objects.get().pk}/")
    form = d.locator("form", has=d.get_by_role("button", name="审核并建议星级"))
    form.get_by_role("button", name="审核并建议星级").click()
    form = d.locator("form", has=d.get_by_role("button", name="审核并建议星级"))
    form.get_by_text("意见（理由）：请填写审核意见（理由）。").wait_for()
    form.get_by_text("星级：星级应为一星、二星或三星。").wait_for()
    form.get_by_label("星级").select_option("3")
    form.get_by_label("意见（理由）").fill("现场核查符合三星标准")
    form.get_by_role("button", name="审核并建议星级").click()
    d.get_by_text("状态：部门已审核").wait_for()

    c = log_in("city1", downloads=True)
    c.goto(f"/worklog/stars/{StarApplication.objects.get().pk}/")
    c.get_by_role("button", name="批准", exact=True).click()
    c.get_by_text("状态：已批准").wait_for()
    c.get_by_label("授牌日期").fill("2025-10-08")
    c.get_by_label("牌匾编号").fill("NA-3S-001")
    c.get_by_role("button", name="登记授牌").click()
    c.get_by_text("牌匾编号 NA-3S-001").wait_for()
    shot(c, "star-approved")
    c.get_by_role("link", name="打印证书").click()
    c.get_by_text("南安示范机械有限公司").first.wait_for()
    shot(c, "star-certificate")
    assert c.console_errors == []
    ent.refresh_from_db()
    assert ent.star_level == 3
    assert StarApplication.objects.get().status == StarStatus.APPROVED
    assert Plaque.objects.get().number == "NA-3S-001"
    page.context.close()
    d.context.close()
    c.context.close()


def test_the_record_form_shows_headcounts_only_for_training(log_in) -> None:  # noqa: ANN001
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    make_user(town, Role.FILLER, username="town1")
    page = log_in("town1", downloads=True)
    page.goto("/worklog/records/new/")
    page.get_by_label("类别").select_option("publicity")
    assert not page.get_by_label("参训人数：基层网格员").is_visible()
    assert page.get_by_label("宣传渠道").is_visible()
    page.get_by_label("类别").select_option("training")
    assert page.get_by_label("参训人数：基层网格员").is_visible()
    assert not page.get_by_label("宣传渠道").is_visible()
    page.get_by_label("日期").fill("2025-09-12")
    page.get_by_label("主题").fill("网格员专题培训")
    page.get_by_label("参训人数：基层网格员").fill("30")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已登记：专题培训：网格员专题培训").wait_for()
    assert page.console_errors == []
    page.context.close()
