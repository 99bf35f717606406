"""Reading an uploaded offline-filling workbook, with the registry import's protections.

The file is untrusted. In order:

1. size (``ANBIAO_MAX_UPLOAD_BYTES``), emptiness, type by content: only a real .xlsx — an .xls,
   a CSV, a Word file or anything else is refused by its bytes, never by its name;
2. :func:`anbiao.core.uploads.sniff`: too many parts, a zip bomb (ratio and total), paths that
   leave the archive, macros (vbaProject, macro-enabled content types, ActiveX), a DTD in any
   XML part (XXE, billion laughs, in any encoding), remote templates and OLE links;
3. each XML part unpacked is at most :data:`MAX_PART_BYTES`; the sheets are parsed with the
   registry import's lxml reader (:mod:`anbiao.orgs.registry.reader`, ADR 0001: no entities, no
   DTD, no network), at most :data:`MAX_ROWS` rows;
4. the hidden identity sheet must be there and its signed token intact (:mod:`.meta`).

Every refusal is a :class:`WorkbookError` with a Chinese message. Nothing here reads the database.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from lxml import etree

from anbiao.checklists.roundtrip import meta
from anbiao.checklists.roundtrip.workbook import (
    COL_CLAUSE,
    COL_KEY,
    COL_PROBLEMS,
    COL_REMARKS,
    COL_RESULT,
    COLUMNS,
    COLUMNS_ROW,
)
from anbiao.core.uploads import sniff
from anbiao.core.xlsx import FORMULA_PREFIXES

# The registry import's hardened sheet parser (lxml, entities refused); its own public reader
# skips hidden sheets, and the identity sheet here is hidden, so the parts are used directly.
from anbiao.orgs.registry.reader import (
    _PKG_REL,
    _REL_NS,
    RegistryFileError,
    _ns,
    _shared_strings,
    _sheet_rows,
    _xml,
)

MAX_PART_BYTES = 16 * 1024 * 1024
MAX_ROWS = 1000
MAX_SHEETS = 20
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NOT_OURS = (
    "这不是从平台下载的离线填写文件（缺少细则标识）。请在细则页面点“离线填写（Excel）”，"
    "下载本单位的离线填写文件，在其中填写后再上传。"
)


class WorkbookError(Exception):
    """The file as a whole cannot be used; ``message`` is Chinese and names what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileRow:
    """One data row as written in the file (values as read; ``row_no`` as Excel numbers it)."""

    row_no: int
    key: Any
    clause_text: Any
    result: Any
    problems: Any
    remarks: Any

    @property
    def has_answer(self) -> bool:
        return any(_present(v) for v in (self.result, self.problems, self.remarks))

    @property
    def is_empty(self) -> bool:
        return not self.has_answer and not _present(self.key) and not _present(self.clause_text)


@dataclass(frozen=True)
class OfflineFile:
    identity: meta.Identity
    sheet_name: str
    rows: list[FileRow]


