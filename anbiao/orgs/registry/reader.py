"""Reading a registry file (.xlsx or .csv) into rows of cell values (its header: header.py).

The .xlsx reader parses the sheet XML with lxml directly instead of going through openpyxl:
an import reads the file twice (preview, then again at confirm, never trusting the preview), and
openpyxl's per-cell object model would alone eat the time budget (see bench/registry_import.py).
It understands what Excel, WPS and openpyxl write: shared and inline strings, numbers, booleans,
formula results, cells without references, merged ranges (the top-left value fills the range),
hidden sheets and the "strict" OOXML namespace. Entities and DTDs are refused.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
from typing import Any

from lxml import etree

from anbiao.orgs.registry.header import HEADER_SCAN_ROWS, names_registry_columns
from anbiao.orgs.registry.table import RegistryFileError, Table

__all__ = ["RegistryFileError", "Table", "read_csv", "read_table", "read_xlsx"]

MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_PART_BYTES = 100 * 1024 * 1024  # one sheet's XML, unpacked (10,000 rows ≈ 8 MB)

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_REL_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


# --- xlsx --------------------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _xml(zf: zipfile.ZipFile, name: str) -> etree._Element:
    if zf.getinfo(name).file_size > MAX_PART_BYTES:
        raise RegistryFileError("工作表过大，请拆分为多个文件（每个不超过约10万行）后分别导入。")
    data = zf.read(name)
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise RegistryFileError("文件包含不安全的 XML 声明，已拒绝。")
    root = etree.fromstring(data, _parser())
    if root.getroottree().docinfo.doctype:  # a DTD further down or in another encoding
        raise RegistryFileError("文件包含不安全的 XML 声明，已拒绝。")
    return root


def _unescape(text: str) -> str:
    if "_x" in text:
        return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _ns(root: etree._Element) -> str:
    namespace = etree.QName(root).namespace or ""
    if namespace not in _MAIN_NS:
        raise RegistryFileError("文件不是有效的 Excel 工作簿（.xlsx）。")
    return "{" + namespace + "}"


def _shared_strings(zf: zipfile.ZipFile, path: str | None) -> list[str]:
    if not path or path not in zf.namelist():
        return []
    root = _xml(zf, path)
    ns = _ns(root)
    t_tag, r_tag = ns + "t", ns + "r"
    return [_string_item(si, t_tag, r_tag) for si in root.iterchildren(ns + "si")]


def _string_item(node: etree._Element, t_tag: str, r_tag: str) -> str:
    """Text of an <si> or <is>: a direct <t>, or rich-text runs <r><t>; phonetic guides
    (<rPh>) are not part of the value."""
    if len(node) == 1 and node[0].tag == t_tag:
        text = node[0].text or ""
    else:
        parts = []
        for child in node:
            if child.tag == t_tag:
                parts.append(child.text or "")
            elif child.tag == r_tag:
                parts.extend(t.text or "" for t in child.iterchildren(t_tag))
        text = "".join(parts)
    return _unescape(text) if "_x" in text else text


def _workbook_parts(zf: zipfile.ZipFile) -> tuple[list[tuple[str, str]], str | None]:
    """Visible sheets in workbook order as (name, zip path), and the shared-strings path."""
    workbook = _xml(zf, "xl/workbook.xml")
    ns = _ns(workbook)
    rels_root = _xml(zf, "xl/_rels/workbook.xml.rels")
    targets = {}
    shared = None
    for rel in rels_root.iter(_PKG_REL):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        path = posixpath.normpath(path)
        targets[rel.get("Id")] = path
        if rel.get("Type", "").endswith("/sharedStrings"):
            shared = path
    sheets = []
    for sheet in workbook.iter(ns + "sheet"):
        if sheet.get("state") in ("hidden", "veryHidden"):
            continue
        rid = next((sheet.get(f"{{{r}}}id") for r in _REL_NS if sheet.get(f"{{{r}}}id")), None)
        path = targets.get(rid)
        if path and path in zf.namelist():
            sheets.append((sheet.get("name", ""), path))
    return sheets, shared


def _cell_text(cell: etree._Element, v_tag: str) -> str | None:
    """The <v> of a cell (after an optional <f> formula)."""
    if not len(cell):
        return None
    last = cell[-1]
    if last.tag == v_tag:
        return last.text or ""
    return cell.findtext(v_tag)


def _sheet_rows(zf: zipfile.ZipFile, path: str, strings: list[str]) -> list[list[Any]]:
    root = _xml(zf, path)
    ns = _ns(root)
    v_tag, row_tag, t_tag, r_tag = ns + "v", ns + "row", ns + "t", ns + "r"
    rows: list[list[Any]] = []
    columns: dict[str, int] = {}  # "AB" → 27, computed once per letter combination
    n_strings = len(strings)
    for row in root.iter(row_tag):
        r = row.get("r")
        row_index = int(r) - 1 if r and r.isdigit() else len(rows)
        if row_index < len(rows):  # rows out of order (never written by Excel): keep the first
            continue
        if row_index >= MAX_ROWS:
            raise RegistryFileError(
                f"工作表行数过多（超过{MAX_ROWS}行），请拆分为多个文件后分别导入。"
            )
        while len(rows) < row_index:
            rows.append([])
        values: list[Any] = []
        append = values.append
        for cell in row:
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = columns.get(letters)
                if col is None:
                    valid = 0 < len(letters) <= 3 and letters.isascii() and letters.isupper()
                    col = columns[letters] = _column_index(letters) if valid else -1
                if col > len(values):
                    if col >= MAX_COLUMNS:  # far to the right of any registry column
                        continue
                    values.extend([None] * (col - len(values)))
            kind = cell.get("t")
            value: Any
            if kind == "inlineStr":
                value = _string_item(cell[0], t_tag, r_tag) if len(cell) else ""
            else:
                text = _cell_text(cell, v_tag)
                if text is None:
                    value = None
                elif kind == "s":
                    value = strings[int(text)] if text.isdigit() and int(text) < n_strings else ""
                elif kind is None or kind == "n":
                    try:
                        value = int(text) if text.isdigit() else float(text)
                    except ValueError:
                        value = text
                elif kind == "b":
                    value = text == "1"
                else:  # "str" (formula result), "e" (#N/A…), "d" (ISO date)
                    value = _unescape(text)
            append(value)
        rows.append(values)
    _fill_merged(root, ns, rows)
    return rows


def _fill_merged(root: etree._Element, ns: str, rows: list[list[Any]]) -> None:
    """A merged range shows its top-left value in every cell (vertically merged towns…)."""
    for merge in root.iter(ns + "mergeCell"):
        ref = merge.get("ref", "")
        if ":" not in ref:
            continue
        start, end = ref.split(":", 1)
        m1, m2 = _CELL_REF.match(start), _CELL_REF.match(end)
        if not m1 or not m2:
            continue
        c1, r1 = _column_index(m1.group(1)), int(m1.group(2)) - 1
        c2, r2 = _column_index(m2.group(1)), int(m2.group(2)) - 1
        if r1 >= len(rows) or r2 - r1 > 100_000 or c2 - c1 > 200:
            continue
        top = rows[r1]
        value = top[c1] if c1 < len(top) else None
        if value is None:
            continue
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c2:
                row.extend([None] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                if row[c] is None:
                    row[c] = value


def read_xlsx(data: bytes) -> Table:
    """The first visible sheet that has a registry header (or the first visible sheet)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        sheets, shared = _workbook_parts(zf)
        if not sheets:
            raise RegistryFileError("工作簿中没有可见的工作表。")
        strings = _shared_strings(zf, shared)
        first: Table | None = None
        for name, path in sheets:
            table = Table(rows=_sheet_rows(zf, path, strings), sheet_name=name, kind="xlsx")
            if first is None:
                first = table
            if names_registry_columns(table):
                return table
        assert first is not None
        return first
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as exc:
        raise RegistryFileError("Excel 文件已损坏或格式不正确，无法读取。") from exc


# --- csv ---------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (what Chinese Excel saves)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise RegistryFileError(
            "无法识别 CSV 文件的编码，请另存为“CSV UTF-8（逗号分隔）”后重新上传。"
        ) from exc


def read_csv(data: bytes) -> Table:
    text = decode_text(data)
    if "\x00" in text:
        raise RegistryFileError("文件不是文本格式的 CSV，无法读取。")
    sample = text[:8192].splitlines()[: HEADER_SCAN_ROWS + 2]
    delimiter = max((",", "\t", ";"), key=lambda d: sum(line.count(d) for line in sample))
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return Table(rows=[[v if v != "" else None for v in r] for r in rows], kind="csv")


def read_table(data: bytes) -> Table:
    """Read an .xlsx or .csv registry by its content (never by its name)."""
    if not data:
        raise RegistryFileError("文件为空。")
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise RegistryFileError(
            "不支持旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为” .xlsx 或 .csv 后上传。"
        )
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff")):
        raise RegistryFileError("只接受 Excel（.xlsx）或 CSV 文件。")
    return read_csv(data)
