"""Organizations: the city office, member departments, towns/streets/zones, enterprises."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

# Re-exported: the organization vocabulary lives in core (anbiao.core.vocabulary).
from anbiao.core.vocabulary import GOVERNMENT_KINDS as GOVERNMENT_KINDS
from anbiao.core.vocabulary import OrgKind as OrgKind


class IndustrySection(models.TextChoices):
    """GB/T 4754-2017 门类 A–T."""

    A = "A", "A 农、林、牧、渔业"
    B = "B", "B 采矿业"
    C = "C", "C 制造业"
    D = "D", "D 电力、热力、燃气及水生产和供应业"
    E = "E", "E 建筑业"
    F = "F", "F 批发和零售业"
    G = "G", "G 交通运输、仓储和邮政业"
    H = "H", "H 住宿和餐饮业"
    I = "I", "I 信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "J 金融业"
    K = "K", "K 房地产业"
    L = "L", "L 租赁和商务服务业"
    M = "M", "M 科学研究和技术服务业"
    N = "N", "N 水利、环境和公共设施管理业"
    O = "O", "O 居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "P 教育"
    Q = "Q", "Q 卫生和社会工作"
    R = "R", "R 文化、体育和娱乐业"
    S = "S", "S 公共管理、社会保障和社会组织"
    T = "T", "T 国际组织"


class SizeClass(models.TextChoices):
    """“三类企业”."""

    ABOVE = "above", "规模以上"
    MEDIUM = "medium", "中等"
    SMALL = "small", "小微"


class RiskLevel(models.TextChoices):
    RED = "red", "红"
    ORANGE = "orange", "橙"
    YELLOW = "yellow", "黄"
    BLUE = "blue", "蓝"


class StarLevel(models.IntegerChoices):
    NONE = 0, "无"
    ONE = 1, "一星"
    TWO = 2, "二星"
    THREE = 3, "三星"


class Organization(models.Model):
    """Any unit that takes part in the campaign. Government units may have sub-units."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("类型", max_length=16, choices=OrgKind.choices, db_index=True)
    name = models.CharField("名称", max_length=200)
    code = models.CharField(
        "编码",
        max_length=32,
        blank=True,
        help_text="乡镇行政区划代码或部门编码；企业为统一社会信用代码",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.IntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=~Q(kind="enterprise"),
                name="org_unique_government_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_government(self) -> bool:
        return self.kind in GOVERNMENT_KINDS

    @property
    def is_enterprise(self) -> bool:
        return self.kind == OrgKind.ENTERPRISE


class Enterprise(models.Model):
    """The registry (底数台账) record of an enterprise; one-to-one with its Organization."""

    organization = models.OneToOneField(
        Organization,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="enterprise",
        verbose_name="单位",
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    credit_code_checked = models.BooleanField(
        "信用代码校验通过", default=True, help_text="校验位不通过但经用户确认接受的为否"
    )
    principal = models.CharField("主要负责人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=300, blank=True)
    town = models.ForeignKey(
        Organization,
        verbose_name="所属乡镇/街道",
        on_delete=models.PROTECT,
        related_name="located_enterprises",
        limit_choices_to={"kind": OrgKind.TOWN},
    )
    department = models.ForeignKey(
        Organization,
        verbose_name="主管部门",
        on_delete=models.PROTECT,
        related_name="supervised_enterprises",
        limit_choices_to={"kind": OrgKind.DEPARTMENT},
    )
    other_departments = models.ManyToManyField(
        Organization,
        verbose_name="其他监管部门",
        blank=True,
        related_name="co_supervised_enterprises",
        limit_choices_to={"kind": OrgKind.DEPARTMENT},
    )
    industry = models.CharField("行业门类", max_length=1, choices=IndustrySection.choices)
    size_class = models.CharField("企业类型", max_length=8, choices=SizeClass.choices)
    star_level = models.PositiveSmallIntegerField(
        "星级", choices=StarLevel.choices, default=StarLevel.NONE
    )
    risk_level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, blank=True)
    on_regional_platform = models.BooleanField(
        "已纳入泉州市安全生产标准化智慧管理平台", default=False
    )
    is_closed = models.BooleanField("已关闭", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["organization__name"]
        indexes = [
            models.Index(fields=["town", "size_class"]),
            models.Index(fields=["department", "size_class"]),
        ]

    def __str__(self) -> str:
        return self.organization.name

    @property
    def name(self) -> str:
        return self.organization.name


class RegistryColumnMapping(models.Model):
    """Which file column a unit's registry files use for a registry column (底数台账列对应).

    Saved on the import's mapping page and applied to the unit's next uploads before any guess:
    ``header`` is the file's header text, normalized as the import compares headers
    (``orgs.registry.header.normalize_header``); "" means "our files have no such column".
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name="单位",
        on_delete=models.CASCADE,
        related_name="registry_column_mappings",
    )
    column = models.CharField("台账列", max_length=32)
    header = models.CharField("文件中的列名", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "底数台账列对应"
        verbose_name_plural = "底数台账列对应"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "column"], name="registry_mapping_unique_column"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}：{self.column} ← {self.header or '（无）'}"
