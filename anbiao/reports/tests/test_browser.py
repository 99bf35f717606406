"""In Chromium: a filler writes the report, the principal signs on the canvas and finalizes;
the .pdf and .docx downloads open and hold the report."""

from __future__ import annotations

import io

import pytest
from docx import Document

from anbiao.accounts.models import Role
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user
from anbiao.reports.models import Report, ReportStatus
from anbiao.reports.selectors import finalized_reports
from anbiao.reports.tests.helpers import unit_with_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_write_sign_on_screen_finalize_and_download(log_in, pdf_tools) -> None:  # noqa: ANN001
    ent = EnterpriseFactory.create(organization__name="南安市浏览器测试机械有限公司")
    unit = unit_with_problems(ent.organization)
    make_user(ent.organization, Role.FILLER, username="rfiller")
    make_user(ent.organization, Role.PRINCIPAL, username="rprincipal")

    page = log_in("rfiller", downloads=True)
    page.get_by_role("navigation", name="主菜单").get_by_text("回头看", exact=True).click()
    page.get_by_role("link", name="自查自纠报告").first.click()
    page.get_by_role("button", name="开始编写").click()
    page.get_by_label("“回头看”组织开展情况").fill(
        "公司成立以总经理为组长的“回头看”工作小组，逐条对照细则自查。"
    )
    page.get_by_label("尚未整改问题及下一步计划").fill("未销号问题月底前全部整改到位。")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存。").wait_for()
    assert page.locator("#finalize").is_disabled()
    page.context.close()

    page = log_in("rprincipal", downloads=True)
    page.goto("/reports/")
    page.get_by_role("link", name="查看").first.click()
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    b = pad.bounding_box()
    page.mouse.move(b["x"] + 40, b["y"] + 120)
    page.mouse.down()
    for dx, dy in ((90, 40), (160, 130), (240, 50), (330, 140)):
        page.mouse.move(b["x"] + dx, b["y"] + dy, steps=5)
    page.mouse.up()
    page.locator("#sign-form").get_by_role("button", name="签字").click()
    page.get_by_text("已签字。请核对报告后点击“定稿”。").wait_for()
    page.locator("#finalize").click()
    page.get_by_text("报告已定稿").wait_for()
    assert page.locator("#version-status").inner_text() == "已定稿"

    report = Report.objects.get(organization=ent.organization)
    assert report.counted_version is not None
    assert report.counted_version.status == ReportStatus.FINALIZED
    assert report.counted_version.signature_method == "drawn"
    assert list(finalized_reports()) == [report]

    with page.expect_download() as info:
        page.locator("#download-docx").click()
    doc = Document(io.BytesIO(open(info.value.path(), "rb").read()))  # noqa: SIM115
    texts = [p.text for p in doc.paragraphs]
    assert "公司成立以总经理为组长的“回头看”工作小组，逐条对照细则自查。" in texts
    assert len(doc.inline_shapes) == 1
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert unit["tracked"][0].description in cells
    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    assert open(info.value.path(), "rb").read(5) == b"%PDF-"  # noqa: SIM115
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
