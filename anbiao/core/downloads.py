"""Handing out files, each one recorded in the audit trail (``anbiao.file.downloaded``).

Every view that answers with a file goes through here: :func:`serve_stored_file` for an
uploaded file (evidence, records, notices, commitments, signatures, stamps, reporting files),
:func:`serve_generated` and :func:`serve_workbook` for a file made on the fly that no other
audit entry records. The entry names who took which file, of which object, from which IP and
browser (:mod:`anbiao.core.audit_context`). ``anbiao/core/tests/test_downloads_audited.py``
requests every URL of the access matrices and fails on a file handed out unrecorded.
"""

from __future__ import annotations

import io
from typing import Any

from django.db import models
from django.http import FileResponse, HttpRequest, HttpResponse
from openpyxl import Workbook

from anbiao.core.audit import log_action
from anbiao.core.models import StoredFile
from anbiao.core.uploads import stored_file_response
from anbiao.core.xlsx import XLSX_MIME, attachment_response


def serve_stored_file(
    request: HttpRequest,
    stored: StoredFile,
    *,
    owner: models.Model | None = None,
    inline: bool = False,
) -> FileResponse:
    """Stream an uploaded file and record the download.

    Call only after checking the scope of ``owner`` (the object the file belongs to, named in
    the entry; the file itself when omitted). ``inline`` lets an image show in the page.
    """
    response = stored_file_response(stored, inline=inline)
    data: dict[str, Any] = {
        "file": str(stored.pk),
        "name": stored.original_name,
        "sha256": stored.sha256,
        "size": stored.size,
    }
    if inline and stored.is_image:
        data["shown_inline"] = True
    log_action(
        owner if owner is not None else stored, "anbiao.file.downloaded", request=request, data=data
    )
    return response


def serve_generated(
    request: HttpRequest,
    content: bytes,
    *,
    filename: str,
    content_type: str,
    owner: models.Model | None = None,
) -> HttpResponse:
    """Send a file made for this request (an export, a certificate) and record it."""
    response = attachment_response(content, filename=filename, content_type=content_type)
    log_action(
        owner,
        "anbiao.file.downloaded",
        request=request,
        data={"name": filename, "generated": True, "size": len(content)},
    )
    return response


def serve_workbook(
    request: HttpRequest, wb: Workbook, *, filename: str, owner: models.Model | None = None
) -> HttpResponse:
    """:func:`serve_generated` for an openpyxl workbook."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return serve_generated(
        request, buffer.getvalue(), filename=filename, content_type=XLSX_MIME, owner=owner
    )
