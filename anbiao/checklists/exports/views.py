"""Official-layout exports of a checklist: .xlsx, .docx, .pdf, the blank paper form, a print view.

Whoever may view a checklist may export it (404 otherwise); the blank forms of a template
version are open to every business user. Exports of filled checklists are audited.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.http import HttpResponse, HttpResponseBase
from django.template import engines
from django.urls import reverse

from anbiao.checklists.exports import selectors
from anbiao.checklists.exports.docx import render_docx
from anbiao.checklists.exports.exporters import Sheet, blank_sheet, checklist_sheet
from anbiao.checklists.exports.pdf import render_pdf
from anbiao.checklists.exports.xlsx import render_xlsx
from anbiao.core.access import require
from anbiao.core.audit import log_action
from anbiao.core.downloads import serve_generated, serve_stored_file
from anbiao.core.types import AuthedRequest
from anbiao.core.xlsx import XLSX_MIME, attachment_response

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@cache
def _template(name: str):  # noqa: ANN202
    # The templates live inside this package (the checklists app's template folder is owned by
    # another module); they still extend base.html through the project's template engine.
    return engines["django"].from_string((TEMPLATE_DIR / name).read_text("utf-8"))


def _print_template():  # noqa: ANN202
    return _template("print.html")


def _file(sheet: Sheet, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        return attachment_response(
            render_xlsx(sheet), filename=f"{sheet.filename_stem}.xlsx", content_type=XLSX_MIME
        )
    if fmt == "pdf":
        return attachment_response(
            render_pdf(sheet), filename=f"{sheet.filename_stem}.pdf", content_type=PDF_MIME
        )
    return attachment_response(
        render_docx(sheet), filename=f"{sheet.filename_stem}.docx", content_type=DOCX_MIME
    )


def _blank_file(request: AuthedRequest, version: int, fmt: str) -> HttpResponse:
    template = selectors.template_version_get(pk=version)
    sheet = blank_sheet(template)
    render, mime = {
        "xlsx": (render_xlsx, XLSX_MIME),
        "docx": (render_docx, DOCX_MIME),
        "pdf": (render_pdf, PDF_MIME),
    }[fmt]
    return serve_generated(
        request,
        render(sheet),
        filename=f"{sheet.filename_stem}.{fmt}",
        content_type=mime,
        owner=template,
    )


def _checklist_file(request: AuthedRequest, pk: str, fmt: str) -> HttpResponse:
    checklist = selectors.export_checklist_get(user=request.user, pk=pk)
    sheet = checklist_sheet(checklist)
    log_action(checklist, "anbiao.checklist.exported", request=request, data={"format": fmt})
    return _file(sheet, fmt)


@require()
def checklist_xlsx(request: AuthedRequest, pk: str) -> HttpResponse:
    return _checklist_file(request, pk, "xlsx")


@require()
def checklist_docx(request: AuthedRequest, pk: str) -> HttpResponse:
    return _checklist_file(request, pk, "docx")


@require()
def checklist_pdf(request: AuthedRequest, pk: str) -> HttpResponse:
    """The filled (and, once signed, signed) 附件1/附件2 as a PDF: A4 landscape, direct download."""
    return _checklist_file(request, pk, "pdf")


@require()
def checklist_print(request: AuthedRequest, pk: str) -> HttpResponse:
    checklist = selectors.export_checklist_get(user=request.user, pk=pk)
    sheet = checklist_sheet(checklist)
    context = {"sheet": sheet, "checklist": checklist, "signature_url": None}
    if sheet.signature_path:
        context["signature_url"] = reverse("checklist_exports:signature", args=[checklist.pk])
    return HttpResponse(_print_template().render(context, request))


@require()
def checklist_signature(request: AuthedRequest, pk: str) -> HttpResponseBase:
    """The drawn signature image shown in the print view (same scope as the checklist)."""
    from django.http import Http404

    from anbiao.checklists.exports.exporters import latest_signature

    checklist = selectors.export_checklist_get(user=request.user, pk=pk)
    signature = latest_signature(checklist)
    if signature is None or not signature.stored_file.is_image:
        raise Http404("没有签字图片")
    return serve_stored_file(request, signature.stored_file, owner=checklist, inline=True)


@require()
def blank_list(request: AuthedRequest) -> HttpResponse:
    """Every loaded template version with its blank forms (paper filling)."""
    versions = selectors.template_versions()
    return HttpResponse(_template("blank_list.html").render({"versions": versions}, request))


@require()
def blank_xlsx(request: AuthedRequest, version: int) -> HttpResponse:
    return _blank_file(request, version, "xlsx")


@require()
def blank_docx(request: AuthedRequest, version: int) -> HttpResponse:
    return _blank_file(request, version, "docx")


@require()
def blank_pdf(request: AuthedRequest, version: int) -> HttpResponse:
    """The blank paper form as a PDF, with rows tall enough to write in by hand."""
    return _blank_file(request, version, "pdf")


@require()
def blank_print(request: AuthedRequest, version: int) -> HttpResponse:
    sheet = blank_sheet(selectors.template_version_get(pk=version))
    return HttpResponse(_print_template().render({"sheet": sheet, "version": version}, request))
