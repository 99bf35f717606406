"""A department filler imports a messy registry in Chromium and finds the new enterprises."""

from __future__ import annotations

import pytest

from anbiao.accounts.models import Role
from anbiao.orgs.models import Enterprise
from anbiao.orgs.tests.factories import make_user
from anbiao.orgs.tests.registry_files import nanan_units
from anbiao.orgs.tests.test_registry_import import BAD, C1, C2, C3, messy_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_department_imports_a_messy_registry_and_finds_the_new_enterprises(
    page, sign_in, tmp_path
):
    units = nanan_units()
    make_user(units["yj"], Role.FILLER, username="yj_filler", mobile="13800001111")
    registry = tmp_path / "应急局底数台账.xlsx"
    registry.write_bytes(messy_xlsx())

    sign_in(page, "yj_filler")

    page.goto("/orgs/enterprises/")
    page.get_by_role("link", name="导入底数台账").click()
    page.get_by_label("底数台账文件").set_input_files(str(registry))
    page.get_by_role("button", name="上传并预览").click()

    # The preview: counts, and every error with its row, column and reason.
    page.wait_for_url("**/registry/import/preview/")
    assert page.locator("#count-created").inner_text() == "3"
    assert page.locator("#count-errors").inner_text() == "7"
    errors = page.locator("table.registry-errors tbody tr")
    assert errors.count() == 7
    first = errors.nth(0).inner_text()
    assert "第 10 行" in first and "所属乡镇/街道（F列）" in first and "不存在镇" in first
    assert "不在本单位监管范围" in errors.nth(6).inner_text()
    assert Enterprise.objects.count() == 0  # nothing written before confirming

    page.get_by_label("校验位不通过，仍然接受").check()
    page.get_by_role("button", name="确认导入").click()

    page.wait_for_url("**/orgs/enterprises/")
    assert page.get_by_text("导入完成：新增 4 家").is_visible()
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == {C1, C2, C3, BAD}

    page.get_by_label("名称或信用代码").fill("鑫源石材")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/orgs/enterprises/?*")
    assert page.locator("#total").inner_text() == "1"
    assert page.get_by_role("link", name="南安市鑫源石材有限公司").is_visible()


def test_one_box_accepts_every_row_whose_check_digit_fails(page, sign_in, tmp_path):
    from anbiao.orgs.tests.registry_files import HEADER, bad_code, xlsx_bytes

    units = nanan_units()
    make_user(units["city"], Role.ORG_ADMIN, username="city_admin")
    codes = [bad_code("91350583MA2XYW12B"), bad_code("91350583MA2XYW12C")]
    rows = [HEADER] + [
        [f"南安市存疑{i}有限公司", c, "", "", "溪美街道", "应急管理局", "C", "小微", ""]
        for i, c in enumerate(codes)
    ]
    registry = tmp_path / "存疑.xlsx"
    registry.write_bytes(xlsx_bytes(rows))

    sign_in(page, "city_admin")
    page.goto("/orgs/registry/import/")
    page.get_by_label("底数台账文件").set_input_files(str(registry))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/registry/import/preview/")

    page.get_by_label("全部接受").check()
    boxes = page.get_by_label("校验位不通过，仍然接受")
    assert [boxes.nth(i).is_checked() for i in range(boxes.count())] == [True, True]
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/orgs/enterprises/")
    assert sorted(
        Enterprise.objects.filter(credit_code_checked=False).values_list("credit_code", flat=True)
    ) == sorted(codes)


def test_a_phone_without_javascript_maps_the_columns_and_imports(log_in, tmp_path):
    from anbiao.orgs.tests.registry_files import xlsx_bytes
    from anbiao.orgs.tests.test_registry_columns import unknown_rows

    units = nanan_units()
    make_user(units["yj"], Role.FILLER, username="yj_filler")
    registry = tmp_path / "片区台账.xlsx"
    registry.write_bytes(xlsx_bytes(unknown_rows()))
    page = log_in("yj_filler", phone=True, javascript=False)
    page.goto("/orgs/registry/import/")
    page.get_by_label("底数台账文件").set_input_files(str(registry))
    page.get_by_role("button", name="上传并预览").click()

    page.wait_for_url("**/registry/import/preview/")
    assert "没有识别出必需的列" in page.locator("#columns-missing").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    town = page.get_by_label("所属乡镇/街道")
    box = town.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    town.select_option(label="C列：片区")
    page.get_by_label("主管部门").select_option(label="D列：归口单位")
    page.get_by_role("button", name="保存对应关系并预览").click()

    page.wait_for_url("**/registry/import/preview/")
    assert page.locator("#count-created").inner_text() == "2"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/orgs/enterprises/")
    assert Enterprise.objects.count() == 2
