"""Small real files (PNG, PDF) and stored uploads for the tests of records, enforcement, notices."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from anbiao.core.uploads import store_upload


def png_bytes(size: tuple[int, int] = (8, 8), color: tuple[int, ...] = (200, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def signature_data_url(blank: bool = False) -> str:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (60, 30), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(img).line([(5, 5), (55, 25)], fill=(0, 0, 0, 255), width=3)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_upload(name: str = "佐证.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name: str = "文件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def stored_png(user: Any, name: str = "佐证.png") -> Any:
    return store_upload(png_upload(name), by=user, organization=user.organization, purpose="测试")
