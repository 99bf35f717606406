"""The registry's own export re-imports as a no-op (sub-unit departments included); town and
department cells are matched after normalization; phones are checked; the error list shows
every cell; the confirm writes through the ORM after the model's validation."""

from __future__ import annotations

import gc
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.registry import services
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.orgs.tests.registry_files import HEADER, bad_code, code, nanan_units, xlsx_bytes
from anbiao.orgs.tests.test_registry_import import confirm, issues, upload

pytestmark = pytest.mark.django_db

C1 = code("91350583MA2XYW141")
C2 = code("91350583MA2XYW142")
PHONE_RULE = (
    "联系电话格式不正确，应为11位手机号（如 13912345678）或带区号的固定电话（如 0595-86381234）"
)


@pytest.fixture
def u() -> dict[str, Any]:
    units = nanan_units()
    units["squad"] = OrganizationFactory.create(
        kind=OrgKind.DEPARTMENT, name="南安市应急管理局执法大队", parent=units["yj"]
    )
    units["market"] = OrganizationFactory.create(
        kind=OrgKind.DEPARTMENT, name="南安市市场监督管理局（溪美所）"
    )
    units["city_user"] = make_user(units["city"], Role.ORG_ADMIN, username="city_admin")
    units["dept_user"] = make_user(units["yj"], Role.FILLER, username="yj_filler")
    return units


def one_row(**cells: Any) -> bytes:
    values = {
        "name": "南安市测试有限公司",
        "code": C1,
        "principal": "张三",
        "phone": "13900000000",
        "town": "溪美街道",
        "dept": "应急管理局",
        "industry": "C",
        "size": "小微",
        "address": "",
    }
    values.update(cells)
    return xlsx_bytes([HEADER, list(values.values())])


def test_the_exported_registry_reimports_with_no_errors_and_confirming_changes_nothing(client, u):
    on_squad = EnterpriseFactory.create(  # a department's sub-unit as 主管部门
        town=u["xm"], department=u["squad"], phone="0595-86381234"
    )
    EnterpriseFactory.create(town=u["st"], department=u["yj"], phone="13912345678")
    EnterpriseFactory.create(  # a number recorded before the phone rule
        town=u["xf"], department=u["squad"], phone="86381234", principal=""
    )
    EnterpriseFactory.create(
        credit_code=bad_code("91350583MA2XYW14A"),
        credit_code_checked=False,
        town=u["xm"],
        department=u["yj"],
        organization__name="南安市鑫源(南安)石材有限公司",
    )
    client.force_login(u["dept_user"])
    export = client.get(reverse("orgs:enterprise_export"))
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert "南安市应急管理局执法大队" in {r[5] for r in rows}
    before = {e.pk: (e.updated_at, e.organization.updated_at) for e in Enterprise.objects.all()}

    pending = upload(export.content, "企业底数台账.xlsx")
    plan = services.registry_preview(user=u["dept_user"], pending=pending)
    assert plan.issues == [] and plan.pending == []
    assert (len(plan.created), len(plan.updated), len(plan.skipped)) == (0, 0, 4)
    squad_row = next(r for r in plan.rows if r.credit_code == on_squad.credit_code)
    assert squad_row.values["department_id"] == u["squad"].pk

    result = services.registry_import_confirm(
        user=u["dept_user"], pending=pending, accepted=[], digest=plan.digest()
    )
    assert (result.created, result.updated, result.skipped, result.errors) == (0, 0, 4, 0)
    after = {e.pk: (e.updated_at, e.organization.updated_at) for e in Enterprise.objects.all()}
    assert after == before
    assert Enterprise.objects.get(pk=on_squad.pk).department == u["squad"]


@pytest.mark.parametrize(
    ("cells", "field", "expected"),
    [
        ({"town": "溪美"}, "town", "溪美街道"),
        ({"town": "南安市 溪美街道"}, "town", "溪美街道"),
        ({"town": "350583001"}, "town", "溪美街道"),  # the administrative code
        ({"dept": "应急管理局执法大队"}, "department", "南安市应急管理局执法大队"),
        ({"dept": "南安市市场监督管理局(溪美所)"}, "department", "南安市市场监督管理局（溪美所）"),
        ({"dept": "市场监督管理局【溪美所】"}, "department", "南安市市场监督管理局（溪美所）"),
    ],
)
def test_town_and_department_cells_are_normalized_before_matching(u, cells, field, expected):
    Organization.objects.filter(pk=u["xm"].pk).update(code="350583001")
    plan = services.registry_plan(user=u["city_user"], data=one_row(**cells))
    assert issues(plan) == []
    assert plan.created[0].display[field] == expected


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0595 8638 1234", "0595-86381234"),
        ("+86 139-0000-0000", "13900000000"),
        (13900000000, "13900000000"),
        ("（0595）86381234转801", "0595-86381234转801"),
    ],
)
def test_an_imported_phone_is_stored_normalized(u, typed, stored):
    confirm(u["city_user"], upload(one_row(phone=typed)))
    assert Enterprise.objects.get(credit_code=C1).phone == stored


