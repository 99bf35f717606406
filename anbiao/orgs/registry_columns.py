"""The registry (底数台账) columns, shared by import and export so that an export re-imports cleanly."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 16


REGISTRY_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "企业名称",
        ("单位名称", "企业（单位）名称", "企业单位名称", "名称", "企业全称"),
        True,
        36,
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        ("社会信用代码", "信用代码", "统一信用代码", "统一社会信用代码（18位）", "组织机构代码"),
        True,
        22,
    ),
    Column(
        "principal", "主要负责人", ("负责人", "法定代表人", "法人代表", "企业负责人"), False, 12
    ),
    Column("phone", "联系电话", ("电话", "手机", "手机号", "联系方式", "负责人电话"), False, 16),
    Column(
        "town",
        "所属乡镇/街道",
        ("所属乡镇", "乡镇", "乡镇（街道）", "所属乡镇（街道）", "属地", "乡镇街道", "所在乡镇"),
        True,
        16,
    ),
    Column(
        "department",
        "主管部门",
        ("行业主管部门", "监管部门", "主管（监管）部门", "行业监管部门"),
        True,
        18,
    ),
    Column("industry", "行业门类", ("行业", "所属行业", "国民经济行业门类", "行业类别"), True, 22),
    Column(
        "size_class", "企业类型", ("企业分类", "三类企业", "企业规模", "类型", "规模"), True, 10
    ),
    Column("address", "地址", ("企业地址", "经营地址", "注册地址", "详细地址"), False, 40),
)

COLUMN_BY_KEY = {c.key: c for c in REGISTRY_COLUMNS}
