"""Office files (.docx, .xlsx) that reach outside themselves: refused before they are stored.

Evidence is opened by reviewers in Word, WPS or Excel. A file that makes their program fetch
something when it opens (or when a link is clicked) leaks who read it and when (``http://``)
or the reader's Windows password hash (``file://`` and ``\\\\host\\share`` addresses, answered
with NTLM). The routes are:

- relationships (``*.rels`` parts) with ``TargetMode="External"`` of any type (linked pictures,
  hyperlinks, templates, OLE links, frames, sub-documents, external workbooks), or whose target
  is an address rather than a part of the file;
- parts that are external references by their content type (an ``externalLink``, a data
  ``connections`` part);
- Word fields that fetch or run on open (``INCLUDEPICTURE``, ``INCLUDETEXT``, ``LINK``,
  ``DDE``/``DDEAUTO``, ``IMPORT``, ``DATABASE``) or link outside (``HYPERLINK`` to anything but a bookmark);
- Excel formulas that fetch or call out (``WEBSERVICE``, ``IMAGE``, ``RTD``, ``CALL``,
  ``REGISTER``, ``HYPERLINK`` to an address, DDE ``app|topic!item``).

Each is refused with a Chinese message that names it. Stripping was considered and rejected:
a removed relationship leaves its ``r:id`` dangling (Word then reports the file as damaged),
and evidence should reach the reviewer exactly as the uploader saw it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError

RELATIONSHIP = "Relationship"
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# A target that is an address, not a part name: a scheme (``http:``, ``file:``, ``mailto:``,
# a drive letter ``C:``) or a network path (``\\host``, ``//host``).
ADDRESS = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:|[\\/]{2})")

RELATIONSHIP_LABELS = {
    "hyperlink": "超链接",
    "image": "链接的外部图片",
    "attachedTemplate": "外部模板",
    "oleObject": "链接的外部对象（OLE）",
    "package": "链接的外部文件",
    "externalLinkPath": "外部工作簿链接",
    "frame": "外部框架",
    "subDocument": "外部子文档",
    "audio": "链接的外部音频",
    "video": "链接的外部视频",
}
EXTERNAL_CONTENT_TYPES = {
    "spreadsheetml.externalLink+xml": (
        "文件含有指向其他工作簿的外部链接，打开时会访问外部文件，已拒绝。"
        "请在 Excel 的“数据 → 编辑链接”中断开链接后重新上传。"
    ),
    "spreadsheetml.connections+xml": (
        "文件含有外部数据连接（网页查询或数据库），打开时会访问外部地址，已拒绝。"
        "请删除数据连接（或将数据复制为数值）后重新上传。"
    ),
    "spreadsheetml.queryTable+xml": (
        "文件含有外部数据查询，打开时会访问外部地址，已拒绝。请将数据复制为数值后重新上传。"
    ),
}
FETCHING_FIELDS = {
    "INCLUDEPICTURE",
    "INCLUDETEXT",
    "INCLUDE",
    "LINK",
    "DDE",
    "DDEAUTO",
    "IMPORT",
    "DATABASE",
}
FETCHING_FUNCTIONS = re.compile(
    r"(?<![A-Za-z0-9_.])(?:_xlfn\.)?(WEBSERVICE|IMAGE|RTD|CALL|REGISTER(?:\.ID)?)\s*\(",
    re.IGNORECASE,
)
HYPERLINK_TO_ADDRESS = re.compile(r"HYPERLINK\s*\(\s*\"(?!#)", re.IGNORECASE)
DDE_FORMULA = re.compile(r"^[^\"]*?[A-Za-z0-9_.]+\|")  # app|topic!item, outside a string
ADVICE = "请删除其中的超链接、链接的图片和外部引用（或另存为不含链接的新文件）后重新上传。"


def _shown(target: str) -> str:
    target = "".join(ch for ch in target if ch.isprintable()).strip()
    return target if len(target) <= 60 else target[:57] + "…"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _refuse_relationship(rel_type: str, target: str) -> None:
    kind = RELATIONSHIP_LABELS.get(rel_type.rsplit("/", 1)[-1], "外部引用")
    raise ValidationError(
        f"文件含有指向外部地址的{kind}（{_shown(target)}），打开或点击时会访问该地址，"
        f"可能泄露查看人的账号信息，已拒绝。{ADVICE}"
    )


def check_relationships(root: Any) -> None:
    """Refuse any relationship that leaves the package (parsed ``.rels`` part)."""
    for rel in root.iter():
        if _local(rel.tag) != RELATIONSHIP:
            continue
        target = rel.get("Target", "") or ""
        external = (rel.get("TargetMode", "") or "").strip().lower() == "external"
        if external or ADDRESS.match(target):
            _refuse_relationship(rel.get("Type", "") or "", target)


def check_content_types(root: Any) -> None:
    """Refuse parts that are external references by their declared type."""
    for node in root.iter():
        content_type = node.get("ContentType", "") or ""
        for suffix, message in EXTERNAL_CONTENT_TYPES.items():
            if content_type.endswith(suffix):
                raise ValidationError(message)


def _field_instructions(root: Any) -> Iterator[str]:
    """Every field's instruction text: simple fields and complex ones (split over runs)."""
    for node in root.iter(f"{W_NS}fldSimple"):
        yield node.get(f"{W_NS}instr", "") or ""
    stack: list[list[str]] = []
    for node in root.iter():
        tag = node.tag
        if tag == f"{W_NS}fldChar":
            kind = node.get(f"{W_NS}fldCharType")
            if kind == "begin":
                stack.append([])
            elif kind == "end" and stack:
                yield "".join(stack.pop())
        elif tag == f"{W_NS}instrText" and stack:
            stack[-1].append(node.text or "")
    for pending in stack:  # a field never closed is still evaluated by Word
        yield "".join(pending)


