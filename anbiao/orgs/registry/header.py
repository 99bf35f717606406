"""Finding a registry's header row and which file column holds which registry column.

Real registries name their columns in many ways. A header text is compared after
:func:`normalize_header`; a column is recognized by an exact name first, then by how the header
ends ("主要负责人电话" is a phone), begins ("企业名称（全称）") or what it contains. What the
user's unit chose on the mapping page (``saved``: registry column key → normalized header, or
"" for "the file has no such column") is applied before any guessing.

A file whose required columns are not all recognized is not refused here: the header is still
returned (``missing_required()``), and the preview asks the user to map the missing columns.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from anbiao.orgs.registry.table import RegistryFileError, Table, column_letter
from anbiao.orgs.registry_columns import REGISTRY_COLUMNS, Column

HEADER_SCAN_ROWS = 10
MIN_HEADER_MATCHES = 3
AUTO, SAVED = "auto", "saved"

_HEADER_JUNK = re.compile(
    r"[\s()（）\[\]【】{}<>〈〉《》「」/／\\|、,，;；:：*＊·•.。_\-—~～'\"“”‘’?？!！#＃]"
)
# 所属乡镇 = 乡镇; the words for a town, in any order and number, are one word
_DROPPED = re.compile(r"所属")
_TOWN_WORDS = re.compile(r"(?:乡镇|街道|属地|开发区|办事处|乡|镇|街)+")
TOWN_WORD = "乡镇街道"
# A header ending with one of these names the column whatever comes before it
# ("主要负责人联系电话", "企业注册地址"); short generic words such as 类型 or 名称 are not here
# because "登记注册类型" or "行业名称" would be taken for the wrong column.
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "phone": ("电话", "手机", "手机号", "手机号码", "联系方式", "联系电话"),
    "address": ("地址",),
    "principal": ("负责人", "法定代表人"),
    "credit_code": ("信用代码",),
    "department": ("主管部门", "监管部门"),
}
_MIN_AFFIX = 3  # names shorter than this match only exactly


def normalize_header(value: object) -> str:
    """Header text without full-width forms, spaces, brackets or punctuation; 所属 dropped and
    the town words (乡镇/街道/镇/乡/属地/镇街…) folded into one."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _HEADER_JUNK.sub("", text)
    text = _DROPPED.sub("", text)
    return _TOWN_WORDS.sub(TOWN_WORD, text)


@dataclass
class Header:
    """Where the header is and which column holds which registry field."""

    row_no: int  # 1-based, as in the file
    columns: dict[str, int]  # registry column key → 0-based column index
    labels: dict[str, str]  # registry column key → the header text as written in the file
    ignored: list[str] = field(default_factory=list)  # headers that are not registry columns
    cells: list[str] = field(default_factory=list)  # every header cell, as written
    sources: dict[str, str] = field(default_factory=dict)  # key → AUTO or SAVED

    def missing_required(self) -> list[Column]:
        return [c for c in REGISTRY_COLUMNS if c.required and c.key not in self.columns]

    def found(self) -> list[str]:
        """The file's non-empty header cells as "B列“单位名称”", in file order."""
        return [f"{column_letter(i)}列“{text}”" for i, text in enumerate(self.cells) if text]

    def signature(self) -> str:
        """Which file column each registry column comes from (part of the preview's digest)."""
        return ",".join(f"{k}={i}" for k, i in sorted(self.columns.items()))


