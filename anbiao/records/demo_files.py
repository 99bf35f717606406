"""Small real evidence files for demo data (a PNG picture and a one-page PDF), made in code."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from anbiao.core.uploads import store_upload


def demo_png(label: int = 0, size: tuple[int, int] = (160, 100)) -> bytes:
    """A small picture; ``label`` varies the colour so files differ (and their sha256)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (240, 242, 245))
    draw = ImageDraw.Draw(img)
    colour = ((label * 53) % 200, (label * 97) % 200, 120)
    draw.rectangle([10, 10, size[0] - 10, size[1] - 10], outline=colour, width=4)
    draw.line([(20, size[1] - 25), (size[0] - 20, 25)], fill=colour, width=3)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def demo_signature_png(label: int = 0) -> bytes:
    """A transparent PNG with a scribble, like the one the signature pad posts."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (300, 110), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    points = [(20 + i * 26, 60 + ((i + label) % 3 - 1) * 28) for i in range(11)]
    draw.line(points, fill=(17, 17, 17, 255), width=4)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def demo_pdf(title: str = "demo") -> bytes:
    """A valid one-page PDF (ASCII text only; enough for a demo attachment)."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def store_demo_file(
    data: bytes,
    name: str,
    *,
    organization: Any,
    by: Any = None,
    purpose: str = "演示",
    images_only: bool = False,
) -> Any:
    upload = SimpleUploadedFile(name, data)
    return store_upload(
        upload, by=by, organization=organization, purpose=purpose, images_only=images_only
    )
