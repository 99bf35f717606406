"""Evidence uploads: type by content (magic bytes), size limit, images re-encoded, generated names.

Files are stored under MEDIA_ROOT (outside any web root) and served only through views that
first check the scope of the object the file belongs to (see :func:`stored_file_response`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import threading
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.utils.encoding import escape_uri_path

from anbiao.core.models import StoredFile
from anbiao.core.ooxml import refuse_outside_references

if TYPE_CHECKING:
    from anbiao.accounts.models import User

IMAGE_KINDS = {"jpeg", "png", "gif", "webp"}
MAX_IMAGE_PIXELS = 40_000_000
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_RATIO = 100  # uncompressed / compressed: beyond this it is treated as a zip bomb
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    extension: str
    content_type: str


KINDS = {
    "jpeg": Kind("jpeg", "图片", "jpg", "image/jpeg"),
    "png": Kind("png", "图片", "png", "image/png"),
    "gif": Kind("gif", "图片", "png", "image/png"),  # re-encoded as PNG
    "webp": Kind("webp", "图片", "jpg", "image/jpeg"),  # re-encoded as JPEG
    "pdf": Kind("pdf", "PDF", "pdf", "application/pdf"),
    "docx": Kind(
        "docx",
        "Word",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": Kind(
        "xlsx", "Excel", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "doc": Kind("doc", "Word", "doc", "application/msword"),
    "xls": Kind("xls", "Excel", "xls", "application/vnd.ms-excel"),
}
ALLOWED_TEXT = "图片（JPG、PNG）、PDF、Word（.doc/.docx）、Excel（.xls/.xlsx）"


def _ooxml_kind(data: bytes) -> str:
    """A .docx or .xlsx is a zip with a known main part; macros and bombs are refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise ValidationError("压缩包内文件过多，已拒绝。")
            total = sum(i.file_size for i in infos)
            if total > MAX_ZIP_UNCOMPRESSED or total > MAX_ZIP_RATIO * max(len(data), 1):
                raise ValidationError("文件解压后体积异常（疑似压缩炸弹），已拒绝。")
            names = {i.filename for i in infos}
            if any(PurePath(n).is_absolute() or ".." in PurePath(n).parts for n in names):
                raise ValidationError("文件内部路径异常，已拒绝。")
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise ValidationError("不接受含宏的文件（.xlsm/.docm），请另存为不含宏的格式。")
            content_types = (
                zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            )
            if any(m in content_types for m in (b"macroEnabled", b"vbaProject", b"activeX")):
                raise ValidationError("不接受含宏的文件（.xlsm/.docm），请另存为不含宏的格式。")
            for info in infos:
                lower = info.filename.lower()
                if lower.endswith((".xml", ".rels")):
                    _check_xml_part(zf.read(info), relationships=lower.endswith(".rels"))
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except zipfile.BadZipFile as exc:
        raise ValidationError("文件已损坏，无法识别。") from exc
    raise ValidationError(f"不支持的文件类型。只接受{ALLOWED_TEXT}。")


UNSAFE_RELATIONSHIPS = ("/attachedTemplate", "/oleObject", "/frame", "/subDocument")
OLE_MACRO_NAMES = ("_VBA_PROJECT".encode("utf-16-le"), "Macros".encode("utf-16-le"))


def _check_xml_part(data: bytes, *, relationships: bool) -> None:
    """No DTD (XXE, billion laughs) in any encoding; no remote template or OLE link.

    A DTD can only stand in the prolog, before the root element, so a part is parsed only up
    to its root element's start tag; relationship parts (small) are read whole for their
    targets. A registry sheet of 10,000 rows (8 MB of XML) is thus not parsed a second time
    just to find that it has no DTD.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring, iterparse

    try:
        if not relationships:
            for _event, _element in iterparse(io.BytesIO(data), ("start",), forbid_dtd=True):
                return
            return
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ParseError) as exc:
        raise ValidationError("文件包含不安全的 XML 声明，已拒绝。") from exc
    for rel in root.iter(
        "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
    ):
        if rel.get("TargetMode") == "External" and rel.get("Type", "").endswith(
            UNSAFE_RELATIONSHIPS
        ):
            raise ValidationError("文件引用了外部模板或对象，已拒绝。")


def sniff(data: bytes) -> str:
    """The kind of a file from its first bytes; never from its name."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # OLE2: legacy Word or Excel; the exact type is told by the name below
    raise ValidationError(f"不支持的文件类型。只接受{ALLOWED_TEXT}。")


