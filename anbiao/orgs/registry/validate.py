"""Turning registry rows into a plan: what will be created, updated, skipped, and every error.

Nothing here writes. Lookups (towns, departments, the existing enterprises named by the file,
the user's scope) are loaded once per file with a handful of queries, never one per row.
Every row goes through the rules the enterprise form applies (the same name, credit-code and
phone functions, the same list of departments) and then through the model's field validation
(``Field.clean`` of every value it sets), so an import cannot store what the form refuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from anbiao.core.validators import normalize_phone, phone_changed, phone_message
from anbiao.orgs.models import Enterprise, IndustrySection, Organization, OrgKind, SizeClass
from anbiao.orgs.normalize import CreditCodeError, check_credit_code, clean_name
from anbiao.orgs.registry import cells as c
from anbiao.orgs.registry.cells import uscc_is_valid
from anbiao.orgs.registry.header import Header
from anbiao.orgs.registry.lookups import Lookups, NameIndex, load_lookups
from anbiao.orgs.registry.results import (
    CREATE,
    ERROR,
    SKIP,
    UPDATE,
    ImportPlan,
    PlannedRow,
    RowIssue,
)
from anbiao.orgs.registry.table import Table, column_letter
from anbiao.orgs.registry_columns import COLUMN_BY_KEY

if TYPE_CHECKING:
    from anbiao.accounts.models import User

__all__ = ["CREATE", "ERROR", "SKIP", "UPDATE", "ImportPlan", "PlannedRow", "plan_import"]

OUT_OF_SCOPE = "不在本单位监管范围"
# The lengths the columns hold, from the models (the form's limits too).
MAX_LENGTHS: dict[str, int] = {
    "name": Organization._meta.get_field("name").max_length or 0,
    "principal": Enterprise._meta.get_field("principal").max_length or 0,
    "phone": Enterprise._meta.get_field("phone").max_length or 0,
    "address": Enterprise._meta.get_field("address").max_length or 0,
}
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
    "credit_code": "credit_code",
    "code": "credit_code",
    "principal": "principal",
    "phone": "phone",
    "town_id": "town",
    "department_id": "department",
    "industry": "industry",
    "size_class": "size_class",
    "address": "address",
}
_MISSING = object()
_REPEATED = frozenset({"town", "department", "industry", "size_class"})


# --- model validation --------------------------------------------------------------------------

# The model fields a row sets (the Organization's name, the Enterprise's own columns).
# Each value goes through ``Field.clean`` — what ``Model.full_clean()`` runs per field — so an
# import stores nothing the model refuses. Foreign keys are resolved from the lists the form
# offers, and uniqueness is decided against the records loaded for the file, so the per-object
# queries of ``full_clean()`` (three per enterprise) are not repeated 10,000 times.
_MODEL_FIELDS = {
    "name": Organization._meta.get_field("name"),
    "credit_code": Enterprise._meta.get_field("credit_code"),
    "principal": Enterprise._meta.get_field("principal"),
    "phone": Enterprise._meta.get_field("phone"),
    "address": Enterprise._meta.get_field("address"),
    "industry": Enterprise._meta.get_field("industry"),
    "size_class": Enterprise._meta.get_field("size_class"),
}
_MODEL_CHECKS = tuple(_MODEL_FIELDS.items())


def _model_message(column_key: str, error: ValidationError) -> str:
    """Django's own messages are not shown to users: each becomes a sentence naming the column."""
    header = COLUMN_BY_KEY[column_key].header
    code = getattr(error, "code", None)
    params = getattr(error, "params", None) or {}
    if code == "max_length":
        return f"{header}过长（最多{params.get('limit_value')}字）"
    if code in ("blank", "null", "required"):
        return f"{header}不能为空"
    if code == "invalid_choice":
        return f"{header}的值无效"
    return f"{header}的内容不符合要求"


def model_issues(row: PlannedRow, lookups: Lookups) -> list[RowIssue]:
    """The model's field validation of every value the row sets (each distinct value of a
    column is checked once per file: the answer depends on the value alone)."""
    found = []
    values = row.values
    checked = lookups.checked
    for key, model_field in _MODEL_CHECKS:
        value = values.get(key, _MISSING)
        if value is _MISSING:
            continue
        seen = checked.setdefault(key, {})
        message = seen.get(value)
        if message is None:
            try:
                model_field.clean(value, None)
                message = ""
            except ValidationError as exc:
                message = _model_message(key, exc.error_list[0])
            seen[value] = message
        if message:
            found.append(RowIssue(key, "", message))
    return found


# --- one row -----------------------------------------------------------------------------------