def _present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def cell_text(value: Any) -> str:
    """A cell as text: line breaks as ``\\n``, the export's formula guard (a leading ``'`` before
    = + - @) taken off again, numbers without a trailing ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES and text[1:2]:
        text = text[1:]
    return text


def check_bytes(data: bytes) -> None:
    """The type and safety checks of an upload (steps 1–2 above); raises WorkbookError."""
    limit = settings.ANBIAO_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise WorkbookError(f"文件过大（上限 {limit // (1024 * 1024)} MB）。")
    if not data:
        raise WorkbookError("文件为空。")
    if data.startswith(OLE2):
        raise WorkbookError(
            "不支持旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为” .xlsx 后上传。"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError("只接受 Excel（.xlsx）文件：请上传从平台下载并填写后的离线填写文件。")
    try:
        kind = sniff(data)
    except ValidationError as exc:
        raise WorkbookError("；".join(exc.messages)) from exc
    if kind != "xlsx":
        raise WorkbookError("只接受 Excel（.xlsx）文件：请上传从平台下载并填写后的离线填写文件。")


def _sheets(zf: zipfile.ZipFile) -> list[tuple[str, str, bool]]:
    """(name, zip path, visible) of every sheet in workbook order."""
    workbook = _xml(zf, "xl/workbook.xml")
    ns = _ns(workbook)
    targets: dict[str | None, str] = {}
    for rel in _xml(zf, "xl/_rels/workbook.xml.rels").iter(_PKG_REL):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    sheets = []
    names = set(zf.namelist())
    for sheet in workbook.iter(ns + "sheet"):
        rid = next((sheet.get(f"{{{r}}}id") for r in _REL_NS if sheet.get(f"{{{r}}}id")), None)
        path = targets.get(rid)
        if path and path in names:
            visible = sheet.get("state") not in ("hidden", "veryHidden")
            sheets.append((sheet.get("name", ""), path, visible))
    if len(sheets) > MAX_SHEETS:
        raise WorkbookError("工作簿中的工作表过多，请上传从平台下载的离线填写文件。")
    return sheets


def _shared_strings_path(zf: zipfile.ZipFile) -> str | None:
    for rel in _xml(zf, "xl/_rels/workbook.xml.rels").iter(_PKG_REL):
        if rel.get("Type", "").endswith("/sharedStrings"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            return posixpath.normpath(path)
    return None


def _cell(row: list[Any], column: int) -> Any:
    return row[column - 1] if len(row) >= column else None


def _heading_row(rows: list[list[Any]]) -> int | None:
    """The 0-based index of the column-headings row among the first ten, or None."""
    wanted = list(COLUMNS)
    for index, row in enumerate(rows[:10]):
        seen = [cell_text(_cell(row, c)).strip() for c in range(1, len(COLUMNS) + 1)]
        if seen[:COL_REMARKS] == wanted[:COL_REMARKS]:
            return index
    return None


def read_offline_file(data: bytes) -> OfflineFile:
    """Read and check an uploaded offline-filling file; raises WorkbookError (Chinese)."""
    check_bytes(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if any(i.file_size > MAX_PART_BYTES for i in zf.infolist()):
                raise WorkbookError("文件内容过大，请上传从平台下载的离线填写文件。")
            sheets = _sheets(zf)
            strings = _shared_strings(zf, _shared_strings_path(zf))
            identity = None
            for _name, path, _visible in sheets:
                rows = _sheet_rows(zf, path, strings)
                if cell_text(_cell(rows[0] if rows else [], 1)).strip() == meta.MAGIC:
                    token = _cell(rows[1], 1) if len(rows) > 1 else None
                    identity = meta.unsign(token)
                    if identity is None:
                        raise WorkbookError(
                            "文件中的细则标识无法核对（可能被修改过）。请重新下载离线填写文件后再填写。"
                        )
                    break
            if identity is None:
                raise WorkbookError(NOT_OURS)
            for name, path, visible in sheets:
                if not visible:
                    continue
                rows = _sheet_rows(zf, path, strings)
                heading = _heading_row(rows)
                if heading is None:
                    continue
                if len(rows) > MAX_ROWS:
                    raise WorkbookError(f"工作表“{name}”行数过多（超过 {MAX_ROWS} 行）。")
                return OfflineFile(identity, name, _data_rows(rows, heading))
    except RegistryFileError as exc:
        raise WorkbookError(exc.message) from exc
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as exc:
        raise WorkbookError("Excel 文件已损坏或格式不正确，无法读取。") from exc
    expected = "、".join(COLUMNS[:COL_REMARKS])
    raise WorkbookError(
        f"没有找到细则表：第 {COLUMNS_ROW} 行应为列名“{expected}”。"
        "请不要插入、删除或移动列，或重新下载离线填写文件。"
    )


def _data_rows(rows: list[list[Any]], heading: int) -> list[FileRow]:
    found = []
    for index in range(heading + 1, len(rows)):
        row = rows[index]
        file_row = FileRow(
            row_no=index + 1,
            key=_cell(row, COL_KEY),
            clause_text=_cell(row, COL_CLAUSE),
            result=_cell(row, COL_RESULT),
            problems=_cell(row, COL_PROBLEMS),
            remarks=_cell(row, COL_REMARKS),
        )
        if not file_row.is_empty:
            found.append(file_row)
    return found
