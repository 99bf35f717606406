"""Turning registry rows into a plan: what will be created, updated, skipped, and every error.

Nothing here writes. Lookups (towns, departments, the existing enterprises named by the file,
the user's scope) are loaded once per file with a handful of queries, never one per row.
"""

from __future__ import annotations

import hashlib
import operator
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from anbiao.core.access import enterprise_filter, own_unit_ids
from anbiao.orgs import selectors
from anbiao.orgs.models import Enterprise, IndustrySection, OrgKind, SizeClass
from anbiao.orgs.normalize import (
    CreditCodeError,
    check_credit_code,
    clean_name,
    clean_text,
    normalize_credit_code,
)
from anbiao.orgs.registry.reader import Header, Table, column_letter
from anbiao.orgs.registry_columns import COLUMN_BY_KEY

if TYPE_CHECKING:
    from anbiao.accounts.models import User

CREATE, UPDATE, SKIP, ERROR = "create", "update", "skip", "error"
ACTION_LABELS = {CREATE: "新增", UPDATE: "更新", SKIP: "跳过", ERROR: "错误"}
OUT_OF_SCOPE = "不在本单位监管范围"

MAX_LENGTHS = {"name": 200, "principal": 50, "phone": 30, "address": 300}
# The fields a registry row sets, in column order; "name" lives on the Organization.
ROW_FIELDS = (
    "name",
    "principal",
    "phone",
    "town_id",
    "department_id",
    "industry",
    "size_class",
    "address",
)
FIELD_COLUMN = {
    "name": "name",
    "principal": "principal",
    "phone": "phone",
    "town_id": "town",
    "department_id": "department",
    "industry": "industry",
    "size_class": "size_class",
    "address": "address",
}

_PLACE_PREFIXES = ("福建省", "泉州市", "南安市")
_TOWN_SUFFIXES = (
    "街道办事处",
    "街道办",
    "街道",
    "镇人民政府",
    "乡人民政府",
    "华侨经济开发区",
    "经济开发区",
    "开发区",
    "镇",
    "乡",
)
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
SIZE_WORDS = {
    "规模以上": SizeClass.ABOVE,
    "规上": SizeClass.ABOVE,
    "规模以上工业": SizeClass.ABOVE,
    "中等": SizeClass.MEDIUM,
    "中型": SizeClass.MEDIUM,
    "中": SizeClass.MEDIUM,
    "小微": SizeClass.SMALL,
    "小型": SizeClass.SMALL,
    "微型": SizeClass.SMALL,
    "小微型": SizeClass.SMALL,
    "小": SizeClass.SMALL,
    "微": SizeClass.SMALL,
}
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_INDUSTRY_CODE = re.compile(r"^([A-Ta-t])(?![A-Za-z])[\s\-—.、:：]*(.*)$")
_PUNCT = re.compile(r"[、，,；;\s]")
_FORMULA_GUARD = ("'=", "'+", "'-", "'@")
_MISSING = object()
INDUSTRY_LABELS = dict(IndustrySection.choices)
SIZE_LABELS = dict(SizeClass.choices)


# --- results -----------------------------------------------------------------------------------


@dataclass
class RowIssue:
    """One problem of one row: the column (as the registry names it, and its letter) and why."""

    column_key: str
    letter: str
    message: str
    value: str = ""

    @property
    def column(self) -> str:
        return COLUMN_BY_KEY[self.column_key].header if self.column_key else ""