def _place(
    row: PlannedRow, key: str, index: NameIndex, lookups: Lookups, *, town: bool
) -> tuple[Any, str] | None:
    """Resolve a town or department cell: (pk, its name) or None after reporting why."""
    header = COLUMN_BY_KEY[key].header
    cell = row.cells.get(key, "")
    if not cell:
        row.issues.append(RowIssue(key, "", f"{header}不能为空"))
        return None
    pk = lookups.memo.get((key, cell), _MISSING)
    if pk is _MISSING:
        pk = lookups.memo[(key, cell)] = index.resolve(cell, town=town)
    word = "乡镇/街道" if town else "主管部门"
    if pk is NameIndex.AMBIGUOUS:
        row.issues.append(RowIssue(key, "", f"{word}“{cell}”不明确，请填写全称", cell))
        return None
    if pk is None:
        row.issues.append(RowIssue(key, "", f"未知的{word}“{cell}”", cell))
        return None
    return pk, index.names[pk]


def _phone(row: PlannedRow, raw: Any, lookups: Lookups) -> str | None:
    """The stored form of the phone cell, or None after reporting why.

    A number that breaks the rule but equals the one on record is kept as it is (the file
    re-states what is stored; stored data is not rewritten silently)."""
    normalized = normalize_phone(raw)
    if normalized is not None:
        return normalized
    if c.SCIENTIFIC.match(row.cells["phone"].replace(" ", "")):
        row.issues.append(
            RowIssue("phone", "", "联系电话显示为科学计数法，请把该列设为“文本”格式后重新填写")
        )
        return None
    known = lookups.existing.get(row.credit_code)
    if known is not None and not phone_changed(known["phone"], row.cells["phone"]):
        return str(known["phone"])
    row.issues.append(RowIssue("phone", "", phone_message()))
    return None


def _parse_row(
    row_no: int, cells: list[Any], header: Header, lookups: Lookups
) -> PlannedRow | None:
    """Clean and resolve one row; None for a blank row."""
    width = len(cells)
    raw = {key: cells[index] if index < width else None for key, index in header.columns.items()}
    texts = lookups.texts
    written: dict[str, str] = {}
    for key, value in raw.items():
        if key in _REPEATED:  # a town, a department…: the same few texts on every row
            cleaned = texts.get(value) if isinstance(value, str) else None
            if cleaned is None:
                cleaned = c.text(value)
                if isinstance(value, str):
                    texts[value] = cleaned
        else:
            cleaned = c.text(value)
        written[key] = cleaned
    if not any(written.values()):
        return None
    row = PlannedRow(row_no=row_no, cells=written)
    values, display, issues = row.values, row.display, row.issues

    # 企业名称
    name = c.name(row.cells["name"])
    if not name:
        issues.append(RowIssue("name", "", "企业名称不能为空"))
    elif len(name) > MAX_LENGTHS["name"]:
        issues.append(RowIssue("name", "", f"企业名称过长（最多{MAX_LENGTHS['name']}字）"))
    values["name"] = display["name"] = name

    # 统一社会信用代码
    raw_code = raw.get("credit_code")
    code = c.credit_code(raw_code)
    values["credit_code"] = display["credit_code"] = code
    if c.stored_as_number(raw_code, written.get("credit_code", "")):
        issues.append(
            RowIssue(
                "credit_code",
                "",
                "统一社会信用代码被存成了数字（可能已丢失位数），请把该列设为“文本”格式后重新填写",
            )
        )
    elif not uscc_is_valid(code):
        try:
            check_credit_code(code)
        except CreditCodeError as exc:
            known = lookups.existing.get(code)
            if exc.checksum_only and known is not None and not known["credit_code_checked"]:
                pass  # accepted knowingly in an earlier import: nothing new to decide
            elif exc.checksum_only:
                row.checksum_issue = RowIssue("credit_code", "", exc.message)
            else:
                issues.append(RowIssue("credit_code", "", exc.message))

    # 主要负责人, 联系电话, 地址 (optional columns: a blank cell keeps what is on record)
    for key in ("principal", "phone", "address"):
        if key not in header.columns or not row.cells[key]:
            continue
        if key == "phone":
            value = _phone(row, raw[key], lookups)
            if value is None:
                continue
        else:
            value = c.name(row.cells[key]) if key == "principal" else row.cells[key]
        if len(value) > MAX_LENGTHS[key]:
            issues.append(
                RowIssue(key, "", f"{COLUMN_BY_KEY[key].header}过长（最多{MAX_LENGTHS[key]}字）")
            )
        values[key] = display[key] = value

    # 所属乡镇/街道, 主管部门
    for key, index, field_name, town in (
        ("town", lookups.towns, "town_id", True),
        ("department", lookups.departments, "department_id", False),
    ):
        display[key] = row.cells.get(key, "")
        place = _place(row, key, index, lookups, town=town)
        if place is not None:
            values[field_name], display[key] = place

    # 行业门类
    industry_text = row.cells.get("industry", "")
    if not industry_text:
        issues.append(RowIssue("industry", "", "行业门类不能为空"))
    else:
        parsed = lookups.memo.get(("industry", industry_text))
        if parsed is None:
            parsed = lookups.memo[("industry", industry_text)] = c.parse_industry(
                industry_text, lookups.industry_names
            )
        letter, reason = parsed
        if letter is None:
            issues.append(RowIssue("industry", "", reason))
        else:
            values["industry"] = letter
            display["industry"] = c.INDUSTRY_LABELS[letter]

    # 企业类型
    size_text = row.cells.get("size_class", "")
    if not size_text:
        issues.append(RowIssue("size_class", "", "企业类型不能为空"))
    else:
        size = lookups.memo.get(("size", size_text), _MISSING)
        if size is _MISSING:
            size = lookups.memo[("size", size_text)] = c.parse_size_class(size_text)
        if size is None:
            issues.append(
                RowIssue(
                    "size_class",
                    "",
                    f"无法识别的企业类型“{size_text}”，应为 规模以上、中等 或 小微",
                )
            )
        else:
            values["size_class"] = size
            display["size_class"] = c.SIZE_LABELS[size]

    if not issues:
        issues.extend(model_issues(row, lookups))
    row.present = frozenset(k for k in ROW_FIELDS if k in values)
    return row


