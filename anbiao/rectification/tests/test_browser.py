"""In Chromium: one 重大 problem from the enterprise checklist to 销号, every step on the timeline."""

from __future__ import annotations

import os

import pytest

from anbiao.accounts.models import Role
from anbiao.checklists.tests import helpers
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification.models import Problem, ProblemStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ANBIAO_SHOTS")
# A refused form answers 400 (the browser logs it); anything else is an error of the page.
REFUSED = "the server responded with a status of 400"


def shot(page, name):  # noqa: ANN001, ANN201
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/rect-{name}.png", full_page=True)


def test_a_major_problem_goes_from_the_checklist_to_closed(log_in, tmp_path):  # noqa: ANN001
    helpers.campaign()
    dept = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="南安市应急管理局（测试）")
    town = OrganizationFactory(kind=OrgKind.TOWN, name="溪美街道（测试）")
    ent = EnterpriseFactory(department=dept, town=town, organization__name="南安市测试石材有限公司")
    make_user(ent.organization, Role.FILLER, username="efiller")
    make_user(dept, Role.FILLER, username="dverifier")
    photo = tmp_path / "整改后照片.png"
    photo.write_bytes(helpers.png_bytes("green", (120, 80)))
    text = "二号车间配电箱无防护，电缆裸露"

    # The enterprise records the problem on its look-back checklist.
    page = log_in("efiller", ignore=(REFUSED,))
    page.get_by_role("link", name="开始填写").first.click()
    page.get_by_role("button", name="开始填写").click()
    page.locator("article.clause").nth(0).locator("[data-edit]").click()  # open the clause form
    box = page.locator("article.clause").nth(0)
    box.locator("form.clause-form").wait_for()
    box.get_by_label("不符合", exact=True).check()
    box.get_by_role("button", name="＋ 添加一条问题").click()
    box.locator("input[name=problem]").last.fill(text)
    box.get_by_role("button", name="保存本条").click()
    page.locator("article.clause").nth(0).get_by_text("已保存").wait_for()
    problem = Problem.objects.get(description=text)

    # It is on the 整改清单 at once, marked 自查中; the home page says what to do.
    page.goto("/")
    page.get_by_text("1 个问题待整改。").wait_for()
    page.get_by_role("navigation", name="主菜单").get_by_text("整改与检查").click()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="整改清单").click()
    row = page.get_by_role("row").filter(has_text=text)
    assert "自查中" in row.inner_text() and "待整改" in row.inner_text()
    row.get_by_role("link", name=text).click()

    # 重大 without funds and plan cannot start.
    page.get_by_role("link", name="填写五定").click()
    page.get_by_label("问题等级").select_option(label="重大")
    page.get_by_label("整改措施").fill("加装配电箱防护门并上锁，电缆穿管敷设")
    page.get_by_label("责任人").fill("王强")
    page.get_by_label("整改期限").fill("2099-06-30")
    page.get_by_role("button", name="保存").click()
    # More than a year out: asked to confirm, the typed text kept.
    page.get_by_text("距今超过一年").wait_for()
    assert page.get_by_label("整改措施").input_value() == "加装配电箱防护门并上锁，电缆穿管敷设"
    page.get_by_label("确认整改期限超过一年").check()
    page.get_by_role("button", name="保存").click()
    page.get_by_text("五定已保存。").wait_for()
    page.get_by_role("button", name="开始整改").click()
    page.get_by_text("重大问题须落实五定，请先填写：资金、应急预案。").wait_for()
    page.get_by_role("link", name="填写五定").click()
    page.get_by_label("资金（万元）").fill("1.5")
    page.get_by_label("应急预案", exact=True).fill("整改期间断电挂牌，设置警戒区，专人值守")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("五定已保存。").wait_for()
    page.get_by_role("button", name="开始整改").click()
    page.get_by_text("已开始整改。").wait_for()
    assert "整改中" in page.locator("#problem-status").inner_text()

    # The after photo, then submission for verification.
    page.get_by_label("阶段").select_option(label="整改后")
    page.get_by_label("文件").set_input_files(str(photo))
    page.get_by_role("button", name="上传").click()
    page.get_by_text("佐证材料已上传。").wait_for()
    page.locator("#after-files").get_by_role("link", name="整改后照片.png").wait_for()
    page.get_by_role("button", name="提交验收").click()
    page.get_by_text("已提交验收。").wait_for()
    assert page.get_by_role("button", name="验收通过并销号").count() == 0
    shot(page, "1-submitted")
    assert page.console_errors == []

    # The department verifies and closes it from its home card.
    page = log_in("dverifier", ignore=(REFUSED,))
    page.get_by_text("1 个问题待验收。").wait_for()
    page.get_by_role("link", name="去验收").click()
    page.get_by_role("row").filter(has_text=text).get_by_role("link", name=text).click()
    page.get_by_role("button", name="验收不通过").click()
    page.get_by_text("请填写验收不通过的原因。").wait_for()
    page.get_by_label("验收意见").fill("现场核实，防护门已上锁")
    page.get_by_role("button", name="验收通过并销号").click()
    page.get_by_text("已验收通过并销号。").wait_for()
    assert "已销号" in page.locator("#problem-status").inner_text()
    timeline = page.locator("#timeline").inner_text()
    steps = ["登记问题", "填写五定", "开始整改", "上传佐证", "提交验收", "验收通过并销号"]
    positions = [timeline.index(s) for s in steps]
    assert positions == sorted(positions)
    assert "待整改 → 整改中" in timeline and "已整改待验收 → 已销号" in timeline
    assert "现场核实，防护门已上锁" in timeline
    shot(page, "2-closed")
    assert page.console_errors == []
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED and problem.grade == "major"
    assert problem.verified_by.username == "dverifier"
    stored = problem.evidence.get(stage="after").stored_file
    assert stored.file.open("rb").read(8) == b"\x89PNG\r\n\x1a\n"