@dataclass
class PlannedRow:
    row_no: int  # 1-based, as in the file
    values: dict[str, Any] = field(default_factory=dict)  # resolved: town_id, industry…
    display: dict[str, str] = field(default_factory=dict)  # what the preview shows
    present: frozenset[str] = frozenset()  # fields with a value in the file
    issues: list[RowIssue] = field(default_factory=list)
    checksum_issue: RowIssue | None = None
    action: str = ERROR
    reason: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)
    changed_fields: list[str] = field(default_factory=list)
    existing_pk: Any = None

    @property
    def credit_code(self) -> str:
        return self.values.get("credit_code", "")

    @property
    def name(self) -> str:
        return self.values.get("name", "")

    @property
    def needs_acceptance(self) -> bool:
        return self.action != ERROR and self.checksum_issue is not None

    @property
    def accept_key(self) -> str:
        return f"{self.row_no}:{self.credit_code}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class ImportPlan:
    """Every non-blank data row of the file, classified."""

    header: Header
    sheet_name: str
    kind: str
    rows: list[PlannedRow]

    def _of(self, action: str, pending: bool = False) -> list[PlannedRow]:
        return [r for r in self.rows if r.action == action and r.needs_acceptance == pending]

    @property
    def created(self) -> list[PlannedRow]:
        return self._of(CREATE)

    @property
    def updated(self) -> list[PlannedRow]:
        return self._of(UPDATE)

    @property
    def skipped(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.action == SKIP]

    @property
    def pending(self) -> list[PlannedRow]:
        """Rows whose only problem is a failed check digit: imported only if accepted."""
        return [r for r in self.rows if r.needs_acceptance and r.action in (CREATE, UPDATE)]

    @property
    def error_rows(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.action == ERROR]

    @property
    def issues(self) -> list[tuple[int, RowIssue]]:
        return [(r.row_no, i) for r in self.rows for i in r.issues]

    def to_write(self, accepted: Iterable[str] = ()) -> list[PlannedRow]:
        keys = set(accepted)
        return [
            r
            for r in self.rows
            if r.action in (CREATE, UPDATE) and (not r.needs_acceptance or r.accept_key in keys)
        ]

    def digest(self) -> str:
        """A fingerprint of what the user saw: if it differs at confirm, nothing is written."""
        h = hashlib.sha256()
        for r in self.rows:
            h.update(
                f"{r.row_no}|{r.action}|{r.needs_acceptance}|{r.credit_code}|"
                f"{','.join(r.changed_fields)}\n".encode()
            )
        return h.hexdigest()


# --- lookups -----------------------------------------------------------------------------------


def _strip_prefixes(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PLACE_PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix) :]
                changed = True
    return text


def _town_short(text: str) -> str:
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
        self.exact.setdefault(key, pk)

    def add_short(self, key: str, pk: Any) -> None:
        if self.short.get(key, pk) != pk:
            self.short[key] = self.AMBIGUOUS
        else:
            self.short[key] = pk


@dataclass
class Lookups:
    towns: NameIndex
    departments: NameIndex
    industry_names: dict[str, str]
    user_kind: str
    own_units: set[Any]
    existing: dict[str, dict[str, Any]]  # credit code → values of the existing enterprise
    in_scope: set[Any]  # pks of existing enterprises (of this file) in the user's scope
    memo: dict[tuple[str, str], Any] = field(default_factory=dict)  # text → resolved, per file


def _town_index() -> NameIndex:
    index = NameIndex()
    for pk, name in selectors.towns().values_list("pk", "name"):
        full = clean_name(name)
        index.names[pk] = name
        index.add_exact(full, pk)
        index.add_exact(_strip_prefixes(full), pk)
        index.add_short(_town_short(_strip_prefixes(full)), pk)
    return index


def _department_index() -> NameIndex:
    index = NameIndex()
    for pk, name in selectors.departments().values_list("pk", "name"):
        full = clean_name(name)
        bare = _strip_prefixes(full)
        index.names[pk] = name
        index.add_exact(full, pk)
        index.add_exact(bare, pk)
        index.add_short(bare.removeprefix("市"), pk)
    for short, bare in DEPARTMENT_SHORT_NAMES.items():
        target = index.exact.get(bare)
        if target is not None:
            index.add_short(short, target)
    return index


def _industry_names() -> dict[str, str]:
    names = {}
    for value, label in IndustrySection.choices:
        name = label.split(" ", 1)[1]
        names[_PUNCT.sub("", name)] = value
    return names


def _existing(codes: list[str]) -> dict[str, dict[str, Any]]:
    """The enterprises that already hold the file's credit codes, in or out of the user's scope.

    Deliberately unscoped: a code registered by another unit must be refused with a clear
    reason instead of failing on the unique constraint. Out-of-scope records are used only to
    say so (see ``_check_scope``); their values are never shown or compared.
    """
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(codes), 900):
        chunk = codes[start : start + 900]
        for row in Enterprise.objects.filter(credit_code__in=chunk).values(
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
        ):
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
    existing = _existing(sorted({c for c in codes if c}))
    org = user.organization
    return Lookups(
        towns=_town_index(),
        departments=_department_index(),
        industry_names=_industry_names(),
        user_kind=org.kind if org is not None else "",
        own_units=own_unit_ids(user),
        existing=existing,
        in_scope=_in_scope(user, [e["pk"] for e in existing.values()]),
    )


