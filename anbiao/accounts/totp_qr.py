"""The QR code of the TOTP setup page, drawn here (segno, pure Python): no outside service."""

from __future__ import annotations

import segno


def qr_png_data_uri(text: str) -> str:
    """A PNG of ``text`` as a QR code (error correction M), as a ``data:`` URI for an ``<img>``.

    The page's Content-Security-Policy allows ``data:`` images; nothing leaves the server.
    """
    return segno.make(text, error="m").png_data_uri(scale=5, border=4)