def _hyperlink_target(instruction: str) -> str:
    """The address of a HYPERLINK field; "" when it only jumps to a bookmark (``\\l``)."""
    rest = re.sub(r"\\[lotm]\s+(\"[^\"]*\"|\S+)", " ", instruction.split(None, 1)[-1])
    rest = re.sub(r"\\\S+", " ", rest)
    return rest.strip().strip('"').strip()


def check_fields(root: Any) -> None:
    """Refuse Word fields that fetch, run or link outside the document."""
    for instruction in _field_instructions(root):
        words = instruction.split()
        if not words:
            continue
        name = words[0].upper()
        if name in FETCHING_FIELDS:
            raise ValidationError(
                f"文件含有会访问外部文件或地址的域（{name}），打开时即自动访问，已拒绝。"
                "请在 Word 中全选后按 Ctrl+Shift+F9 把域转为普通文字，再重新上传。"
            )
        if name == "HYPERLINK" and _hyperlink_target(instruction):
            _refuse_relationship("hyperlink", _hyperlink_target(instruction))


def check_formulas(root: Any) -> None:
    """Refuse Excel formulas that fetch from or call outside the workbook."""
    for node in root.iter(f"{S_NS}f"):
        formula = node.text or ""
        found = FETCHING_FUNCTIONS.search(formula)
        name = found.group(1).upper() if found else ""
        if not name and HYPERLINK_TO_ADDRESS.search(formula):
            name = "HYPERLINK"
        if not name and DDE_FORMULA.match(formula):
            name = "DDE"
        if name:
            raise ValidationError(
                f"文件含有访问外部地址或程序的公式（{name}），已拒绝。"
                "请把这些单元格复制后“选择性粘贴为数值”，再重新上传。"
            )


def refuse_outside_references(data: bytes) -> None:
    """Raise ``ValidationError`` when an accepted .docx/.xlsx reaches outside itself.

    Called by :func:`anbiao.core.uploads.store_upload` after the structural checks of
    ``sniff`` (zip bombs, macros, DTDs), for files that are stored and shown to others.
    """
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            name = info.filename.lower()
            if name.endswith(".rels"):
                check_relationships(fromstring(zf.read(info), forbid_dtd=True))
            elif name == "[content_types].xml":
                check_content_types(fromstring(zf.read(info), forbid_dtd=True))
            elif name.startswith("xl/externallinks/"):
                # the part alone is enough: Excel finds it by its name as well as by type
                raise ValidationError(EXTERNAL_CONTENT_TYPES["spreadsheetml.externalLink+xml"])
            elif name == "xl/connections.xml" or name.startswith("xl/querytables/"):
                raise ValidationError(EXTERNAL_CONTENT_TYPES["spreadsheetml.connections+xml"])
            elif name.startswith("word/") and name.endswith(".xml"):
                check_fields(fromstring(zf.read(info), forbid_dtd=True))
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                check_formulas(fromstring(zf.read(info), forbid_dtd=True))