# --- one row -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """``clean_text``, with a fast path for text that is already clean (most cells)."""
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    if (
        isinstance(value, str)
        and value.isprintable()
        and "  " not in value
        and unicodedata.is_normalized("NFKC", value)
    ):
        text = value.strip()
    else:
        text = clean_text(value)
    if text.startswith(_FORMULA_GUARD):  # our own exports guard formulas with a quote
        text = text[1:]
    return text


_CLEAN_CODE = re.compile(r"^[0-9A-Z]{18}$")


def _credit_code(value: Any) -> str:
    """``normalize_credit_code``, with a fast path for a code that is already clean."""
    if isinstance(value, str) and _CLEAN_CODE.match(value):
        return value
    return normalize_credit_code(_text(value))


def _name(text: str) -> str:
    """``clean_name`` of text that went through ``_text`` already."""
    return text.replace(" ", "").replace("(", "（").replace(")", "）")


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_is_valid(code: str) -> bool:
    """The GB 32100-2015 rules as python-stdnum's ``cn.uscc.validate`` checks them, for a
    normalized code; several times faster. Only codes that fail here go to stdnum (through
    ``check_credit_code``) for the reason; a test holds both to the same answers."""
    if len(code) != 18 or not code[:8].isdigit() or not code.isascii():
        return False
    try:
        total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, code[:17]), _USCC_WEIGHTS))
        return _USCC_VALUE[code[17]] == (31 - total % 31) % 31
    except KeyError:
        return False


def _resolve_place(index: NameIndex, text: str, *, town: bool) -> Any:
    """pk, None when unknown, or NameIndex.AMBIGUOUS."""
    key = _name(text)
    pk = index.exact.get(key)
    if pk is None:
        pk = index.exact.get(_strip_prefixes(key))
    if pk is None:
        bare = _strip_prefixes(key)
        pk = index.short.get(_town_short(bare) if town else bare.removeprefix("市"))
    return pk


def parse_industry(text: str, names: dict[str, str]) -> tuple[str | None, str]:
    """(section letter, "") or (None, Chinese reason)."""
    m = _INDUSTRY_CODE.match(text)
    if m:
        letter, rest = m.group(1).upper(), m.group(2)
        named = names.get(_PUNCT.sub("", rest)) if rest else None
        if named is not None and named != letter:
            return None, f"行业门类代码“{letter}”与名称“{rest}”不一致"
        return letter, ""
    letter = names.get(_PUNCT.sub("", text))
    if letter is None:
        letter = names.get(_PUNCT.sub("", text) + "业")
    if letter is None:
        return None, f"无法识别的行业门类“{text}”，请填写门类字母 A–T 或门类名称（如“C 制造业”）"
    return letter, ""


def parse_size_class(text: str) -> str | None:
    key = clean_name(text).removesuffix("企业").removesuffix("类")
    return SIZE_WORDS.get(key)