def _locate(row: PlannedRow, issue: RowIssue, header: Header) -> None:
    """The column letter of an issue, and the cell's content when none was given."""
    if issue.column_key and issue.column_key in header.columns:
        issue.letter = column_letter(header.columns[issue.column_key])
    if not issue.value:
        issue.value = row.cells.get(issue.column_key, "")[:60]


def _check_scope(row: PlannedRow, lookups: Lookups) -> None:
    """A department imports only its own enterprises, a town only its own; the city anything."""
    if lookups.user_kind == OrgKind.CITY or row.issues:
        return
    existing = lookups.existing.get(row.credit_code)
    if existing is not None and existing["pk"] not in lookups.in_scope:
        row.issues.append(
            RowIssue("credit_code", "", f"该统一社会信用代码的企业已由其他单位登记，{OUT_OF_SCOPE}")
        )
        return
    if lookups.user_kind == OrgKind.DEPARTMENT:
        dept = row.values["department_id"]
        keeps = existing is not None and existing["department_id"] == dept
        if dept not in lookups.own_units and not keeps:
            row.issues.append(
                RowIssue("department", "", f"主管部门“{row.display['department']}”{OUT_OF_SCOPE}")
            )
    elif lookups.user_kind == OrgKind.TOWN:
        town = row.values["town_id"]
        keeps = existing is not None and existing["town_id"] == town
        if town not in lookups.own_units and not keeps:
            row.issues.append(
                RowIssue("town", "", f"所属乡镇/街道“{row.display['town']}”{OUT_OF_SCOPE}")
            )
    else:  # an enterprise or a unit without a kind never imports
        row.issues.append(RowIssue("name", "", OUT_OF_SCOPE))


def _same(key: str, old: Any, new: Any) -> bool:
    if key in ("name", "principal"):
        return clean_name(old) == new
    if key == "phone":
        return not phone_changed(old, new)
    if key == "address":
        return c.text(old).replace(" ", "") == new.replace(" ", "")
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


def _mark_duplicates(rows: list[PlannedRow]) -> dict[int, str]:
    """The same credit code twice in the file: identical rows are skipped (row → reason),
    differing ones refused."""
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
                    RowIssue("credit_code", "", f"统一社会信用代码与第{others}行重复，但内容不同")
                )
    return duplicates


def plan_import(*, table: Table, header: Header, user: User) -> ImportPlan:
    """Classify every data row below the header. Reads the database, writes nothing."""
    data_rows = table.rows[header.row_no :]
    code_index = header.columns["credit_code"]
    codes = [
        c.credit_code(cells[code_index])
        for cells in data_rows
        if code_index < len(cells) and cells[code_index] is not None
    ]
    lookups = load_lookups(user=user, codes=codes)

    rows: list[PlannedRow] = []
    for offset, cells in enumerate(data_rows):
        row = _parse_row(header.row_no + offset + 1, cells, header, lookups)
        if row is not None:
            rows.append(row)
    duplicates = _mark_duplicates(rows)

    for row in rows:
        if row.row_no in duplicates and not row.issues:
            row.action = SKIP
            row.reason = duplicates[row.row_no]
            continue
        _check_scope(row, lookups)
        if row.issues:
            row.action = ERROR
            if row.checksum_issue is not None:
                row.issues.insert(0, row.checksum_issue)
                row.checksum_issue = None
        else:
            _classify(row, lookups)
        for issue in (*row.issues, row.checksum_issue):
            if issue is not None:
                _locate(row, issue, header)
    return ImportPlan(header=header, sheet_name=table.sheet_name, kind=table.kind, rows=rows)
