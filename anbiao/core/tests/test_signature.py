"""The one decoder of on-screen signatures (checklists, reports, notices' commitments)."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from anbiao.core.signature import MAX_BYTES, PREFIX, decode_canvas_signature


def png(drawn: bool = True, fmt: str = "PNG") -> bytes:
    img = Image.new("RGBA", (120, 40), (0, 0, 0, 0))
    if drawn:
        for x in range(10, 90):
            img.putpixel((x, 20), (0, 0, 0, 255))
    out = io.BytesIO()
    img.convert("RGB" if fmt == "JPEG" else "RGBA").save(out, format=fmt)
    return out.getvalue()


def url(data: bytes) -> str:
    return PREFIX + base64.b64encode(data).decode()


def message(data_url: str, **kw: str) -> str:
    with pytest.raises(ValidationError) as exc:
        decode_canvas_signature(data_url, **kw)
    return exc.value.message_dict["signature"][0]


def test_a_drawn_signature_becomes_a_png_upload() -> None:
    upload = decode_canvas_signature(url(png()), filename="承诺书签名.png")
    assert upload.name == "承诺书签名.png" and upload.content_type == "image/png"
    assert upload.read() == png()


@pytest.mark.parametrize(
    ("data_url", "expected"),
    [
        ("", "请先在签字框内签字。"),
        ("data:image/svg+xml;base64,PHN2Zz4=", "请先在签字框内签字。"),
        (PREFIX + "不是base64!!", "签字图片无法识别，请重新签字。"),
        (url(b"GIF89a not a png"), "签字图片无法识别，请重新签字。"),
        (url(png(fmt="JPEG")), "签字图片无法识别，请重新签字。"),
        (url(png()[:60]), "签字图片无法识别，请重新签字。"),  # truncated
        (url(png(drawn=False)), "签字为空，请在签字框内签字。"),
        (PREFIX + "A" * (MAX_BYTES * 4 // 3 + 8), "签字图片过大，请清除后重新签字。"),
    ],
)
def test_each_refusal_says_what_to_do(data_url: str, expected: str) -> None:
    assert message(data_url) == expected


def test_a_truncated_picture_is_refused_even_after_weasyprint_is_imported() -> None:
    import weasyprint  # noqa: F401 — it lets Pillow load truncated images process-wide

    assert message(url(png()[:60])) == "签字图片无法识别，请重新签字。"


def test_the_page_word_is_used_in_the_message() -> None:
    assert message(url(png(drawn=False)), noun="签名") == "签名为空，请在签名框内签名。"
