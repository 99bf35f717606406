"""In Chromium: an enterprise fills every clause, the principal signs, the department returns,
the enterprise fixes and resubmits, the department accepts."""

from __future__ import annotations

import os

import pytest

from anbiao.accounts.models import Role
from anbiao.checklists.models import AnswerEvidence, Checklist
from anbiao.checklists.tests import helpers
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ANBIAO_SHOTS")  # a folder: save screenshots there while developing


def shot(page, name):  # noqa: ANN001, ANN201
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def clause(page, n):  # noqa: ANN001, ANN201
    return page.locator("article.clause").nth(n)


def unfold(page, n):  # noqa: ANN001, ANN201
    """Tap a folded row (one line) so that it shows its problems, remarks and evidence."""
    row = clause(page, n)
    row.locator("summary").click()
    row.locator("details[open]").wait_for()
    return row


def open_clause(page, n):  # noqa: ANN001, ANN201
    """Open clause n's form (the page lists compact rows; htmx fetches the form)."""
    row = clause(page, n)
    row.locator("[data-edit]").click()
    box = page.locator("article.clause").nth(n)
    box.locator("form.clause-form").wait_for()
    return box


def save_clause(box, result, problems=()):  # noqa: ANN001, ANN201
    box.get_by_label(result, exact=True).check()
    for text in problems:
        box.get_by_role("button", name="＋ 添加一条问题").click()
        box.locator("input[name=problem]").last.fill(text)
    box.get_by_role("button", name="保存本条").click()


def sign_and_submit(page):  # noqa: ANN001, ANN201
    page.get_by_role("link", name="签字提交").click()
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    b = pad.bounding_box()
    page.mouse.move(b["x"] + 40, b["y"] + 120)
    page.mouse.down()
    for dx, dy in ((90, 40), (160, 130), (240, 50), (330, 140), (420, 70)):
        page.mouse.move(b["x"] + dx, b["y"] + dy, steps=5)
    page.mouse.up()
    page.get_by_role("button", name="签字并提交").click()
    page.get_by_text("已签字提交，等待主管部门审核。").wait_for()


