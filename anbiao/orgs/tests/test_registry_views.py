"""Registry import through the pages: upload → preview → confirm; and export → re-import."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.orgs.models import Enterprise
from anbiao.orgs.registry import services
from anbiao.orgs.registry.views import SESSION_KEY
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.orgs.tests.registry_files import bad_code, nanan_units
from anbiao.orgs.tests.test_registry_import import BAD, C1, C2, C3, messy_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept_client(client):
    units = nanan_units()
    user = make_user(units["yj"], Role.FILLER, username="yj_filler")
    client.force_login(user)
    client.units = units
    client.user = user
    return client


def post_file(client, data: bytes, name: str = "台账.xlsx"):
    return client.post(
        reverse("orgs:registry_import"), {"file": SimpleUploadedFile(name, data)}, follow=False
    )


def test_the_upload_page_lists_the_columns(dept_client):
    response = dept_client.get(reverse("orgs:registry_import"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "上传并预览" in body and "统一社会信用代码" in body and "所属乡镇/街道" in body


def test_uploading_shows_the_preview_and_confirming_writes(dept_client, settings):
    response = post_file(dept_client, messy_xlsx())
    assert response.status_code == 302 and response["Location"] == reverse("orgs:registry_preview")

    preview = dept_client.get(reverse("orgs:registry_preview"))
    body = preview.content.decode()
    assert preview.status_code == 200
    assert Enterprise.objects.count() == 0
    assert 'id="count-created">3<' in body
    assert 'id="count-errors">7<' in body
    assert "第 10 行" in body and "未知的乡镇/街道“不存在镇”" in body
    assert "主管部门“南安市交通运输局”不在本单位监管范围" in body
    assert "校验位不通过，仍然接受" in body and f'value="9:{BAD}"' in body
    assert "与第4行完全相同（重复行）" in body
    digest = preview.context["digest"]

    done = dept_client.post(
        reverse("orgs:registry_confirm"), {"digest": digest, "accept": [f"9:{BAD}"]}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("orgs:enterprise_list")
    text = done.content.decode()
    assert "导入完成：新增 4 家，更新 0 家，跳过 1 行，有错误未导入 7 行。" in text
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == {C1, C2, C3, BAD}
    assert SESSION_KEY not in dept_client.session
    assert list((Path(settings.MEDIA_ROOT) / services.UPLOAD_DIR).iterdir()) == []


def test_a_stale_preview_is_shown_again_instead_of_writing(dept_client):
    post_file(dept_client, messy_xlsx())
    response = dept_client.post(reverse("orgs:registry_confirm"), {"digest": "0" * 64}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:registry_preview")
    assert "预览之后系统中的数据发生了变化" in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_cancelling_discards_the_upload(dept_client, settings):
    post_file(dept_client, messy_xlsx())
    response = dept_client.post(reverse("orgs:registry_cancel"), follow=True)
    assert "已取消导入，未写入任何数据。" in response.content.decode()
    assert SESSION_KEY not in dept_client.session
    assert list((Path(settings.MEDIA_ROOT) / services.UPLOAD_DIR).iterdir()) == []
    assert Enterprise.objects.count() == 0


def test_a_file_that_is_not_a_registry_is_refused_with_a_chinese_error(dept_client):
    response = post_file(dept_client, b"%PDF-1.7\n...", "台账.pdf")
    assert response.status_code == 200
    assert "只接受 Excel（.xlsx）或 CSV 文件。" in response.content.decode()
    response = post_file(dept_client, b"", "空.xlsx")
    assert "文件为空" in response.content.decode()


def test_a_session_cannot_point_at_another_file(dept_client):
    session = dept_client.session
    session[SESSION_KEY] = {
        "token": "../../etc/passwd",
        "kind": "xlsx",
        "name": "x",
        "sha256": "0",
        "size": 1,
    }
    session.save()
    response = dept_client.get(reverse("orgs:registry_preview"))
    assert response.status_code == 302 and response["Location"] == reverse("orgs:registry_import")


def test_the_exported_registry_reimports_with_nothing_to_do(dept_client):
    units = dept_client.units
    other_dept = OrganizationFactory.create(kind="department", name="南安市住房和城乡建设局")
    EnterpriseFactory.create(
        organization__name="南安市鑫源(南安)石材有限公司",  # half-width brackets on record
        town=units["xm"],
        department=units["yj"],
        phone="0595 8638 1234",
    )
    EnterpriseFactory.create(
        town=units["st"], department=units["yj"], industry="G", size_class="above"
    )
    co = EnterpriseFactory.create(town=units["xf"], department=other_dept, principal="", phone="")
    co.other_departments.add(units["yj"])  # co-supervised: exported by 应急管理局 too
    EnterpriseFactory.create(
        credit_code=bad_code("91350583MA2XYW12A"),
        credit_code_checked=False,  # accepted knowingly in an earlier import
        town=units["xm"],
        department=units["yj"],
        risk_level="red",
        star_level=2,
    )
    EnterpriseFactory.create(town=units["xm"], department=units["jt"])  # not in scope, not exported

    export = dept_client.get(reverse("orgs:enterprise_export"))
    assert export.status_code == 200
    plan = services.registry_plan(user=dept_client.user, data=export.content)

    assert plan.issues == []
    assert (len(plan.created), len(plan.updated), len(plan.pending)) == (0, 0, 0)
    assert len(plan.skipped) == 4
    assert {r.reason for r in plan.skipped} == {"与系统中的记录相同，无变化"}
    assert plan.header.ignored == ["星级", "风险等级", "已纳入智慧管理平台", "状态"]


def test_the_error_list_downloads_as_a_workbook_with_every_error(dept_client):
    from io import BytesIO

    from openpyxl import load_workbook

    post_file(dept_client, messy_xlsx())
    response = dept_client.get(reverse("orgs:registry_errors"))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["行号", "列", "列号", "原因", "单元格内容"]
    assert [r[0] for r in rows[1:]] == [9, 10, 11, 12, 13, 14, 15, 16]
    assert rows[2][1:4] == ["所属乡镇/街道", "F", "未知的乡镇/街道“不存在镇”"]
    assert rows[1][3].startswith("统一社会信用代码校验位错误")


def test_unrecognized_columns_are_mapped_on_a_plain_form_and_the_preview_offers_a_change(
    dept_client,
):
    from anbiao.orgs.tests.registry_files import xlsx_bytes
    from anbiao.orgs.tests.test_registry_columns import unknown_rows

    assert post_file(dept_client, xlsx_bytes(unknown_rows())).status_code == 302
    page = dept_client.get(reverse("orgs:registry_preview"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "没有识别出必需的列：所属乡镇/街道、主管部门" in body
    assert "C列“片区”" in body and "D列“归口单位”" in body
    assert '<select name="town"' in body and '<option value="2">C列：片区</option>' in body

    refused = dept_client.post(
        reverse("orgs:registry_columns"),
        {"name": "0", "credit_code": "1", "town": "2", "department": "2", "industry": "4",
         "size_class": "5"},
    )  # fmt: skip
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "主管部门：C列已对应“所属乡镇/街道”，不能同时对应“主管部门”。" in text
    assert '<option value="2" selected>C列：片区</option>' in text  # the choice is kept

    done = dept_client.post(
        reverse("orgs:registry_columns"),
        {"name": "0", "credit_code": "1", "town": "2", "department": "3", "industry": "4",
         "size_class": "5"},
        follow=True,
    )  # fmt: skip
    assert done.redirect_chain[-1][0] == reverse("orgs:registry_preview")
    text = done.content.decode()
    assert "已保存列的对应关系" in text
    assert 'id="count-created">2<' in text
    assert "片区 → 所属乡镇/街道" in text and 'id="mapping-saved"' in text
    assert reverse("orgs:registry_columns") in text  # 修改列的对应关系
    change = dept_client.get(reverse("orgs:registry_columns")).content.decode()
    assert "按本单位上次保存的对应关系。" in change
