"""The Excel round trip end to end: a real .xlsx downloaded, changed with openpyxl, uploaded,
previewed (nothing written), confirmed (one transaction), and the database checked."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.urls import reverse

from anbiao.checklists.models import AnswerResult, ChecklistStatus, ProblemLine
from anbiao.checklists.roundtrip.tests.helpers import (
    FIRST_PROBLEMS,
    as_upload,
    client_for,
    confirm,
    digest_of,
    download,
    fill_row,
    preview,
    row_of,
    save,
    snapshot,
    unit,
    upload,
)
from anbiao.checklists.roundtrip.workbook import COL_KEY, COL_RESULT, COLUMNS, COLUMNS_ROW
from anbiao.core.models import AuditEntry
from anbiao.rectification.models import Problem, ProblemStatus

pytestmark = pytest.mark.django_db


def text_of(response) -> str:  # noqa: ANN001
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_download_is_the_official_layout_with_an_answer_dropdown_and_hidden_keys() -> None:
    u = unit()
    wb = download(client_for(u.filler), u.checklist)
    ws = wb.worksheets[0]
    assert ws.title == "附件2"
    assert ws["A2"].value == u.checklist.template_version.title
    assert "离线填写测试石材有限公司" in ws["A3"].value
    assert [ws.cell(row=COLUMNS_ROW, column=c).value for c in range(1, 8)] == list(COLUMNS)
    first = u.answer(1)
    r = row_of(wb, first.clause_id)
    assert ws.cell(row=r, column=3).value == first.clause.full_text
    assert ws.cell(row=r, column=COL_RESULT).value == "不符合"
    assert ws.cell(row=r, column=5).value == "\n".join(FIRST_PROBLEMS)
    assert ws.cell(row=r, column=6).value == "现场检查发现"
    assert ws.cell(row=row_of(wb, u.answer(2).clause_id), column=COL_RESULT).value == "符合"
    assert ws.column_dimensions["G"].hidden
    assert ws.protection.sheet and not ws.cell(row=r, column=COL_RESULT).protection.locked
    assert ws.cell(row=r, column=3).protection.locked
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"符合,不符合,不适用"'
    assert f"D{r}" in str(validation.sqref)
    assert wb["_anbiao"].sheet_state == "hidden"
    assert ws.max_row == COLUMNS_ROW + u.checklist.answers.count()


def test_a_filled_file_is_previewed_then_written_on_confirmation() -> None:
    u = unit()
    client = client_for(u.filler)
    first, second, third = u.answer(1), u.answer(2), u.answer(3)
    kept = Problem.objects.get(answer=first, description=FIRST_PROBLEMS[0])
    replaced = Problem.objects.get(answer=first, description=FIRST_PROBLEMS[1])

    wb = download(client, u.checklist)
    # clause 1: the first line kept, the second reworded, a third added (Alt+Enter lines)
    fill_row(wb, first.clause_id, problems=f"{FIRST_PROBLEMS[0]}\n灭火器已过期\n安全出口标志缺失\n")
    fill_row(wb, second.clause_id, "不符合", "特种作业人员证书过期", "")
    fill_row(wb, third.clause_id, "不适用", remarks="本企业无此项")
    before = snapshot(u.checklist)

    response = upload(client, u.checklist, as_upload(wb))
    assert response.status_code == 302
    assert response["Location"] == reverse("checklists:offline:preview", args=[u.checklist.pk])
    page = preview(client, u.checklist)
    assert page.status_code == 200
    text = text_of(page)
    assert "现在还没有写入任何数据" in text
    assert re.search(r"3\s*条细则将修改", text)
    assert "保留  消防通道堵塞" in text or re.search(r"保留\s+消防通道堵塞", text)
    assert re.search(r"撤销\s+灭火器过期未更换", text)
    assert re.search(r"新增\s+灭火器已过期", text)
    assert re.search(r"新增\s+安全出口标志缺失", text)
    assert re.search(r"符合\s*→\s*不符合", text)
    assert re.search(r"（空）\s*→\s*本企业无此项", text)
    assert "撤销 原问题 / 新增 新问题" in text  # the rule for reworded lines is stated
    assert snapshot(u.checklist) == before  # the preview wrote nothing

    response = confirm(client, u.checklist, digest_of(page.content.decode()))
    assert response.status_code == 302
    assert response["Location"] == reverse("checklists:detail", args=[u.checklist.pk])

    first.refresh_from_db()
    assert [p.text for p in first.problems.order_by("position")] == [
        FIRST_PROBLEMS[0],
        "灭火器已过期",
        "安全出口标志缺失",
    ]
    kept.refresh_from_db()
    replaced.refresh_from_db()
    assert kept.status == ProblemStatus.PENDING
    assert kept.problem_line is not None and kept.problem_line.text == FIRST_PROBLEMS[0]
    assert replaced.status == ProblemStatus.WITHDRAWN
    assert Problem.objects.active().filter(answer=first).count() == 3
    second.refresh_from_db()
    assert second.result == AnswerResult.NONCONFORM and second.updated_by == u.filler
    assert list(second.problems.values_list("text", flat=True)) == ["特种作业人员证书过期"]
    third.refresh_from_db()
    assert (third.result, third.remarks) == (AnswerResult.NOT_APPLICABLE, "本企业无此项")
    imported = AuditEntry.objects.get(action="anbiao.checklist.workbook_imported")
    assert sorted(imported.data["changed"]) == sorted(
        [first.clause_id, second.clause_id, third.clause_id]
    )
    assert imported.data["added"] == 3 and imported.data["withdrawn"] == 1
    # the web form's service wrote each clause (its own entries), once
    assert AuditEntry.objects.filter(action="anbiao.checklist.answer_saved").count() == 2 + 3


def test_an_unchanged_file_has_nothing_to_confirm() -> None:
    u = unit()
    client = client_for(u.filler)
    assert upload(client, u.checklist, as_upload(download(client, u.checklist))).status_code == 302
    page = preview(client, u.checklist)
    assert "文件中没有需要写入的修改" in text_of(page)
    assert 'name="digest"' not in page.content.decode()


def test_a_clause_changed_since_the_download_is_flagged_and_not_overwritten() -> None:
    u = unit()
    client = client_for(u.filler)
    second, third = u.answer(2), u.answer(3)
    wb = download(client, u.checklist)
    save(u.other, second, AnswerResult.NONCONFORM, ["配电箱未上锁"])  # after the download
    fill_row(wb, second.clause_id, "不适用")
    fill_row(wb, third.clause_id, "符合")

    upload(client, u.checklist, as_upload(wb))
    page = preview(client, u.checklist)
    text = text_of(page)
    assert re.search(r"1\s*条下载后已被他人修改，不采用", text)
    assert "王管理" in text and "文件中这一条的内容不采用" in text
    stale = re.search(r'id="stale-(\d+)"', page.content.decode())
    assert stale and int(stale.group(1)) == second.clause_id
    assert confirm(client, u.checklist, digest_of(page.content.decode())).status_code == 302

    second.refresh_from_db()
    assert second.result == AnswerResult.NONCONFORM and second.updated_by == u.other
    assert list(second.problems.values_list("text", flat=True)) == ["配电箱未上锁"]
    third.refresh_from_db()
    assert third.result == AnswerResult.CONFORM and third.updated_by == u.filler
    imported = AuditEntry.objects.get(action="anbiao.checklist.workbook_imported")
    assert imported.data["stale"] == [second.clause_id]


def test_a_save_between_preview_and_confirmation_writes_nothing_and_shows_the_preview_again() -> (
    None
):
    u = unit()
    client = client_for(u.filler)
    second, third = u.answer(2), u.answer(3)
    wb = download(client, u.checklist)
    fill_row(wb, second.clause_id, "不适用")
    fill_row(wb, third.clause_id, "符合")
    upload(client, u.checklist, as_upload(wb))
    digest = digest_of(preview(client, u.checklist).content.decode())
    save(u.other, second, AnswerResult.CONFORM, remarks="王管理刚改过")
    before = snapshot(u.checklist)

    response = confirm(client, u.checklist, digest)
    assert response.status_code == 302
    assert response["Location"] == reverse("checklists:offline:preview", args=[u.checklist.pk])
    assert snapshot(u.checklist) == before
    third.refresh_from_db()
    assert third.result == ""
    # the preview now shows clause 2 as stale, and confirming it writes clause 3 only
    page = preview(client, u.checklist)
    assert f'id="stale-{second.clause_id}"' in page.content.decode()
    confirm(client, u.checklist, digest_of(page.content.decode()))
    third.refresh_from_db()
    second.refresh_from_db()
    assert third.result == AnswerResult.CONFORM and second.remarks == "王管理刚改过"


def test_it_refuses_a_file_of_another_organization() -> None:
    mine = unit("本单位石材有限公司")
    theirs = unit("外单位石材有限公司")
    wb = download(client_for(theirs.filler), theirs.checklist)
    fill_row(wb, theirs.answer(2).clause_id, "不适用")
    client = client_for(mine.filler)
    before = snapshot(mine.checklist), snapshot(theirs.checklist)

    response = upload(client, mine.checklist, as_upload(wb))
    assert response.status_code == 400
    assert "这份文件是其他单位的离线填写文件，不能上传到本单位的细则" in text_of(response)
    assert "外单位石材有限公司" not in text_of(response).split("离线填写（Excel）", 1)[1]
    assert preview(client, mine.checklist).status_code == 302  # nothing kept
    assert (snapshot(mine.checklist), snapshot(theirs.checklist)) == before


def test_it_refuses_a_file_of_another_checklist_of_the_same_unit() -> None:
    from datetime import date

    from anbiao.campaigns.models import Campaign, CampaignStatus
    from anbiao.checklists.tests import helpers

    u = unit()
    base = helpers.campaign()
    later = Campaign.objects.create(
        name="第二次专项行动",
        period_start=date(2025, 1, 1),
        period_end=date(2099, 12, 31),
        enterprise_deadline=date(2099, 10, 31),
        government_deadline=date(2099, 11, 15),
        enterprise_template_version=base.enterprise_template_version,
        government_template_version=base.government_template_version,
        status=CampaignStatus.OPEN,
    )
    other = helpers.start(u.organization, u.filler, later)
    client = client_for(u.filler)
    wb = download(client, other)

    response = upload(client, u.checklist, as_upload(wb))
    assert response.status_code == 400
    assert "本单位另一份细则" in text_of(response)


def test_a_tampered_identity_is_refused() -> None:
    u = unit()
    client = client_for(u.filler)
    wb = download(client, u.checklist)
    token = wb["_anbiao"]["A2"].value
    wb["_anbiao"]["A2"] = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = upload(client, u.checklist, as_upload(wb))
    assert response.status_code == 400
    assert "细则标识无法核对" in text_of(response)


def test_a_workbook_not_from_the_platform_is_refused() -> None:
    from openpyxl import Workbook

    u = unit()
    wb = Workbook()
    wb.active["A1"] = "项目"
    response = upload(client_for(u.filler), u.checklist, as_upload(wb))
    assert response.status_code == 400
    assert "这不是从平台下载的离线填写文件" in text_of(response)


def test_every_error_names_the_row_and_the_column_and_nothing_is_written() -> None:
    u = unit()
    client = client_for(u.filler)
    a = {n: u.answer(n) for n in range(2, 10)}
    wb = download(client, u.checklist)
    ws = wb.worksheets[0]
    rows = {
        "result": fill_row(wb, a[2].clause_id, "基本符合"),
        "duplicate": fill_row(wb, a[3].clause_id, "不符合", "台账缺失\n台账缺失"),
        "problems_with_conform": fill_row(wb, a[4].clause_id, "符合", "多余的问题"),
        "no_problem": fill_row(wb, a[5].clause_id, "不符合", ""),
        "remarks": fill_row(wb, a[6].clause_id, "符合", remarks="长" * 2001),
        "good": fill_row(wb, a[9].clause_id, "符合"),
    }
    rows["clause"] = row_of(wb, a[7].clause_id)
    ws.cell(row=rows["clause"], column=3, value="（1）被改写的细则")
    rows["copied"] = row_of(wb, a[8].clause_id)
    ws.cell(row=rows["copied"], column=COL_KEY, value=a[2].clause_id)
    extra = ws.max_row + 1
    ws.cell(row=extra, column=COL_RESULT, value="符合")  # a row typed below the table
    before = snapshot(u.checklist)

    assert upload(client, u.checklist, as_upload(wb)).status_code == 302
    page = preview(client, u.checklist)
    body = page.content.decode()
    text = text_of(page)
    found = re.findall(
        r'<td data-label="行号">第 (\d+) 行</td>\s*<td data-label="列">(.*?)（([A-G]) 列）</td>',
        body,
    )
    expected = {
        (rows["result"], "结论", "D"),
        (rows["duplicate"], "存在问题", "E"),
        (rows["problems_with_conform"], "存在问题", "E"),
        (rows["no_problem"], "存在问题", "E"),
        (rows["remarks"], "备注", "F"),
        (rows["clause"], "“回头看”细则", "C"),
        (rows["copied"], "细则编号（隐藏列）", "G"),
        (extra, "细则编号（隐藏列）", "G"),
    }
    assert {(int(r), c, letter) for r, c, letter in found} == expected
    assert len(found) == len(expected)
    assert "“基本符合”不是可选的结论" in text
    assert "第 2 条存在问题与第 1 条相同" in text
    assert "至少填写一条存在问题" in text
    assert "备注不超过 2000 字" in text
    assert "细则原文与平台上的" in text
    assert "是同一条细则" in text
    assert "这一行不对应任何细则" in text
    assert 'id="confirm-btn"' not in body  # no confirmation while the file has errors

    # a confirmation posted anyway (no digest on the page) writes nothing
    response = confirm(client, u.checklist, "")
    assert response.status_code == 302
    assert snapshot(u.checklist) == before


def test_a_confirmation_of_a_file_with_errors_is_refused_even_with_its_digest() -> None:
    from anbiao.checklists.roundtrip import selectors, services
    from anbiao.checklists.roundtrip.tests.helpers import as_upload as make

    u = unit()
    client = client_for(u.filler)
    wb = download(client, u.checklist)
    fill_row(wb, u.answer(2).clause_id, "基本符合")
    fill_row(wb, u.answer(3).clause_id, "符合")
    pending = services.checklist_workbook_store(checklist=u.checklist, upload=make(wb))
    plan = selectors.workbook_preview(checklist=u.checklist, pending=pending)
    assert plan.issues and plan.changes
    before = snapshot(u.checklist)
    with pytest.raises(Exception, match="文件中有错误"):
        services.checklist_workbook_apply(
            by=u.filler, checklist=u.checklist, pending=pending, digest=plan.digest()
        )
    assert snapshot(u.checklist) == before


def test_a_locked_checklist_sends_the_user_back_with_a_message() -> None:
    u = unit()
    client = client_for(u.filler)
    wb = download(client, u.checklist)
    u.checklist.status = ChecklistStatus.SUBMITTED
    u.checklist.save(update_fields=["status"])
    for name in ("upload", "download", "preview"):
        response = client.get(reverse(f"checklists:offline:{name}", args=[u.checklist.pk]))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("checklists:detail", args=[u.checklist.pk])
    before = snapshot(u.checklist)
    assert upload(client, u.checklist, as_upload(wb)).status_code == 302
    assert snapshot(u.checklist) == before


def test_a_problem_in_rectification_kept_by_its_text_keeps_its_state() -> None:
    from anbiao.rectification import services as rectification
    from anbiao.rectification.tests.helpers import plan

    u = unit()
    first = u.answer(1)
    p = Problem.objects.get(answer=first, description=FIRST_PROBLEMS[0])
    rectification.problem_plan_save(by=u.filler, problem=p, data=plan())
    rectification.problem_transition(by=u.filler, problem=p, action="start")
    client = client_for(u.filler)
    wb = download(client, u.checklist)
    fill_row(wb, first.clause_id, problems=f"{FIRST_PROBLEMS[0]}\n新发现的问题")
    upload(client, u.checklist, as_upload(wb))
    page = preview(client, u.checklist)
    text = text_of(page)
    assert re.search(r"保留\s+消防通道堵塞\s+（整改中）", text)
    assert re.search(r"撤销\s+灭火器过期未更换\s+（待整改）", text)
    confirm(client, u.checklist, digest_of(page.content.decode()))
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS and p.problem_line is not None
    assert ProblemLine.objects.filter(answer=first).count() == 2


def test_a_file_saved_by_excel_or_wps_with_shared_strings_reads_the_same() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anbiao.checklists.roundtrip.tests.helpers import as_excel_saved

    u = unit()
    client = client_for(u.filler)
    second = u.answer(2)
    wb = download(client, u.checklist)
    fill_row(wb, second.clause_id, "不符合", "安全标志 <缺失> & 破损\n第二个问题", "备注 “引号”")
    saved = as_excel_saved(as_upload(wb).read())
    assert b"sharedStrings" in saved
    upload(client, u.checklist, SimpleUploadedFile("WPS保存.xlsx", saved))
    page = preview(client, u.checklist)
    assert re.search(r"1\s*条细则将修改", text_of(page))
    confirm(client, u.checklist, digest_of(page.content.decode()))
    second.refresh_from_db()
    assert list(second.problems.order_by("position").values_list("text", flat=True)) == [
        "安全标志 <缺失> & 破损",
        "第二个问题",
    ]
    assert second.remarks == "备注 “引号”"


def test_a_text_that_looks_like_a_formula_goes_round_trip_as_text() -> None:
    import io
    import zipfile

    u = unit()
    client = client_for(u.filler)
    second = u.answer(2)
    hostile = '=HYPERLINK("http://x","y")'
    save(u.filler, second, AnswerResult.NONCONFORM, [hostile, "-2+3"], "@SUM(1+1)")
    response = client.get(reverse("checklists:offline:download", args=[u.checklist.pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name), name
    wb = download(client, u.checklist)
    ws = wb.worksheets[0]
    r = row_of(wb, second.clause_id)
    assert ws.cell(row=r, column=5).value == f"'{hostile}\n-2+3"
    assert ws.cell(row=r, column=6).value == "'@SUM(1+1)"
    fill_row(wb, u.answer(3).clause_id, "符合")  # one real change; clause 2 must stay as it is
    upload(client, u.checklist, as_upload(wb))
    page = preview(client, u.checklist)
    assert re.search(r"1\s*条细则将修改", text_of(page))
    assert f'id="change-{second.clause_id}"' not in page.content.decode()
