"""What validating a registry file needs from the database, loaded once per file.

Towns and departments are matched by name after the same normalization on both sides
(:func:`place_key`: full-width forms and brackets, spaces, the 福建省/泉州市/南安市 prefixes), then
by short forms that only one unit has ("溪美" → 溪美街道, "交通局" → 南安市交通运输局). The
departments are every active department-kind unit, sub-units included: the same list the
enterprise edit form offers (``selectors.supervising_departments``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from anbiao.orgs import selectors
from anbiao.orgs.models import Enterprise, OrgKind
from anbiao.orgs.normalize import clean_name
from anbiao.orgs.registry.cells import industry_names
from anbiao.orgs.visibility import enterprise_filter, own_unit_ids

if TYPE_CHECKING:
    from anbiao.accounts.models import User

_PLACE_PREFIXES = ("福建省", "泉州市", "南安市")
_TOWN_SUFFIXES = (
    "街道办事处",
    "街道办",
    "街道",
    "镇人民政府",
    "乡人民政府",
    "人民政府",
    "华侨经济开发区",
    "经济开发区",
    "开发区",
    "镇",
    "乡",
)
_BRACKETS = str.maketrans({"[": "（", "【": "（", "〔": "（", "]": "）", "】": "）", "〕": "）"})
# Common short names of member departments → the name without the 南安市 prefix.
DEPARTMENT_SHORT_NAMES = {
    "应急局": "应急管理局",
    "工信局": "工业和信息化局",
    "住建局": "住房和城乡建设局",
    "交通局": "交通运输局",
    "市场监管局": "市场监督管理局",
    "文旅局": "文体旅游局",
    "卫健局": "卫生健康局",
    "农业局": "农业农村局",
    "农农局": "农业农村局",
    "资源局": "自然资源局",
    "城管局": "城市管理局",
    "消防大队": "消防救援大队",
    "发改局": "发展和改革局",
    "环保局": "生态环境局",
    "生态局": "生态环境局",
    "国资中心": "国有资产服务中心",
}


def place_key(value: str) -> str:
    """A town or department name as compared: half-width letters and digits, full-width
    brackets of one kind, no spaces (“南安市 溪美街道”, "溪美街道(办)" and "溪美街道【办】" agree)."""
    return clean_name(value).translate(_BRACKETS)


def strip_prefixes(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PLACE_PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix) :]
                changed = True
    return text


def town_short(text: str) -> str:
    for suffix in _TOWN_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


class NameIndex:
    """Names → pk, where a short form counts only if exactly one unit has it."""

    AMBIGUOUS = object()

    def __init__(self) -> None:
        self.exact: dict[str, Any] = {}
        self.short: dict[str, Any] = {}
        self.names: dict[Any, str] = {}

    def add_exact(self, key: str, pk: Any) -> None:
        if key:
            self.exact.setdefault(key, pk)

    def add_short(self, key: str, pk: Any) -> None:
        if not key:
            return
        if self.short.get(key, pk) != pk:
            self.short[key] = self.AMBIGUOUS
        else:
            self.short[key] = pk

    def resolve(self, cell: str, *, town: bool) -> Any:
        """pk, None when unknown, or NameIndex.AMBIGUOUS."""
        key = place_key(cell)
        pk = self.exact.get(key)
        if pk is None:
            bare = strip_prefixes(key)
            pk = self.exact.get(bare)
            if pk is None:
                pk = self.short.get(town_short(bare) if town else bare.removeprefix("市"))
        return pk


@dataclass
class Lookups:
    towns: NameIndex
    departments: NameIndex
    industry_names: dict[str, str]
    user_kind: str
    own_units: set[Any]
    existing: dict[str, dict[str, Any]]  # credit code → values of the existing enterprise
    in_scope: set[Any]  # pks of existing enterprises (of this file) in the user's scope
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # text → resolved, per file
    texts: dict[str, str] = field(default_factory=dict)  # a cell as written → cleaned, per file
    checked: dict[str, dict[Any, str]] = field(default_factory=dict)  # column → value → problem


def town_index() -> NameIndex:
    index = NameIndex()
    for pk, name, code in selectors.towns().values_list("pk", "name", "code"):
        full = place_key(name)
        bare = strip_prefixes(full)
        index.names[pk] = name
        index.add_exact(full, pk)
        index.add_exact(bare, pk)
        index.add_exact(code.strip(), pk)  # the administrative code (350583001…)
        index.add_short(town_short(bare), pk)
    return index


def department_index() -> NameIndex:
    index = NameIndex()
    for pk, name in selectors.supervising_departments().values_list("pk", "name"):
        full = place_key(name)
        bare = strip_prefixes(full)
        index.names[pk] = name
        index.add_exact(full, pk)
        index.add_exact(bare, pk)
        index.add_short(bare.removeprefix("市"), pk)
    for short, bare in DEPARTMENT_SHORT_NAMES.items():
        target = index.exact.get(bare)
        if target is not None:
            index.add_short(short, target)
    return index


EXISTING_FIELDS = (
    "pk",
    "credit_code",
    "credit_code_checked",
    "organization__name",
    "principal",
    "phone",
    "address",
    "town_id",
    "town__name",
    "department_id",
    "department__name",
    "industry",
    "size_class",
)


def existing_enterprises(codes: list[str]) -> dict[str, dict[str, Any]]:
    """The enterprises that already hold the file's credit codes, in or out of the user's scope.

    Deliberately unscoped: a code registered by another unit must be refused with a clear
    reason instead of failing on the unique constraint. Out-of-scope records are used only to
    say so (see ``validate._check_scope``); their values are never shown or compared.
    """
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(codes), 900):
        chunk = codes[start : start + 900]
        for row in Enterprise.objects.filter(credit_code__in=chunk).values(*EXISTING_FIELDS):
            item: dict[str, Any] = dict(row)
            item["name"] = item.pop("organization__name")
            found[item["credit_code"]] = item
    return found


def _in_scope(user: User, pks: list[Any]) -> set[Any]:
    org = user.organization
    if org is not None and org.kind == OrgKind.CITY:
        return set(pks)
    found: set[Any] = set()
    for start in range(0, len(pks), 900):
        chunk = pks[start : start + 900]
        found.update(
            Enterprise.objects.filter(enterprise_filter(user), pk__in=chunk).values_list(
                "pk", flat=True
            )
        )
    return found


def load_lookups(*, user: User, codes: Iterable[str]) -> Lookups:
    """Everything validation needs, in a few queries: towns, departments, existing enterprises."""
    existing = existing_enterprises(sorted({c for c in codes if c}))
    org = user.organization
    return Lookups(
        towns=town_index(),
        departments=department_index(),
        industry_names=industry_names(),
        user_kind=org.kind if org is not None else "",
        own_units=own_unit_ids(user),
        existing=existing,
        in_scope=_in_scope(user, [e["pk"] for e in existing.values()]),
    )
