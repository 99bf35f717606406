"""In Chromium on a 390 px phone with JavaScript switched off: from the fill page to the offline
file, upload it filled, read the preview (nothing sticks out of the screen), confirm."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from anbiao.checklists.models import AnswerResult
from anbiao.checklists.roundtrip.tests.helpers import fill_row, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> bool:
    # with JavaScript off in the page, Playwright's evaluate still runs in its own world
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_round_trip_works_on_a_phone_without_javascript(log_in, tmp_path) -> None:  # noqa: ANN001
    u = unit()
    second, third = u.answer(2), u.answer(3)
    page = log_in(u.filler.username, phone=True, javascript=False)
    page.goto(f"/checklists/{u.checklist.pk}/")
    page.get_by_role("link", name="离线填写（Excel）").click()
    page.wait_for_url(f"**/checklists/{u.checklist.pk}/offline/")
    assert _fits(page)
    with page.expect_download() as caught:
        page.get_by_role("link", name="下载离线填写文件（.xlsx）").click()
    wb = load_workbook(io.BytesIO(caught.value.path().read_bytes()))
    fill_row(wb, second.clause_id, "不符合", "应急预案未按期演练\n应急物资台账不全")
    fill_row(wb, third.clause_id, "不适用", remarks="本企业无此项")
    filled = tmp_path / "附件2离线填写.xlsx"
    wb.save(filled)

    page.get_by_label("填写好的离线填写文件").set_input_files(str(filled))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url(f"**/checklists/{u.checklist.pk}/offline/preview/")
    assert page.locator("#count-changes").inner_text() == "2"
    assert page.locator(f"#change-{second.clause_id} .line-add").count() == 2
    assert _fits(page), "the preview is wider than the phone"
    second.refresh_from_db()
    assert second.result == AnswerResult.CONFORM  # nothing written yet

    page.get_by_role("button", name="确认写入（2 条）").click()
    page.wait_for_url(f"**/checklists/{u.checklist.pk}/")
    assert "已按上传的文件修改 2 条细则" in page.locator(".messages").inner_text()
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.result == AnswerResult.NONCONFORM
    assert list(second.problems.order_by("position").values_list("text", flat=True)) == [
        "应急预案未按期演练",
        "应急物资台账不全",
    ]
    assert (third.result, third.remarks) == (AnswerResult.NOT_APPLICABLE, "本企业无此项")