def test_fill_sign_return_fix_resubmit_accept(log_in, tmp_path) -> None:  # noqa: ANN001
    camp = helpers.campaign()
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局（测试）")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道（测试）")
    ent = EnterpriseFactory.create(
        department=dept, town=town, organization__name="南安市测试石材有限公司"
    )
    make_user(ent.organization, Role.FILLER, username="efiller")
    make_user(ent.organization, Role.PRINCIPAL, username="eprincipal")
    make_user(dept, Role.FILLER, username="dreviewer")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(helpers.png_bytes("green", (120, 80)))

    # The filler starts and answers every clause; three are 不符合 with problems.
    page = log_in("efiller")
    page.get_by_role("link", name="开始填写").first.click()  # the home card
    page.get_by_role("button", name="开始填写").click()
    page.get_by_role("heading", name="南安市企业安全生产标准化提升专项行动“回头看”细则").wait_for()
    assert page.locator("article.clause").count() == 51
    assert page.locator("form.clause-form").count() == 0  # compact rows until a clause is opened
    # A rule is shown next to the clause: 不符合 without a problem is refused.
    first = open_clause(page, 0)
    # The keyboard focus moves to the answer of the opened clause.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'result'")
    save_clause(first, "不符合")
    first = clause(page, 0)
    first.get_by_text("结论为“不符合”时，至少填写一条存在问题。").wait_for()
    save_clause(first, "不符合", ["公示栏未张贴告知书", "承诺书未在公示栏公示"])
    clause(page, 0).get_by_text("已保存").wait_for()
    clause(page, 0).locator("input[type=file]").set_input_files(str(photo))
    clause(page, 0).get_by_role("button", name="上传", exact=True).click()
    clause(page, 0).get_by_role("link", name="现场照片.png").wait_for()
    # 收起 gives the compact row back, with the problems and their rectification state.
    clause(page, 0).get_by_role("link", name="收起").click()
    clause(page, 0).locator("[data-edit]").wait_for()
    assert "整改：待整改" not in clause(page, 0).inner_text()  # folded: one line
    assert "问题 2" in clause(page, 0).inner_text()
    assert "整改：待整改" in unfold(page, 0).inner_text()
    for n in range(1, 51):
        box = open_clause(page, n)
        if n in (10, 20):
            save_clause(box, "不符合", [f"第{n + 1}条细则的问题"])
        else:
            save_clause(box, "不适用" if n % 7 == 0 else "符合")
        clause(page, n).locator(".tag-ok").wait_for()
    page.locator("#progress-count").get_by_text("51/51").wait_for()
    shot(page, "1-filled")
    page.reload()
    assert page.locator("#progress-count").inner_text() == "51/51"
    assert "公示栏未张贴告知书" in unfold(page, 0).inner_text()
    assert page.locator("article.clause").count() == 51
    assert page.console_errors == []
    # The exports open and contain the answers.
    with page.expect_download() as dl:
        page.get_by_role("link", name="下载 Excel").click()
    xlsx = tmp_path / "checklist.xlsx"
    dl.value.save_as(xlsx)
    from openpyxl import load_workbook

    cells = [str(c) for row in load_workbook(xlsx).active.iter_rows(values_only=True) for c in row]
    assert any("公示栏未张贴告知书" in c for c in cells)
    with page.expect_download() as dl:
        page.get_by_role("link", name="下载 Word").click()
    docx_path = tmp_path / "checklist.docx"
    dl.value.save_as(docx_path)
    import docx

    document = docx.Document(str(docx_path))
    texts = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("第11条细则的问题" in t for t in texts)

    # The principal signs on the canvas.
    page = log_in("eprincipal")
    checklist = Checklist.objects.get(organization=ent.organization, campaign=camp)
    page.goto(f"/checklists/{checklist.pk}/")
    sign_and_submit(page)
    assert page.locator("#checklist-status").inner_text() == "已提交"
    assert page.get_by_role("button", name="保存本条").count() == 0
    checklist.refresh_from_db()
    sig = checklist.signatures.get()
    assert sig.stored_file.file.open("rb").read(8) == b"\x89PNG\r\n\x1a\n"
    shot(page, "2-submitted")

    # The department returns it with a reason.
    page = log_in("dreviewer")
    page.goto("/checklists/review/")
    page.get_by_role("row", name="南安市测试石材有限公司").get_by_role("link", name="审核").click()
    page.get_by_role("button", name="退回修改").click()
    page.get_by_text("退回原因：请填写退回原因。").wait_for()
    page.get_by_label("退回原因").fill("第11条问题描述不具体，请补充整改措施。")
    page.get_by_role("button", name="退回修改").click()
    page.get_by_text("已退回：南安市测试石材有限公司").wait_for()
    assert page.locator("#checklist-status").inner_text() == "已退回"
    shot(page, "3-returned")

    # The enterprise sees the reason, fixes, signs again and resubmits.
    page = log_in("eprincipal")
    page.get_by_text("第11条问题描述不具体，请补充整改措施。").first.wait_for()
    page.goto(f"/checklists/{checklist.pk}/")
    box = open_clause(page, 10)
    box.locator("input[name=problem]").first.fill("第11条细则的问题：已制定整改措施，月底前完成")
    box.get_by_role("button", name="保存本条").click()
    clause(page, 10).locator(".tag-ok").wait_for()
    sign_and_submit(page)

    # The department accepts; both versions stay viewable.
    page = log_in("dreviewer")
    page.goto(f"/checklists/{checklist.pk}/")
    page.get_by_role("button", name="审核通过").click()
    page.get_by_text("已通过：南安市测试石材有限公司").wait_for()
    assert page.locator("#checklist-status").inner_text() == "已通过"
    page.get_by_role("link", name="第1次").click()
    v1 = page.locator("#snapshot").inner_text()
    assert "第11条细则的问题" in v1 and "已制定整改措施" not in v1
    page.go_back()
    page.get_by_role("link", name="第2次").click()
    page.get_by_text("第11条细则的问题：已制定整改措施，月底前完成").wait_for()
    shot(page, "4-version2")
    checklist.refresh_from_db()
    assert checklist.status == "accepted" and checklist.submissions.count() == 2
    assert AnswerEvidence.objects.filter(answer__checklist=checklist).count() == 1
    assert checklist.answers.filter(result="nonconform").count() == 3