@functools.cache
def _names() -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str]]]:
    """(exact name → key, affix names longest first, suffix words longest first)."""
    # the registry's own header names first: a file with both "主要负责人" and "法定代表人"
    # takes the former for 主要负责人
    exact: dict[str, str] = {normalize_header(c.header): c.key for c in REGISTRY_COLUMNS}
    affix: list[tuple[str, str]] = []
    for column in REGISTRY_COLUMNS:
        for name in (column.header, *column.aliases):
            normalized = normalize_header(name)
            exact.setdefault(normalized, column.key)
            if len(normalized) >= _MIN_AFFIX:
                affix.append((normalized, column.key))
    suffixes = [(normalize_header(w), k) for k, words in _SUFFIXES.items() for w in words]
    return (
        exact,
        sorted(affix, key=lambda item: -len(item[0])),
        sorted(suffixes, key=lambda item: -len(item[0])),
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def match_header(cells: Iterable[Any], saved: Mapping[str, str] | None = None) -> Header:
    """Map one row of header cells to registry columns.

    The unit's saved choices first, then exact names, then by ending, beginning and containment;
    each registry column is taken by the first header that matches, each header used once.
    """
    cell_list = [_text(c) for c in cells]
    normalized = [normalize_header(c) for c in cell_list]
    exact, affix, suffixes = _names()
    columns: dict[str, int] = {}
    sources: dict[str, str] = {}
    used: set[int] = set()
    excluded: set[str] = set()
    for key, wanted in (saved or {}).items():
        if not wanted:
            excluded.add(key)  # the user said: the file has no such column
            continue
        index = next((i for i, t in enumerate(normalized) if t == wanted and i not in used), None)
        if index is not None:
            columns[key], sources[key] = index, SAVED
            used.add(index)

    def free(key: str) -> bool:
        return key not in columns and key not in excluded

    canonical = {normalize_header(c.header) for c in REGISTRY_COLUMNS}
    pending: list[int] = []
    for first_pass in (True, False):
        for index, text in enumerate(normalized):
            if not text or index in used or (first_pass and text not in canonical):
                continue
            named = exact.get(text)
            if named is not None and free(named):
                columns[named], sources[named] = index, AUTO
                used.add(index)
            elif not first_pass:
                pending.append(index)
    rules = (
        (suffixes, str.endswith),
        (affix, str.endswith),
        (affix, str.startswith),
        (affix, str.__contains__),
    )
    for names, matches in rules:
        still: list[int] = []
        for index in pending:
            text = normalized[index]
            guess = next(
                (k for name, k in names if matches(text, name) and free(k) and text != name), None
            )
            if guess is None:
                still.append(index)
            else:
                columns[guess], sources[guess] = index, AUTO
        pending = still
    return Header(
        row_no=0,
        columns=columns,
        labels={key: cell_list[index] for key, index in columns.items()},
        ignored=[cell_list[i] for i in pending],
        cells=cell_list,
        sources=sources,
    )


def _text_cells(cells: list[Any]) -> int:
    """How many cells hold text that is not a number (a header's cells are words)."""
    count = 0
    for value in cells:
        if isinstance(value, str) and value.strip():
            try:
                float(value)
            except ValueError:
                count += 1
    return count


def names_registry_columns(table: Table) -> bool:
    """Whether a row among the first ten names at least three registry columns by itself."""
    return any(
        len(match_header(cells).columns) >= MIN_HEADER_MATCHES
        for cells in table.rows[:HEADER_SCAN_ROWS]
    )


def find_header(table: Table, saved: Mapping[str, str] | None = None) -> Header:
    """The header row among the first ten (title rows may sit above it).

    The row that names the most registry columns, when it names at least three; otherwise the
    row with the most recognized columns among those shaped like a header (at least three words,
    and at least half as many as the widest row), so that the user can map its columns.
    Raises RegistryFileError, naming what the first rows hold, when no row looks like a header.
    """
    scanned = table.rows[:HEADER_SCAN_ROWS]
    headers = []
    for index, cells in enumerate(scanned):
        header = match_header(cells, saved)
        header.row_no = index + 1
        headers.append(header)
    best = max(headers, key=lambda h: len(h.columns), default=None)
    if best is not None and len(best.columns) >= MIN_HEADER_MATCHES:
        return _first_best(headers, best)
    widest = max((_text_cells(cells) for cells in scanned), default=0)
    shaped = [
        h
        for h, cells in zip(headers, scanned, strict=True)
        if _text_cells(cells) >= max(MIN_HEADER_MATCHES, (widest + 1) // 2)
    ]
    if shaped:
        return _first_best(shaped, max(shaped, key=lambda h: len(h.columns)))
    seen = [t for cells in scanned for t in (_text(c) for c in cells) if t][:20]
    found = f"文件前10行中的内容：{'、'.join(seen)}。" if seen else "文件前10行是空的。"
    raise RegistryFileError(
        "未找到表头：前10行中没有包含“企业名称”“统一社会信用代码”“所属乡镇/街道”等列名的行。"
        f"{found}请确认表头在前10行内。"
    )


def _first_best(headers: list[Header], best: Header) -> Header:
    """The first row with as many recognized columns as the best (a title row never ties)."""
    return next(h for h in headers if len(h.columns) == len(best.columns))


def missing_message(header: Header) -> str:
    """Why the file cannot be previewed yet: the missing required columns and those found."""
    missing = "、".join(c.header for c in header.missing_required())
    return (
        f"第{header.row_no}行表头中没有识别出必需的列：{missing}。"
        f"文件中的列：{'、'.join(header.found()) or '（无）'}。"
        "请为每个必需的列选择文件中对应的列。"
    )