def _parse_row(
    row_no: int, cells: list[Any], header: Header, lookups: Lookups
) -> PlannedRow | None:
    """Clean and resolve one row; None for a blank row."""
    raw: dict[str, Any] = {}
    for key, index in header.columns.items():
        raw[key] = cells[index] if index < len(cells) else None
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
        return None
    row = PlannedRow(row_no=row_no)
    values = row.values
    display = row.display

    def issue(key: str, message: str, value: Any = "") -> RowIssue:
        found = RowIssue(key, column_letter(header.columns[key]), message, _text(value)[:60])
        row.issues.append(found)
        return found

    # 企业名称
    name = _name(_text(raw.get("name")))
    if not name:
        issue("name", "企业名称不能为空")
    elif len(name) > MAX_LENGTHS["name"]:
        issue("name", f"企业名称过长（最多{MAX_LENGTHS['name']}字）", name)
    values["name"] = name
    display["name"] = name

    # 统一社会信用代码
    raw_code = raw.get("credit_code")
    code = _credit_code(raw_code)
    values["credit_code"] = code
    display["credit_code"] = code
    if (
        isinstance(raw_code, (int, float))
        and not isinstance(raw_code, bool)
        or (isinstance(raw_code, str) and _SCIENTIFIC.match(_text(raw_code).replace(" ", "")))
    ):
        issue(
            "credit_code",
            "统一社会信用代码被存成了数字（可能已丢失位数），请把该列设为“文本”格式后重新填写",
            raw_code,
        )
    elif not uscc_is_valid(code):
        try:
            check_credit_code(code)
        except CreditCodeError as exc:
            known = lookups.existing.get(code)
            if exc.checksum_only and known is not None and not known["credit_code_checked"]:
                pass  # accepted knowingly in an earlier import: nothing new to decide
            elif exc.checksum_only:
                row.checksum_issue = RowIssue(
                    "credit_code", column_letter(header.columns["credit_code"]), exc.message, code
                )
            else:
                issue("credit_code", exc.message, raw_code)

    # 主要负责人, 联系电话, 地址 (optional columns: a blank cell keeps what is on record)
    for key in ("principal", "phone", "address"):
        if key not in header.columns:
            continue
        text = _text(raw.get(key))
        if key == "principal":
            text = _name(text)
        if key == "phone":
            text = text.replace(" ", "")
            if _SCIENTIFIC.match(text):
                issue("phone", "联系电话显示为科学计数法，请把该列设为“文本”格式后重新填写", text)
        if len(text) > MAX_LENGTHS[key]:
            issue(key, f"{COLUMN_BY_KEY[key].header}过长（最多{MAX_LENGTHS[key]}字）", text)
        if text:
            values[key] = text
            display[key] = text

    # 所属乡镇/街道
    town_text = _text(raw.get("town"))
    display["town"] = town_text
    if not town_text:
        issue("town", "所属乡镇/街道不能为空")
    else:
        pk = lookups.memo.get(("town", town_text), _MISSING)
        if pk is _MISSING:
            pk = lookups.memo[("town", town_text)] = _resolve_place(
                lookups.towns, town_text, town=True
            )
        if pk is NameIndex.AMBIGUOUS:
            issue("town", f"乡镇/街道“{town_text}”不明确，请填写全称", town_text)
        elif pk is None:
            issue("town", f"未知的乡镇/街道“{town_text}”", town_text)
        else:
            values["town_id"] = pk
            display["town"] = lookups.towns.names[pk]

    # 主管部门
    dept_text = _text(raw.get("department"))
    display["department"] = dept_text
    if not dept_text:
        issue("department", "主管部门不能为空")
    else:
        pk = lookups.memo.get(("department", dept_text), _MISSING)
        if pk is _MISSING:
            pk = lookups.memo[("department", dept_text)] = _resolve_place(
                lookups.departments, dept_text, town=False
            )
        if pk is NameIndex.AMBIGUOUS:
            issue("department", f"主管部门“{dept_text}”不明确，请填写全称", dept_text)
        elif pk is None:
            issue("department", f"未知的主管部门“{dept_text}”", dept_text)
        else:
            values["department_id"] = pk
            display["department"] = lookups.departments.names[pk]

    # 行业门类
    industry_text = _text(raw.get("industry"))
    if not industry_text:
        issue("industry", "行业门类不能为空")
    else:
        parsed = lookups.memo.get(("industry", industry_text))
        if parsed is None:
            parsed = lookups.memo[("industry", industry_text)] = parse_industry(
                industry_text, lookups.industry_names
            )
        letter, reason = parsed
        if letter is None:
            issue("industry", reason, industry_text)
        else:
            values["industry"] = letter
            display["industry"] = INDUSTRY_LABELS[letter]

    # 企业类型
    size_text = _text(raw.get("size_class"))
    if not size_text:
        issue("size_class", "企业类型不能为空")
    else:
        size = lookups.memo.get(("size", size_text), _MISSING)
        if size is _MISSING:
            size = lookups.memo[("size", size_text)] = parse_size_class(size_text)
        if size is None:
            issue(
                "size_class",
                f"无法识别的企业类型“{size_text}”，应为 规模以上、中等 或 小微",
                size_text,
            )
        else:
            values["size_class"] = size
            display["size_class"] = SIZE_LABELS[size]

    row.present = frozenset(k for k in ROW_FIELDS if k in values)
    return row


