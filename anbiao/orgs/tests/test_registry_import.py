"""Registry import: a messy file previews with every error, confirms in one transaction, re-imports
as a no-op, updates by credit code, and respects the importer's scope."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import uscc

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import Enterprise, IndustrySection, Organization, SizeClass
from anbiao.orgs.registry import services
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user
from anbiao.orgs.tests.registry_files import (
    HEADER,
    bad_code,
    code,
    csv_bytes,
    full_width,
    nanan_units,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

C1 = code("91350583MA2XYW121")
C2 = code("91350583MA2XYW122")
C3 = code("91350583MA2XYW123")
BAD = bad_code("91350583MA2XYW124")
C4 = code("91350583MA2XYW125")
C5 = code("91350583MA2XYW126")
C6 = code("91350583MA2XYW127")
C7 = code("91350583MA2XYW128")
C8 = code("91350583MA2XYW129")
MESSY_HEADER = [
    "序号",
    "企业名称",
    " 统一社会信用代码 ",
    "主要负责人",
    "联系电话",
    "所属乡镇（街道）",
    "行业主管部门",
    "行业门类",
    "企业类型",
    "地址",
]


def messy_rows() -> list[list[Any]]:
    """Excel rows 1–18 of a registry as people really send it."""
    return [
        ["南安市企业安全生产标准化底数台账"],  # 1 title, merged A1:J1
        ["填报单位：南安市应急管理局"],  # 2 merged A2:J2
        MESSY_HEADER,  # 3
        [
            1,
            "南安市鑫源石材 有限公司",
            full_width(C1),
            "张\u3000三",
            13912345678.0,
            "溪美",
            "应急管理局",
            "C",
            "规上",
            " 南安市溪美街道1号 ",
        ],  # 4  # noqa: E501
        [],  # 5 blank
        [
            2,
            "南安市鑫源石材 有限公司",
            full_width(C1),
            "张\u3000三",
            13912345678.0,
            "溪美",
            "应急管理局",
            "C",
            "规上",
            " 南安市溪美街道1号 ",
        ],  # 6 duplicate of 4  # noqa: E501
        [
            3,
            "南安市华盛陶瓷有限公司",
            C2,
            "李四",
            "0595-86381234",
            "水头镇",
            "南安市应急管理局",
            "C 制造业",
            "小型",
            "水头镇滨海路2号",
        ],  # 7 town merged F7:F8  # noqa: E501
        [
            4,
            "南安市恒达建材有限公司",
            C3,
            "王五",
            13800000000,
            None,
            "南安市应急管理局",
            "制造业",
            "微型",
            None,
        ],  # 8  # noqa: E501
        [
            5,
            "南安市坏码贸易有限公司",
            BAD,
            None,
            None,
            "溪美街道",
            "应急管理局",
            "F",
            "小微",
            None,
        ],  # 9 bad check digit  # noqa: E501
        [
            6,
            "南安市未知镇企业有限公司",
            C4,
            None,
            None,
            "不存在镇",
            "应急管理局",
            "C",
            "中等",
            None,
        ],  # 10  # noqa: E501
        [
            7,
            "南安市未知部门企业有限公司",
            C5,
            None,
            None,
            "溪美街道",
            "不存在局",
            "C",
            "中等",
            None,
        ],  # 11  # noqa: E501
        [8, None, C6, None, None, "溪美街道", "应急管理局", "C", "中等", None],  # 12 missing name
        [
            9,
            "南安市短码企业有限公司",
            "9135058312345",
            None,
            None,
            "溪美街道",
            "应急管理局",
            "C",
            "中等",
            None,
        ],  # 13  # noqa: E501
        [
            10,
            "南安市冲突甲有限公司",
            C7,
            None,
            None,
            "溪美街道",
            "应急管理局",
            "C",
            "中等",
            None,
        ],  # 14  # noqa: E501
        [
            11,
            "南安市冲突乙有限公司",
            C7,
            None,
            None,
            "水头镇",
            "应急管理局",
            "C",
            "中等",
            None,
        ],  # 15  # noqa: E501
        [
            12,
            "南安市交通物流有限公司",
            C8,
            None,
            None,
            "溪美街道",
            "南安市交通运输局",
            "G",
            "小微",
            None,
        ],  # 16  # noqa: E501
        ["  ", None, " "],  # 17 only spaces
        [None] * 10,  # 18
    ]


def messy_xlsx() -> bytes:
    return xlsx_bytes(messy_rows(), merges=("A1:J1", "A2:J2", "F7:F8"))


@pytest.fixture
def u() -> dict[str, Any]:
    units = nanan_units()
    units["dept_user"] = make_user(units["yj"], Role.FILLER, username="yj_filler")
    units["town_user"] = make_user(units["xm"], Role.FILLER, username="xm_filler")
    units["city_user"] = make_user(units["city"], Role.ORG_ADMIN, username="city_admin")
    return units


def upload(data: bytes, name: str = "底数台账.xlsx") -> services.PendingImport:
    return services.registry_upload_store(upload=SimpleUploadedFile(name, data))


def issues(plan: services.ImportPlan) -> list[tuple[int, str, str, str]]:
    return [(row, i.column, i.letter, i.message) for row, i in plan.issues]


def confirm(user: Any, pending: services.PendingImport, accepted: Iterable[str] = ()) -> Any:
    plan = services.registry_preview(user=user, pending=pending)
    return services.registry_import_confirm(
        user=user, pending=pending, accepted=list(accepted), digest=plan.digest()
    )


def test_the_preview_of_a_messy_file_lists_every_error_with_row_column_and_reason(u):
    plan = services.registry_plan(user=u["dept_user"], data=messy_xlsx())

    assert plan.header.row_no == 3
    assert plan.header.ignored == ["序号"]
    assert issues(plan) == [
        (10, "所属乡镇/街道", "F", "未知的乡镇/街道“不存在镇”"),
        (11, "主管部门", "G", "未知的主管部门“不存在局”"),
        (12, "企业名称", "B", "企业名称不能为空"),
        (13, "统一社会信用代码", "C", "统一社会信用代码应为18位，实际为13位"),
        (14, "统一社会信用代码", "C", "统一社会信用代码与第15行重复，但内容不同"),
        (15, "统一社会信用代码", "C", "统一社会信用代码与第14行重复，但内容不同"),
        (16, "主管部门", "G", "主管部门“南安市交通运输局”不在本单位监管范围"),
    ]
    assert [r.row_no for r in plan.created] == [4, 7, 8]
    assert [(r.row_no, r.reason) for r in plan.skipped] == [(6, "与第4行完全相同（重复行）")]
    assert [r.row_no for r in plan.pending] == [9]
    expected = uscc.calc_check_digit(BAD[:17])
    assert (
        plan.pending[0].checksum_issue.message == f"统一社会信用代码校验位错误（应为 {expected}）"
    )
    assert Enterprise.objects.count() == 0  # a preview writes nothing


def test_confirming_writes_exactly_the_valid_rows_with_cleaned_values(u):
    pending = upload(messy_xlsx())
    result = confirm(u["dept_user"], pending)

    assert (result.created, result.updated, result.skipped, result.errors) == (3, 0, 1, 7)
    assert result.not_accepted == 1
    got = {
        e.credit_code: e
        for e in Enterprise.objects.select_related("organization", "town", "department")
    }
    assert set(got) == {C1, C2, C3}
    first = got[C1]
    assert first.organization.name == "南安市鑫源石材有限公司"
    assert first.organization.kind == "enterprise"
    assert first.organization.is_active and first.organization.code == C1
    assert (first.star_level, first.risk_level, first.is_closed) == (0, "", False)
    assert first.principal == "张三"
    assert first.phone == "13912345678"  # a float cell, not "13912345678.0"
    assert first.address == "南安市溪美街道1号"
    assert first.town == u["xm"]  # "溪美" → 溪美街道
    assert first.department == u["yj"]  # "应急管理局" → 南安市应急管理局
    assert (first.industry, first.size_class) == (IndustrySection.C, SizeClass.ABOVE)
    assert first.credit_code_checked is True
    assert got[C2].size_class == SizeClass.SMALL  # 小型
    assert got[C3].size_class == SizeClass.SMALL  # 微型
    assert got[C3].town == u["st"]  # from the merged cell F7:F8
    assert got[C3].industry == IndustrySection.C  # "制造业"
    assert got[C2].phone == "0595-86381234"


def test_a_bad_check_digit_is_imported_only_when_accepted_and_is_marked(u):
    pending = upload(messy_xlsx())
    result = confirm(u["dept_user"], pending, accepted=[f"9:{BAD}"])

    assert result.created == 4 and result.not_accepted == 0
    bad = Enterprise.objects.get(credit_code=BAD)
    assert bad.credit_code_checked is False


def test_an_acceptance_for_another_row_or_code_accepts_nothing(u):
    pending = upload(messy_xlsx())
    result = confirm(u["dept_user"], pending, accepted=[f"10:{BAD}", f"9:{C1}"])
    assert result.not_accepted == 1
    assert not Enterprise.objects.filter(credit_code=BAD).exists()


def test_reimporting_the_same_file_changes_nothing(u):
    confirm(u["dept_user"], upload(messy_xlsx()), accepted=[f"9:{BAD}"])
    before = {e.pk: (e.updated_at, e.organization.updated_at) for e in Enterprise.objects.all()}
    audits = AuditEntry.objects.count()

    plan = services.registry_plan(user=u["dept_user"], data=messy_xlsx())
    assert plan.created == [] and plan.updated == [] and plan.pending == []
    assert {r.row_no for r in plan.skipped} == {4, 6, 7, 8, 9}
    result = confirm(u["dept_user"], upload(messy_xlsx()))

    assert (result.created, result.updated) == (0, 0)
    after = {e.pk: (e.updated_at, e.organization.updated_at) for e in Enterprise.objects.all()}
    assert after == before
    assert AuditEntry.objects.count() == audits + 1  # the import itself is still recorded


def test_a_changed_row_updates_the_enterprise_found_by_credit_code(u):
    confirm(u["dept_user"], upload(messy_xlsx()))
    created = Enterprise.objects.get(credit_code=C2)
    rows = messy_rows()
    rows[6] = [3, "南安市华盛陶瓷股份有限公司", C2, "李四", "13700001111", "水头镇", "南安市应急管理局", "C 制造业", "中等", "水头镇滨海路2号"]  # fmt: skip
    data = xlsx_bytes(rows, merges=("A1:J1", "A2:J2", "F7:F8"))

    plan = services.registry_plan(user=u["dept_user"], data=data)
    assert [r.row_no for r in plan.updated] == [7]
    assert plan.updated[0].changes == [
        ("企业名称", "南安市华盛陶瓷有限公司", "南安市华盛陶瓷股份有限公司"),
        ("联系电话", "0595-86381234", "13700001111"),
        ("企业类型", "小微", "中等"),
    ]
    result = confirm(u["dept_user"], upload(data))

    assert (result.created, result.updated) == (0, 1)
    assert Enterprise.objects.filter(credit_code=C2).count() == 1
    created.refresh_from_db()
    created.organization.refresh_from_db()
    assert created.organization.name == "南安市华盛陶瓷股份有限公司"
    assert (created.phone, created.size_class) == ("13700001111", SizeClass.MEDIUM)
    assert created.principal == "李四" and created.town == u["st"]


def test_rows_changing_different_fields_update_each_only_in_its_own_fields(u):
    confirm(u["city_user"], upload(messy_xlsx()))
    rows = messy_rows()
    rows[3][4] = "13500000000"  # row 4: phone only
    rows[5][4] = "13500000000"  # row 6 stays its duplicate
    rows[6][8] = "规模以上"  # row 7: class only
    data = xlsx_bytes(rows, merges=("A1:J1", "A2:J2", "F7:F8"))
    result = confirm(u["city_user"], upload(data))

    assert result.updated == 2
    first, second = Enterprise.objects.get(credit_code=C1), Enterprise.objects.get(credit_code=C2)
    assert (first.phone, first.size_class) == ("13500000000", SizeClass.ABOVE)
    assert (second.phone, second.size_class) == ("0595-86381234", SizeClass.ABOVE)


def test_blank_optional_cells_keep_what_is_on_record(u):
    confirm(u["dept_user"], upload(messy_xlsx()))
    rows = messy_rows()
    rows[3][3] = rows[3][4] = rows[3][9] = None  # principal, phone, address of row 4
    rows[5] = []
    plan = services.registry_plan(user=u["dept_user"], data=xlsx_bytes(rows, merges=("F7:F8",)))
    assert 4 in {r.row_no for r in plan.skipped}


def test_a_failure_halfway_through_the_writes_leaves_nothing_written(u, monkeypatch):
    manager = Enterprise.objects
    real_bulk_create = manager.bulk_create
    calls = []

    def create_half_then_fail(objs, **kwargs):
        calls.append(len(objs))
        real_bulk_create(objs[: len(objs) // 2 or 1], **kwargs)
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(manager, "bulk_create", create_half_then_fail)
    pending = upload(messy_xlsx())
    with pytest.raises(RuntimeError):
        confirm(u["dept_user"], pending)

    assert calls == [3]
    assert Enterprise.objects.count() == 0
    assert Organization.objects.filter(kind="enterprise").count() == 0
    assert not AuditEntry.objects.filter(action="anbiao.registry.imported").exists()


def test_an_import_is_refused_when_the_data_changed_since_the_preview(u):
    pending = upload(messy_xlsx())
    plan = services.registry_preview(user=u["dept_user"], pending=pending)
    EnterpriseFactory.create(
        credit_code=C2, town=u["st"], department=u["yj"]
    )  # someone else added it

    with pytest.raises(services.PlanChanged):
        services.registry_import_confirm(
            user=u["dept_user"], pending=pending, accepted=[], digest=plan.digest()
        )
    assert Enterprise.objects.count() == 1


def test_one_audit_entry_records_each_confirmed_import(u):
    pending = upload(messy_xlsx())
    confirm(u["dept_user"], pending, accepted=[f"9:{BAD}"])

    entry = AuditEntry.objects.get(action="anbiao.registry.imported")
    assert entry.user == u["dept_user"]
    assert entry.data["sha256"] == pending.sha256
    assert (entry.data["created"], entry.data["updated"], entry.data["errors"]) == (4, 0, 7)
    assert entry.data["accepted_bad_checksum"] == [BAD]
    assert sorted(entry.data["created_codes"]) == sorted([C1, C2, C3, BAD])


def test_a_department_cannot_import_enterprises_of_another_department(u):
    other = EnterpriseFactory.create(credit_code=C4, town=u["xm"], department=u["jt"])
    rows = [
        HEADER,
        ["南安市别家企业有限公司", C4, "", "", "溪美街道", "应急管理局", "C", "中等", ""],
    ]
    plan = services.registry_plan(user=u["dept_user"], data=xlsx_bytes(rows))

    assert issues(plan) == [
        (2, "统一社会信用代码", "B", "该统一社会信用代码的企业已由其他单位登记，不在本单位监管范围")
    ]
    other.refresh_from_db()
    assert other.department == u["jt"]


def test_a_town_imports_only_enterprises_located_in_it(u):
    plan = services.registry_plan(user=u["town_user"], data=messy_xlsx())
    scope_errors = [i for i in issues(plan) if "不在本单位监管范围" in i[3]]
    assert scope_errors == [
        (7, "所属乡镇/街道", "F", "所属乡镇/街道“水头镇”不在本单位监管范围"),
        (8, "所属乡镇/街道", "F", "所属乡镇/街道“水头镇”不在本单位监管范围"),
    ]
    assert [r.row_no for r in plan.created] == [4, 16]  # 16: another department, but its town


def test_the_city_office_imports_any_enterprise(u):
    plan = services.registry_plan(user=u["city_user"], data=messy_xlsx())
    assert [r.row_no for r in plan.created] == [4, 7, 8, 16]
    assert not [i for i in issues(plan) if "不在本单位监管范围" in i[3]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_in_utf8_with_bom_or_gbk_previews_with_the_same_findings(u, encoding):
    # As Chinese Excel saves it: one title row, numbers written without ".0", GBK or UTF-8 BOM.
    rows = [["南安市企业底数台账"], *messy_rows()[2:]]
    rows = [[int(v) if isinstance(v, float) else v for v in r] for r in rows]
    pending = upload(csv_bytes(rows, encoding=encoding), "台账.csv")
    assert pending.kind == "csv"
    plan = services.registry_preview(user=u["dept_user"], pending=pending)

    assert plan.header.row_no == 2
    assert issues(plan) == [
        (7, "所属乡镇/街道", "F", "所属乡镇/街道不能为空"),  # no merged cells in a CSV
        (9, "所属乡镇/街道", "F", "未知的乡镇/街道“不存在镇”"),
        (10, "主管部门", "G", "未知的主管部门“不存在局”"),
        (11, "企业名称", "B", "企业名称不能为空"),
        (12, "统一社会信用代码", "C", "统一社会信用代码应为18位，实际为13位"),
        (13, "统一社会信用代码", "C", "统一社会信用代码与第14行重复，但内容不同"),
        (14, "统一社会信用代码", "C", "统一社会信用代码与第13行重复，但内容不同"),
        (15, "主管部门", "G", "主管部门“南安市交通运输局”不在本单位监管范围"),
    ]
    assert [(r.row_no, r.name) for r in plan.created] == [
        (3, "南安市鑫源石材有限公司"),
        (6, "南安市华盛陶瓷有限公司"),
    ]
    assert [r.row_no for r in plan.pending] == [8]
    result = confirm(u["dept_user"], pending)
    assert result.created == 2
    assert Enterprise.objects.get(credit_code=C1).phone == "13912345678"
    assert Enterprise.objects.get(credit_code=C1).principal == "张三"


def test_stored_uploads_are_removed_after_confirming(u, settings):
    from pathlib import Path

    pending = upload(messy_xlsx())
    folder = Path(settings.MEDIA_ROOT) / services.UPLOAD_DIR
    assert len(list(folder.iterdir())) == 2  # the file and its parsed cells
    confirm(u["dept_user"], pending)
    assert list(folder.iterdir()) == []


def test_the_upload_refuses_files_that_are_not_registries(u):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="旧版 Excel"):
        upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "台账.xls")
    with pytest.raises(ValidationError, match="未找到表头"):
        upload(xlsx_bytes([["随便什么"], ["甲", "乙"]]))
    with pytest.raises(ValidationError, match="只接受"):
        upload(b"%PDF-1.7 whatever", "台账.pdf")


def one_row(**cells: Any) -> bytes:
    values = dict(
        zip(
            ["name", "code", "principal", "phone", "town", "dept", "industry", "size", "address"],
            [
                "南安市测试有限公司",
                C1,
                "张三",
                "13900000000",
                "溪美街道",
                "应急管理局",
                "C",
                "小微",
                "",
            ],
            strict=True,
        )
    )
    values.update(cells)
    return xlsx_bytes([HEADER, list(values.values())])


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"code": 91350583123456789}, "统一社会信用代码", "统一社会信用代码被存成了数字"),
        ({"code": "9.13505E+17"}, "统一社会信用代码", "统一社会信用代码被存成了数字"),
        ({"code": "91350583MA2XYW12I5"}, "统一社会信用代码", "统一社会信用代码格式错误"),
        ({"code": ""}, "统一社会信用代码", "统一社会信用代码不能为空"),
        ({"phone": "1.39123E+10"}, "联系电话", "联系电话显示为科学计数法"),
        ({"industry": "C 建筑业"}, "行业门类", "行业门类代码“C”与名称“建筑业”不一致"),
        ({"industry": "IT"}, "行业门类", "无法识别的行业门类“IT”"),
        ({"size": "大型"}, "企业类型", "无法识别的企业类型“大型”，应为 规模以上、中等 或 小微"),
        ({"town": ""}, "所属乡镇/街道", "所属乡镇/街道不能为空"),
        ({"dept": "南安市不存在局"}, "主管部门", "未知的主管部门“南安市不存在局”"),
        ({"name": "南" * 201}, "企业名称", "企业名称过长（最多200字）"),
    ],
)
def test_each_kind_of_bad_cell_is_reported_on_its_column(u, cells, column, message):
    plan = services.registry_plan(user=u["city_user"], data=one_row(**cells))
    assert [(row, col) for row, col, _, _ in issues(plan)] == [(2, column)]
    assert issues(plan)[0][3].startswith(message)


@pytest.mark.parametrize(
    ("cells", "field", "expected"),
    [
        ({"town": "南安市溪美街道"}, "town", "溪美街道"),
        ({"town": "溪美街道办事处"}, "town", "溪美街道"),
        ({"town": "雪峰开发区"}, "town", "雪峰华侨经济开发区"),
        ({"town": " 水 头 镇 "}, "town", "水头镇"),
        ({"dept": "市交通运输局"}, "department", "南安市交通运输局"),
        ({"dept": "交通局"}, "department", "南安市交通运输局"),
        ({"dept": "南安市应急管理局"}, "department", "南安市应急管理局"),
        ({"industry": "c"}, "industry", "C 制造业"),
        ({"industry": "C3011"}, "industry", "C 制造业"),
        ({"industry": "农林牧渔业"}, "industry", "A 农、林、牧、渔业"),
        ({"industry": "G-交通运输、仓储和邮政业"}, "industry", "G 交通运输、仓储和邮政业"),
        ({"size": "规模以上企业"}, "size_class", "规模以上"),
        ({"size": "中型"}, "size_class", "中等"),
        ({"size": "微型企业"}, "size_class", "小微"),
    ],
)
def test_common_ways_of_writing_a_value_are_understood(u, cells, field, expected):
    plan = services.registry_plan(user=u["city_user"], data=one_row(**cells))
    assert issues(plan) == []
    assert plan.created[0].display[field] == expected


def test_a_short_town_name_shared_by_two_towns_is_refused_as_unclear(u):
    from anbiao.orgs.tests.factories import OrganizationFactory

    OrganizationFactory.create(kind="town", name="溪美镇")
    plan = services.registry_plan(user=u["city_user"], data=one_row(town="溪美"))
    assert issues(plan) == [(2, "所属乡镇/街道", "E", "乡镇/街道“溪美”不明确，请填写全称")]
