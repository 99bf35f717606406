"""自查自纠报告: documents read back, signature before finalizing, versions, scope."""

from __future__ import annotations

import io
import re
import shutil
import subprocess  # noqa: S404
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.reports import services
from anbiao.reports.models import Report, ReportStatus
from anbiao.reports.selectors import finalized_reports
from anbiao.reports.tests.helpers import (
    pdf_upload,
    signature_data_url,
    started_report,
    unit_with_problems,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    ent = EnterpriseFactory.create(organization__name="南安市示范石材有限公司", principal="李主要")
    return unit_with_problems(ent.organization)


def client_for(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user)
    return c


def test_the_pdf_holds_the_reports_chinese_text_in_an_embedded_cjk_font(unit, pdf_tools, tmp_path):
    report = started_report(unit)
    response = client_for(unit["filler"]).get(reverse("reports:pdf", args=[report.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603 — a fixed tool on our own file
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    compact = "".join(text.split())
    assert "南安市示范石材有限公司" in compact
    assert "自查自纠报告" in compact
    description = unit["tracked"][0].description
    assert "".join(description.split()) in compact
    assert "王安全" in compact
    assert "由主要负责人牵头" in compact
    fonts = subprocess.run(  # noqa: S603
        [shutil.which("pdffonts") or "pdffonts", str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    cjk = [line for line in fonts.splitlines() if re.search(r"Noto-?(Serif|Sans)-?CJK-?SC", line)]
    assert cjk, fonts
    for line in cjk:  # columns emb sub uni: the font is embedded
        assert re.search(r"\byes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line), line


def test_the_docx_read_back_holds_every_section_and_the_records(unit):
    report = started_report(unit)
    response = client_for(unit["filler"]).get(reverse("reports:docx", args=[report.pk, 1]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in doc.paragraphs]
    headings = [
        "一、基本情况",
        "二、“回头看”组织开展情况",
        "三、自查发现问题",
        "四、问题整改情况",
        "五、尚未整改问题及下一步计划",
    ]
    positions = [paragraphs.index(h) for h in headings]
    assert positions == sorted(positions)
    assert paragraphs[0] == "南安市示范石材有限公司安全生产标准化提升专项行动“回头看”自查自纠报告"
    basic = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert basic["单位名称"] == "南安市示范石材有限公司"
    assert basic["主要负责人"] == "李主要"
    assert len(basic["统一社会信用代码"]) == 18
    n = len(unit["tracked"])
    assert (
        f"“回头看”自查共发现问题 {n} 个，已整改销号 1 个，尚未销号 {n - 1} 个（其中逾期 0 个）。"
        in paragraphs
    )
    rectification = doc.tables[-1]
    assert [c.text for c in rectification.rows[0].cells] == [
        "序号",
        "条款",
        "问题描述",
        "等级",
        "责任人",
        "整改期限",
        "状态",
    ]
    first = rectification.rows[1].cells
    assert first[2].text == unit["tracked"][0].description
    assert (first[4].text, first[5].text, first[6].text) == ("王安全", "2030年1月31日", "整改中")
    last = rectification.rows[n].cells
    assert (last[4].text, last[6].text) == ("赵设备", "已销号")
    assert "由主要负责人牵头，成立“回头看”工作小组，对照细则逐条自查。" in paragraphs
    assert "剩余问题于月底前整改完毕。" in paragraphs


def test_finalizing_needs_the_principals_signature(unit):
    report = started_report(unit)
    filler = client_for(unit["filler"])
    response = filler.post(reverse("reports:finalize", args=[report.pk]), follow=True)
    assert "定稿须有主要负责人签字" in response.content.decode()
    report.refresh_from_db()
    assert report.counted_version is None
    assert report.versions.get().status == ReportStatus.DRAFT
    assert finalized_reports().count() == 0

    # a filler may not sign on screen …
    response = filler.post(
        reverse("reports:sign", args=[report.pk]), {"signature": signature_data_url()}
    )
    assert response.status_code == 404
    # … the principal does
    principal = client_for(unit["principal"])
    principal.post(reverse("reports:sign", args=[report.pk]), {"signature": signature_data_url()})
    version = report.versions.get()
    assert version.signature_method == "drawn" and version.signer_name == "李主要"
    # changing the text after signing asks for a new signature
    filler.post(
        reverse("reports:save", args=[report.pk]),
        {"version": version.edit_version, "organization_text": "签字后改动", "plan_text": ""},
    )
    version.refresh_from_db()
    assert not version.is_signed
    assert (
        "定稿须有主要负责人签字"
        in filler.post(reverse("reports:finalize", args=[report.pk]), follow=True).content.decode()
    )
    principal.post(reverse("reports:sign", args=[report.pk]), {"signature": signature_data_url()})
    response = filler.post(reverse("reports:finalize", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.counted_version.number == 1
    assert report.counted_version.status == ReportStatus.FINALIZED
    assert report.counted_version.facts["unit"]["name"] == "南安市示范石材有限公司"
    assert list(finalized_reports(kind="enterprise")) == [report]
    assert finalized_reports(kind="government").count() == 0
    assert AuditEntry.objects.filter(action="anbiao.report.finalized").count() == 1
    # the signed, finalized docx carries the signature image
    doc = Document(io.BytesIO(filler.get(reverse("reports:docx", args=[report.pk, 1])).content))
    assert len(doc.inline_shapes) == 1
    # a finalized version is not edited any more
    response = filler.post(
        reverse("reports:save", args=[report.pk]),
        {"version": 1, "organization_text": "改动", "plan_text": ""},
    )
    assert response.status_code == 409
    assert report.counted_version.organization_text != "改动"


def test_a_filler_uploads_the_signed_scan_instead(unit):
    report = started_report(unit)
    filler = client_for(unit["filler"])
    response = filler.post(
        reverse("reports:sign_scan", args=[report.pk]), {"signer_name": "", "scan": pdf_upload()}
    )
    assert response.status_code == 400
    assert "签字的主要负责人：必须填写。" in response.content.decode()
    response = filler.post(
        reverse("reports:sign_scan", args=[report.pk]),
        {"signer_name": "李主要", "scan": pdf_upload()},
    )
    assert response.status_code == 302
    services.report_finalize(by=unit["filler"], version=report.versions.get())
    assert finalized_reports().count() == 1


def test_the_edited_docx_must_be_a_word_file(unit, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = started_report(unit)
    filler = client_for(unit["filler"])
    fake = SimpleUploadedFile(
        "报告.docx", b"%PDF-1.4 not a word file", content_type="application/pdf"
    )
    response = filler.post(reverse("reports:upload", args=[report.pk]), {"docx": fake})
    assert response.status_code == 400
    assert "请上传 Word 文档（.docx）" in response.content.decode()
    assert report.versions.get().edited_docx is None
    downloaded = filler.get(reverse("reports:docx", args=[report.pk, 1])).content
    edited = Document(io.BytesIO(downloaded))
    edited.add_paragraph("用户在 WPS 中补充的一段话。")
    out = io.BytesIO()
    edited.save(out)
    upload = SimpleUploadedFile("自查自纠报告（修改）.docx", out.getvalue())
    response = filler.post(reverse("reports:upload", args=[report.pk]), {"docx": upload})
    assert response.status_code == 302
    version = report.versions.get()
    assert version.edited_docx.kind == "docx"
    back = Document(
        io.BytesIO(filler.get(reverse("reports:edited_docx", args=[report.pk, 1])).getvalue())
    )
    assert back.paragraphs[-1].text == "用户在 WPS 中补充的一段话。"


def test_a_new_version_replaces_the_finalized_one_and_history_is_kept(unit):
    report = started_report(unit)
    v1 = report.versions.get()
    services.report_sign_drawn(by=unit["principal"], version=v1, data_url=signature_data_url())
    services.report_finalize(by=unit["filler"], version=v1)
    report.refresh_from_db()
    first_time = report.first_finalized_at

    filler = client_for(unit["filler"])
    assert filler.post(reverse("reports:new_version", args=[report.pk])).status_code == 302
    v2 = report.versions.get(number=2)
    assert v2.status == ReportStatus.DRAFT and v2.organization_text == v1.organization_text
    assert not v2.is_signed
    # while v2 is a draft, v1 still counts
    report.refresh_from_db()
    assert report.counted_version == v1
    response = filler.post(reverse("reports:new_version", args=[report.pk]), follow=True)
    assert "已有一份草稿" in response.content.decode()

    services.report_draft_save(
        by=unit["filler"],
        version=v2,
        expected_version=v2.edit_version,
        data=services.DraftInput(organization_text="第二版的组织情况。", plan_text=""),
    )
    services.report_sign_drawn(by=unit["principal"], version=v2, data_url=signature_data_url())
    services.report_finalize(by=unit["filler"], version=v2)
    report.refresh_from_db()
    v1.refresh_from_db()
    assert report.counted_version.number == 2
    assert v1.status == ReportStatus.SUPERSEDED
    assert report.first_finalized_at == first_time
    assert finalized_reports().count() == 1
    page = filler.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "第1版" in page and "已被替换" in page and "第二版的组织情况。" in page
    old = filler.get(reverse("reports:detail", args=[report.pk]) + "?v=1").content.decode()
    assert "由主要负责人牵头" in old


def test_finalized_reports_filter_the_period_on_the_first_finalization(unit):
    report = started_report(unit)
    v1 = report.versions.get()
    services.report_sign_drawn(by=unit["principal"], version=v1, data_url=signature_data_url())
    services.report_finalize(by=unit["filler"], version=v1)
    today = timezone.localdate()
    assert finalized_reports(start=today, end=today).count() == 1
    assert finalized_reports(end=today - timedelta(days=1)).count() == 0
    assert finalized_reports(start=today + timedelta(days=1)).count() == 0
    assert finalized_reports(campaign=unit["campaign"]).count() == 1


def test_two_writers_saving_one_draft_from_the_same_page_the_second_gets_409_with_its_text(unit):
    report = started_report(unit)
    detail = reverse("reports:detail", args=[report.pk])
    save = reverse("reports:save", args=[report.pk])
    principal, filler = client_for(unit["principal"]), client_for(unit["filler"])
    v1 = int(principal.get(detail).context["draft_form"]["version"].value())
    v2 = int(filler.get(detail).context["draft_form"]["version"].value())
    assert v1 == v2
    first = principal.post(
        save, {"version": v1, "organization_text": "负责人的版本", "plan_text": "负责人的计划"}
    )
    assert first.status_code == 302
    response = filler.post(
        save, {"version": v2, "organization_text": "填报员刚写的一大段文字", "plan_text": ""}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "填报员刚写的一大段文字" in html  # the user's text, kept
    message = response.context["conflict"].message
    assert "李主要（南安市示范石材有限公司）" in message
    assert "修改了报告草稿（“回头看”组织开展情况、尚未整改问题及下一步计划）" in message
    assert 'id="edit-conflict"' in html
    version = report.versions.get()
    assert version.organization_text == "负责人的版本"  # the first save stands
    # The kept form carries the current version: saving again replaces it on purpose.
    kept = int(response.context["draft_form"]["version"].value())
    assert kept == version.edit_version
    again = filler.post(
        save, {"version": kept, "organization_text": "填报员刚写的一大段文字", "plan_text": ""}
    )
    assert again.status_code == 302
    assert report.versions.get().organization_text == "填报员刚写的一大段文字"


@pytest.mark.parametrize("version", ["", "x", "-3"])
def test_a_draft_saved_without_a_valid_version_is_a_form_error(unit, version):  # noqa: ANN001
    from anbiao.core.versioning import VERSION_ERROR

    report = started_report(unit)
    response = client_for(unit["filler"]).post(
        reverse("reports:save", args=[report.pk]),
        {"version": version, "organization_text": "我的文字", "plan_text": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert VERSION_ERROR in html and "我的文字" in html
    assert report.versions.get().organization_text != "我的文字"


def test_a_government_unit_writes_its_report_from_its_annex1_problems():
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市测试应急管理局")
    unit = unit_with_problems(dept)
    report = started_report(unit)
    v = report.versions.get()
    services.report_sign_drawn(by=unit["principal"], version=v, data_url=signature_data_url())
    services.report_finalize(by=unit["filler"], version=v)
    assert list(finalized_reports(kind="government")) == [report]
    facts = report.versions.get().facts
    assert facts["unit"]["name"] == "南安市测试应急管理局"
    assert facts["totals"]["total"] == len(unit["tracked"]) == 2  # 22 clauses, every 10th


def test_another_units_report_answers_404(unit):
    report = started_report(unit)
    outsider = make_user(EnterpriseFactory.create().organization, Role.ORG_ADMIN)
    c = client_for(outsider)
    for url in (
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:docx", args=[report.pk, 1]),
        reverse("reports:pdf", args=[report.pk, 1]),
    ):
        assert c.get(url).status_code == 404, url
    # the supervising department reads it but cannot write it
    dept_user = make_user(report.organization.enterprise.department, Role.ORG_ADMIN)
    d = client_for(dept_user)
    assert d.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    response = d.post(
        reverse("reports:save", args=[report.pk]),
        {"version": 1, "organization_text": "部门改写", "plan_text": ""},
    )
    assert response.status_code == 404
    assert Report.objects.get(pk=report.pk).versions.get().organization_text != "部门改写"


def test_the_reports_contact_phone_is_checked_and_stored_normalized(unit):
    report = started_report(unit)
    version = report.versions.get()
    filler = client_for(unit["filler"])
    url = reverse("reports:save", args=[report.pk])
    text = version.organization_text
    base = {"version": version.edit_version, "organization_text": text, "plan_text": ""}
    response = filler.post(url, {**base, "contact_phone": "1234567"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "联系电话：格式不正确，应为11位手机号（如 13912345678）或带区号的固定电话" in body
    assert 'value="1234567"' in body
    version.refresh_from_db()
    assert version.contact_phone == ""

    assert filler.post(url, {**base, "contact_phone": "0595 8638 1234"}).status_code == 302
    version.refresh_from_db()
    assert version.contact_phone == "0595-86381234"