_DECODING = threading.Lock()


@contextlib.contextmanager
def strict_decoding() -> Iterator[None]:
    """Refuse truncated images while we decode an upload.

    WeasyPrint sets Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` when it is
    imported (to be lenient with images in documents); an upload check must not inherit that.
    """
    from PIL import ImageFile

    with _DECODING:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _reencode_image(data: bytes, kind: str) -> tuple[bytes, str]:
    """Decode and re-encode: strips anything appended or embedded (polyglots, EXIF, scripts)."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as opened, strict_decoding():
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            opened.load()
            img = ImageOps.exif_transpose(opened)
            out = io.BytesIO()
            if kind in ("png", "gif"):
                img.save(out, format="PNG", optimize=True)
                return out.getvalue(), "png"
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            img.save(out, format="JPEG", quality=85, comment=b"")
            return out.getvalue(), "jpeg"
    except Image.DecompressionBombError as exc:
        raise ValidationError("图片像素过大，已拒绝。") from exc
    except Exception as exc:  # noqa: BLE001 — any decoder failure means "not a real image"
        raise ValidationError("图片已损坏或不是真实的图片文件。") from exc


def safe_display_name(name: str) -> str:
    """The user's file name for display only: no path parts, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*')
    base = base.lstrip(". ")
    return base[:200] or "文件"


@transaction.atomic
def store_upload(
    upload: UploadedFile,
    *,
    by: User | None,
    organization: Any,
    purpose: str = "",
    images_only: bool = False,
) -> StoredFile:
    """Check an uploaded file and store it under a generated name. Raises ValidationError."""
    limit = settings.ANBIAO_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"文件过大（上限 {limit // (1024 * 1024)} MB）。")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"文件过大（上限 {limit // (1024 * 1024)} MB）。")
    if not data:
        raise ValidationError("文件为空。")
    kind = sniff(data)
    display = safe_display_name(upload.name or "")
    if kind == "doc" and display.lower().endswith(".xls"):
        kind = "xls"
    if kind in ("doc", "xls") and any(name in data for name in OLE_MACRO_NAMES):
        raise ValidationError("不接受含宏的文件，请另存为不含宏的格式。")
    if images_only and kind not in IMAGE_KINDS:
        raise ValidationError("此处只接受图片（JPG、PNG）。")
    if kind in ("docx", "xlsx"):
        # Reviewers open evidence in Office: nothing in it may fetch from outside.
        refuse_outside_references(data)
    if kind in IMAGE_KINDS:
        data, kind = _reencode_image(data, kind)
    info = KINDS[kind]
    stem = PurePath(display).stem or "文件"
    display = f"{stem}.{info.extension}"
    sha256 = hashlib.sha256(data).hexdigest()
    stored = StoredFile(
        original_name=display,
        content_type=info.content_type,
        kind=info.code,
        size=len(data),
        sha256=sha256,
        uploaded_by=by,
        organization=organization,
        purpose=purpose[:50],
    )
    stored.file.save(f"{uuid.uuid4().hex}.{info.extension}", ContentFile(data), save=False)
    stored.save()
    return stored


def stored_file_response(stored: StoredFile, *, inline: bool = False) -> FileResponse:
    """Stream a stored file. Call only after checking the scope of its owner object."""
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    disposition = "inline" if inline and stored.is_image else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{escape_uri_path(stored.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