def _check_scope(row: PlannedRow, header: Header, lookups: Lookups) -> None:
    """A department imports only its own enterprises, a town only its own; the city anything."""
    if lookups.user_kind == OrgKind.CITY or row.issues:
        return
    existing = lookups.existing.get(row.credit_code)
    if existing is not None and existing["pk"] not in lookups.in_scope:
        row.issues.append(
            RowIssue(
                "credit_code",
                column_letter(header.columns["credit_code"]),
                f"该统一社会信用代码的企业已由其他单位登记，{OUT_OF_SCOPE}",
                row.credit_code,
            )
        )
        return
    if lookups.user_kind == OrgKind.DEPARTMENT:
        dept = row.values["department_id"]
        keeps = existing is not None and existing["department_id"] == dept
        if dept not in lookups.own_units and not keeps:
            row.issues.append(
                RowIssue(
                    "department",
                    column_letter(header.columns["department"]),
                    f"主管部门“{row.display['department']}”{OUT_OF_SCOPE}",
                    row.display["department"],
                )
            )
    elif lookups.user_kind == OrgKind.TOWN:
        town = row.values["town_id"]
        keeps = existing is not None and existing["town_id"] == town
        if town not in lookups.own_units and not keeps:
            row.issues.append(
                RowIssue(
                    "town",
                    column_letter(header.columns["town"]),
                    f"所属乡镇/街道“{row.display['town']}”{OUT_OF_SCOPE}",
                    row.display["town"],
                )
            )
    else:  # an enterprise or a unit without a kind never imports
        row.issues.append(RowIssue("name", "", OUT_OF_SCOPE))


def _same(key: str, old: Any, new: Any) -> bool:
    if key == "name" or key == "principal":
        return clean_name(old) == new
    if key in ("phone", "address"):
        return _text(old).replace(" ", "") == new.replace(" ", "")
    return old == new


def _display_old(key: str, existing: dict[str, Any]) -> str:
    if key == "town_id":
        return existing["town__name"]
    if key == "department_id":
        return existing["department__name"]
    if key == "industry":
        return IndustrySection(existing["industry"]).label
    if key == "size_class":
        return SizeClass(existing["size_class"]).label
    return str(existing[key] or "")


def _classify(row: PlannedRow, lookups: Lookups) -> None:
    existing = lookups.existing.get(row.credit_code)
    if existing is None:
        row.action = CREATE
        return
    row.existing_pk = existing["pk"]
    for key in ROW_FIELDS:
        if key not in row.present:
            continue
        new = row.values[key]
        if not _same(key, existing[key], new):
            column = FIELD_COLUMN[key]
            row.changed_fields.append(key)
            row.changes.append(
                (COLUMN_BY_KEY[column].header, _display_old(key, existing), row.display[column])
            )
    if row.changed_fields:
        row.action = UPDATE
    else:
        row.action = SKIP
        row.reason = "与系统中的记录相同，无变化"


def _fingerprint(row: PlannedRow) -> tuple[Any, ...]:
    return tuple(row.values.get(k, row.display.get(FIELD_COLUMN[k])) for k in ROW_FIELDS)


def plan_import(*, table: Table, header: Header, user: User) -> ImportPlan:
    """Classify every data row below the header. Reads the database, writes nothing."""
    data_rows = table.rows[header.row_no :]
    codes = []
    code_index = header.columns["credit_code"]
    for cells in data_rows:
        if code_index < len(cells) and cells[code_index] is not None:
            codes.append(_credit_code(cells[code_index]))
    lookups = load_lookups(user=user, codes=codes)

    rows: list[PlannedRow] = []
    for offset, cells in enumerate(data_rows):
        row = _parse_row(header.row_no + offset + 1, cells, header, lookups)
        if row is not None:
            rows.append(row)

    # The same credit code twice in the file: identical rows are skipped, differing ones refused.
    by_code: dict[str, list[PlannedRow]] = {}
    for row in rows:
        if row.credit_code:
            by_code.setdefault(row.credit_code, []).append(row)
    duplicates: dict[int, str] = {}
    for group in by_code.values():
        if len(group) < 2:
            continue
        first = group[0]
        if all(_fingerprint(r) == _fingerprint(first) for r in group[1:]):
            for r in group[1:]:
                duplicates[r.row_no] = f"与第{first.row_no}行完全相同（重复行）"
        else:
            for r in group:
                others = "、".join(str(o.row_no) for o in group if o is not r)
                r.issues.append(
                    RowIssue(
                        "credit_code",
                        column_letter(code_index),
                        f"统一社会信用代码与第{others}行重复，但内容不同",
                        r.credit_code,
                    )
                )

    for row in rows:
        if row.row_no in duplicates and not row.issues:
            row.action = SKIP
            row.reason = duplicates[row.row_no]
            continue
        _check_scope(row, header, lookups)
        if row.issues:
            row.action = ERROR
            if row.checksum_issue is not None:
                row.issues.insert(0, row.checksum_issue)
                row.checksum_issue = None
            continue
        _classify(row, lookups)
    return ImportPlan(header=header, sheet_name=table.sheet_name, kind=table.kind, rows=rows)