def test_a_bad_phone_is_an_error_of_its_row_unless_it_is_the_number_on_record(u):
    data = xlsx_bytes(
        [
            HEADER,
            ["南安市甲有限公司", C1, "", "86381234", "溪美街道", "应急管理局", "C", "小微", ""],
            ["南安市乙有限公司", C2, "", "1391234567", "溪美街道", "应急管理局", "C", "小微", ""],
        ]
    )
    plan = services.registry_plan(user=u["city_user"], data=data)
    assert issues(plan) == [(2, "联系电话", "D", PHONE_RULE), (3, "联系电话", "D", PHONE_RULE)]
    assert [i.value for _, i in plan.issues] == ["86381234", "1391234567"]

    EnterpriseFactory.create(credit_code=C1, town=u["xm"], department=u["yj"], phone="86381234")
    plan = services.registry_plan(user=u["city_user"], data=data)
    assert issues(plan) == [(3, "联系电话", "D", PHONE_RULE)]  # row 2 re-states the record
    row = next(r for r in plan.rows if r.row_no == 2)
    assert row.action == "update" and "phone" not in row.changed_fields  # the name changed


def test_the_error_list_shows_the_cell_content_of_every_error_row(client, u):
    rows = [
        HEADER,
        [
            "南安市坏码有限公司",
            bad_code("91350583MA2XYW14B"),
            "",
            "",
            "溪美街道",
            "应急管理局",
            "C",
            "小微",
            "",
        ],  # fmt: skip
        ["南安市未知镇有限公司", C1, "", "", "不存在镇", "应急管理局", "C", "小微", ""],
        ["", C2, "", "", "溪美街道", "应急管理局", "C", "小微", ""],
    ]
    client.force_login(u["city_user"])
    client.post(
        reverse("orgs:registry_import"),
        {"file": SimpleUploadedFile("台账.xlsx", xlsx_bytes(rows))},
    )
    response = client.get(reverse("orgs:registry_errors"))
    sheet = load_workbook(BytesIO(response.content)).active
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == ["行号", "列", "列号", "原因", "单元格内容"]
    assert [(r[0], r[1], r[2], r[4]) for r in got[1:]] == [
        (2, "统一社会信用代码", "B", bad_code("91350583MA2XYW14B")),  # was blank
        (3, "所属乡镇/街道", "E", "不存在镇"),
        (4, "企业名称", "A", None),  # the cell is empty
    ]


def test_the_confirm_leaves_the_garbage_collector_alone_and_writes_through_bulk_create(
    u, monkeypatch
):
    paused = []
    monkeypatch.setattr(gc, "disable", lambda: paused.append(True))
    written = []
    for manager in (Organization.objects, Enterprise.objects):
        real = manager.bulk_create
        monkeypatch.setattr(
            manager,
            "bulk_create",
            lambda objs, _real=real, **kw: written.append(len(objs)) or _real(objs, **kw),
        )
    result = confirm(u["city_user"], upload(one_row()))
    assert result.created == 1
    assert paused == []
    assert written == [1, 1]
    e = Enterprise.objects.select_related("organization").get()
    assert (e.organization.kind, e.organization.code, e.credit_code_checked) == (
        "enterprise",
        C1,
        True,
    )


def test_every_row_goes_through_the_models_own_field_validation(u, monkeypatch):
    from django.core.validators import RegexValidator

    field = Enterprise._meta.get_field("address")
    monkeypatch.setattr(field, "validators", [RegexValidator(r"^[^#]*$", code="invalid")])
    plan = services.registry_plan(user=u["city_user"], data=one_row(address="溪美街道#1号"))
    assert issues(plan) == [(2, "地址", "I", "地址的内容不符合要求")]
    assert plan.created == []
