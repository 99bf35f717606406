"""A signature drawn on screen: the canvas's PNG data URL, checked once for every form.

The checklists (主要负责人签字), the 自查自纠报告 and the notices' commitments (承诺书签名) all
send ``data:image/png;base64,…`` from the same canvas (static/anbiao/js). This decodes it and
refuses, each with a message naming the signature box: nothing sent, not a PNG data URL,
damaged data, more than ``MAX_BYTES``, and a blank canvas (fully transparent: nothing was
drawn). The upload it returns still goes through ``core.uploads.store_upload`` (content check,
re-encoding) like any image.
"""

from __future__ import annotations

import base64
import binascii
import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

PREFIX = "data:image/png;base64,"
MAX_BYTES = 2 * 1024 * 1024


def decode_canvas_signature(
    data_url: str, *, filename: str = "签字.png", noun: str = "签字", field: str = "signature"
) -> SimpleUploadedFile:
    """The PNG of a canvas data URL as an upload, or ValidationError on ``field``.

    ``noun`` is the word the page uses (签字 or 签名), so the message reads as the page does.
    """
    if not data_url or not data_url.startswith(PREFIX):
        raise ValidationError({field: f"请先在{noun}框内{noun}。"})
    encoded = data_url[len(PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise ValidationError({field: f"{noun}图片过大，请清除后重新{noun}。"})
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({field: f"{noun}图片无法识别，请重新{noun}。"}) from exc
    if _blank(raw, field=field, noun=noun):
        raise ValidationError({field: f"{noun}为空，请在{noun}框内{noun}。"})
    return SimpleUploadedFile(filename, raw, content_type="image/png")


def _blank(raw: bytes, *, field: str, noun: str) -> bool:
    from PIL import Image

    from anbiao.core.uploads import strict_decoding

    try:
        with strict_decoding(), Image.open(io.BytesIO(raw)) as img:
            if img.format != "PNG":
                raise ValidationError({field: f"{noun}图片无法识别，请重新{noun}。"})
            img.load()
            return img.convert("RGBA").getchannel("A").getbbox() is None
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 — any decoding failure: not a usable picture
        raise ValidationError({field: f"{noun}图片无法识别，请重新{noun}。"}) from exc
