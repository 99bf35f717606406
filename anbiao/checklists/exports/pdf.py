"""Render a :class:`~.exporters.Sheet` (filled or blank 附件1/附件2) as a PDF with WeasyPrint.

The same table as the other exports, laid out for paper:

- A4 landscape, the column headings repeated on every page, page numbers at the foot;
- the fonts are the system's Noto CJK (Debian ``fonts-noto-cjk``), embedded in the file;
- a table row is never split across pages (``break-inside: avoid`` on every row): a clause's
  number, text, problems and remarks always stand on one page;
- a short quoted label such as “三张清单” or “回头看” is never broken between lines: it is a
  ``white-space: nowrap`` span (:func:`quoted_parts`); a long quotation (a platform's full name)
  wraps as normal text so it cannot overflow its column;
- the drawn signature sits in place after 主要负责人：（签字）, as an embedded image;
- a blank form (paper filling) has rows at least :data:`BLANK_ROW_MM` tall to write in by hand.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.template import engines

from anbiao.checklists.exports.exporters import Sheet

TEMPLATE = Path(__file__).resolve().parent / "templates" / "pdf.html"
BLANK_ROW_MM = 20
MAX_NOWRAP = 12  # characters between the quotes; longer quotations may wrap
_QUOTED = re.compile(rf"“[^“”\n]{{1,{MAX_NOWRAP}}}”")


@dataclass(frozen=True)
class Part:
    """A piece of text; ``keep`` pieces (short quoted labels) are never broken across lines."""

    text: str
    keep: bool = False


def quoted_parts(text: str) -> list[Part]:
    """``text`` cut into plain pieces and short quoted labels (“三张清单”) to keep whole."""
    parts: list[Part] = []
    at = 0
    for match in _QUOTED.finditer(text):
        if match.start() > at:
            parts.append(Part(text[at : match.start()]))
        parts.append(Part(match.group(0), keep=True))
        at = match.end()
    if at < len(text):
        parts.append(Part(text[at:]))
    return parts


def _lines(text: str) -> list[list[Part]]:
    return [quoted_parts(line) for line in text.split("\n")] if text else []


def _signature_uri(path: str | None) -> str | None:
    if not path:
        return None
    data = Path(path).read_bytes()
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


@cache
def _template():  # noqa: ANN202
    # Kept inside this package like the other export templates (see views._template).
    return engines["django"].from_string(TEMPLATE.read_text("utf-8"))


def render_html(sheet: Sheet) -> str:
    """The HTML WeasyPrint lays out (standalone: no site chrome, styles inline)."""
    rows: list[dict[str, Any]] = [
        {
            "row": row,
            "section": quoted_parts(row.section),
            "item": quoted_parts(row.item),
            "clause": quoted_parts(row.clause),
            "problems": _lines(row.problems),
            "remarks": _lines(row.remarks),
        }
        for row in sheet.rows
    ]
    context = {
        "sheet": sheet,
        "title": quoted_parts(sheet.title),
        "columns": [quoted_parts(c) for c in sheet.columns],
        "rows": rows,
        "signature_uri": _signature_uri(sheet.signature_path),
        "blank_row_mm": BLANK_ROW_MM,
    }
    return _template().render(context)


def render_pdf(sheet: Sheet) -> bytes:
    """The PDF of ``sheet`` as bytes."""
    from weasyprint import HTML

    return HTML(string=render_html(sheet)).write_pdf()
