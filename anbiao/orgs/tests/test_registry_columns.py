"""Registry headers as real registries write them: recognized in many variants, and when a
required column is not recognized the user maps it (remembered for the unit's next upload)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import Enterprise, RegistryColumnMapping
from anbiao.orgs.registry import mapping, services
from anbiao.orgs.registry.header import match_header, normalize_header
from anbiao.orgs.tests.factories import make_user
from anbiao.orgs.tests.registry_files import code, full_width, nanan_units, xlsx_bytes

pytestmark = pytest.mark.django_db

C1 = code("91350583MA2XYW131")
C2 = code("91350583MA2XYW132")
KEYS = (
    "name",
    "credit_code",
    "principal",
    "phone",
    "town",
    "department",
    "industry",
    "size_class",
    "address",
)


@pytest.fixture
def u() -> dict[str, Any]:
    units = nanan_units()
    units["city_user"] = make_user(units["city"], Role.ORG_ADMIN, username="city_admin")
    units["dept_user"] = make_user(units["yj"], Role.FILLER, username="yj_filler")
    return units


# Every variant header below names these columns in this order.
ORDER = ["序号", *KEYS[:7], "登记注册类型", *KEYS[7:]]


def rows_under(header: list[str]) -> list[list[Any]]:
    """A title row, the header, two enterprises (cells in the order of ORDER)."""
    values = {
        "序号": (1, 2),
        "name": ("南安市鑫源石材有限公司", "南安市华盛陶瓷有限公司"),
        "credit_code": (C1, C2),
        "principal": ("张三", "李四"),
        "phone": ("13912345678", "0595-86381234"),
        "town": ("溪美街道", "水头镇"),
        "department": ("应急管理局", "南安市应急管理局"),
        "industry": ("C", "制造业"),
        "登记注册类型": ("有限责任公司", "股份有限公司"),
        "size_class": ("规上", "小微"),
        "address": ("溪美街道1号", "水头镇2号"),
    }
    assert len(header) == len(ORDER)
    body = [[values[k][i] for k in ORDER] for i in (0, 1)]
    return [["南安市企业安全生产标准化底数台账"], header, *body]


VARIANT_HEADERS = [
    # full-width brackets, 属地-style words, the 18-digit hint, a slash, 联系方式
    [
        "序号",
        "单位名称",
        "统一社会信用代码（18位）",
        "法定代表人/主要负责人",
        "联系方式",
        "所属乡镇（街道）",
        "行业主管部门",
        "所属行业",
        "登记注册类型",
        "企业规模（规上/中等/小微）",
        "企业地址",
    ],
    # half-width brackets and other wordings
    [
        "序号",
        "企业(单位)名称",
        "社会信用代码(18位)",
        "主要负责人姓名",
        "主要负责人联系电话",
        "属地",
        "行业主管单位",
        "国民经济行业分类",
        "登记注册类型",
        "企业规模(三类)",
        "生产经营地址",
    ],
    [
        "序号",
        "生产经营单位名称",
        full_width("统一社会信用代码"),
        "法人代表",
        "手机号码",
        "所在镇（街道）",
        "主管（监管）部门",
        "行业类别（门类）",
        "登记注册类型",
        "企业类型*",
        "经营场所",
    ],
]


@pytest.mark.parametrize("header", VARIANT_HEADERS, ids=["full-width", "half-width", "others"])
def test_a_real_xlsx_with_variant_headers_imports_without_asking(u, header):
    data = xlsx_bytes(rows_under(header), merges=("A1:K1",))
    plan = services.registry_plan(user=u["city_user"], data=data)

    assert plan.header.columns == {key: ORDER.index(key) for key in KEYS}  # 登记注册类型: none
    assert plan.header.ignored == ["序号", "登记注册类型"]
    assert plan.issues == []
    assert [r.display["town"] for r in plan.created] == ["溪美街道", "水头镇"]
    assert [r.values["phone"] for r in plan.created] == ["13912345678", "0595-86381234"]
    assert [r.values["principal"] for r in plan.created] == ["张三", "李四"]
    assert [r.display["size_class"] for r in plan.created] == ["规模以上", "小微"]


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("所属乡镇（街道）", "乡镇街道"),
        ("所属乡镇(街道)", "乡镇街道"),
        ("乡镇/街道", "乡镇街道"),
        ("属地", "乡镇街道"),
        ("镇（街道、开发区）", "乡镇街道"),
        ("所在镇街", "所在乡镇街道"),
        ("统一社会信用代码（18位）", "统一社会信用代码18位"),
        ("［企业名称］", "企业名称"),
        ("所属行业", "行业"),
    ],
)
def test_headers_are_compared_without_brackets_full_width_forms_or_town_words(text, normalized):
    assert normalize_header(text) == normalized


def test_the_registrys_own_name_wins_over_a_variant_of_it():
    found = match_header(["法定代表人", "主要负责人", "主要负责人电话"]).columns
    assert found == {"principal": 1, "phone": 2}


UNKNOWN_HEADER = ["企业名称", "统一社会信用代码", "片区", "归口单位", "行业门类", "企业类型"]


def unknown_rows() -> list[list[Any]]:
    return [
        UNKNOWN_HEADER,
        ["南安市鑫源石材有限公司", C1, "溪美", "应急局", "C", "小微"],
        ["南安市华盛陶瓷有限公司", C2, "水头镇", "应急管理局", "C", "中等"],
    ]


def upload(data: bytes) -> services.PendingImport:
    return services.registry_upload_store(upload=SimpleUploadedFile("台账.xlsx", data))


def test_an_unrecognized_required_column_asks_for_a_mapping_naming_the_columns_found(u):
    pending = upload(xlsx_bytes(unknown_rows()))  # not refused at upload any more
    with pytest.raises(services.ColumnsMissing) as exc:
        services.registry_preview(user=u["dept_user"], pending=pending)
    assert exc.value.message == (
        "第1行表头中没有识别出必需的列：所属乡镇/街道、主管部门。"
        "文件中的列：A列“企业名称”、B列“统一社会信用代码”、C列“片区”、D列“归口单位”、"
        "E列“行业门类”、F列“企业类型”。请为每个必需的列选择文件中对应的列。"
    )
    assert Enterprise.objects.count() == 0


def test_a_saved_mapping_is_applied_to_the_units_next_upload_and_only_to_that_unit(u):
    user = u["dept_user"]
    pending = upload(xlsx_bytes(unknown_rows()))
    header = services.registry_header(user=user, pending=pending)
    chosen = {**header.columns, "town": 2, "department": 3}
    mapping.registry_mapping_save(user=user, header=header, chosen=chosen)

    assert dict(
        RegistryColumnMapping.objects.filter(organization=u["yj"]).values_list("column", "header")
    ) == {"town": "片区", "department": "归口单位"}
    entry = AuditEntry.objects.get(action="anbiao.registry.mapping_saved")
    assert entry.data == {"columns": {"town": "片区", "department": "归口单位"}}
    plan = services.registry_preview(user=user, pending=pending)
    assert plan.issues == [] and len(plan.created) == 2
    assert plan.header.sources["town"] == "saved"

    # the next file of the unit, columns in another order: recognized without asking
    moved = [[r[3], r[2], *r[:2], *r[4:]] for r in unknown_rows()]
    plan = services.registry_plan(user=user, data=xlsx_bytes(moved))
    assert plan.header.columns["town"] == 1 and plan.header.columns["department"] == 0
    assert len(plan.created) == 2

    # another unit has its own mapping (none yet)
    with pytest.raises(services.ColumnsMissing):
        services.registry_plan(user=u["city_user"], data=xlsx_bytes(unknown_rows()))


def test_a_mapping_choice_is_checked_and_a_choice_equal_to_the_guess_is_not_stored(u):
    user = u["dept_user"]
    header = services.registry_header(user=user, pending=upload(xlsx_bytes(unknown_rows())))
    with pytest.raises(ValidationError) as exc:
        mapping.registry_mapping_save(
            user=user, header=header, chosen={**header.columns, "town": 2}
        )
    assert exc.value.message_dict == {"department": ["请选择“主管部门”对应的列。"]}
    with pytest.raises(ValidationError) as exc:
        mapping.registry_mapping_save(
            user=user, header=header, chosen={**header.columns, "town": 2, "department": 2}
        )
    assert exc.value.message_dict == {
        "department": ["C列已对应“所属乡镇/街道”，不能同时对应“主管部门”。"]
    }
    assert not RegistryColumnMapping.objects.exists()

    # "the file has no 地址 column" while the guess found one: remembered as such
    header = services.registry_header(
        user=user, pending=upload(xlsx_bytes([[*UNKNOWN_HEADER, "地址"]] + unknown_rows()[1:]))
    )
    mapping.registry_mapping_save(
        user=user,
        header=header,
        chosen={**header.columns, "town": 2, "department": 3, "address": None},
    )
    saved = mapping.saved_mapping(user=user)
    assert saved == {"town": "片区", "department": "归口单位", "address": ""}
    assert (
        "address"
        not in services.registry_header(
            user=user, pending=upload(xlsx_bytes([[*UNKNOWN_HEADER, "地址"]]))
        ).columns
    )
