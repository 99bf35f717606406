"""The signed 承诺书 as a document: the commitment text, the enterprise, the signature and the
date, as a printable page and as a PDF for the bulletin board (WeasyPrint, Noto CJK fonts)."""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from anbiao.notices.models import Commitment, SignMethod


def signature_data_uri(commitment: Commitment) -> str | None:
    """The drawn signature (or an image scan) as a data URI: WeasyPrint fetches nothing."""
    stored = commitment.signature_file
    if not stored.is_image:
        return None
    with stored.file.open("rb") as fh:
        data = base64.b64encode(fh.read()).decode()
    return f"data:{stored.content_type};base64,{data}"


def commitment_context(commitment: Commitment) -> dict[str, Any]:
    """What the page and the PDF show, the same for both."""
    deliveries = commitment.deliveries.select_related("notice__issuer").order_by("delivered_at")
    return {
        "c": commitment,
        "paragraphs": [p for p in commitment.text.splitlines() if p.strip()],
        "signature_uri": signature_data_uri(commitment),
        "is_scan": commitment.sign_method == SignMethod.SCAN,
        "issuers": [d.notice.issuer.name for d in deliveries],
    }


def render_commitment_pdf(commitment: Commitment) -> bytes:
    from weasyprint import HTML

    html = render_to_string("notices/commitment_pdf.html", commitment_context(commitment))
    return HTML(string=html).write_pdf()
