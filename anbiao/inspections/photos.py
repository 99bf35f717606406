"""On-site photos that can be trusted: the phone's file kept, a watermarked copy shown.

For each photo an inspector uploads (:func:`photo_store`):

1. the upload is checked like every upload (size, type by content, a strict full decode) and
   kept byte for byte as it came (``FindingPhoto.original_file``, EXIF and all), so that its
   SHA-256 is the one of the phone's file;
2. its facts are read: the time — EXIF ``DateTimeOriginal`` (Asia/Shanghai unless the photo
   states its offset), or the upload time when the photo has none or a clock ahead of ours —
   and the position: the browser's geolocation when the inspector allowed it, else the
   photo's EXIF GPS;
3. a copy is drawn upright (EXIF orientation applied) with the watermark burned into its pixels
   — time (北京时间), inspector and inspecting unit, inspected unit, position when known — and
   saved as a JPEG **without any metadata**: the copy everyone sees carries no EXIF (GPS
   included); the position it shows is the one written on it.

The text is set in Noto Sans CJK (Debian ``fonts-noto-cjk``). Without that font the watermark
is written in Latin letters only (time, position, the inspector's user name, the inspected
unit's credit code or code) with Pillow's own font, so a photo is never stored unmarked.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from anbiao.core.models import StoredFile
from anbiao.core.uploads import (
    IMAGE_KINDS,
    MAX_IMAGE_PIXELS,
    safe_display_name,
    sniff,
    strict_decoding,
)
from anbiao.inspections.models import PositionSource, TakenAtSource

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from PIL import Image as PILImage
    from PIL import ImageFont

    from anbiao.accounts.models import User
    from anbiao.inspections.models import Inspection

FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
# the faces of the collection are JP, KR, SC, TC, HK: Simplified Chinese forms
FONT_FACE = "Noto Sans CJK SC"
CLOCK_SLACK = dt.timedelta(minutes=5)  # a phone clock this far ahead of ours is still believed
# the original as it came: its own type and extension (not re-encoded)
ORIGINAL_TYPES = {
    "jpeg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
    "gif": ("gif", "image/gif"),
    "webp": ("webp", "image/webp"),
}
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 36867, 36881


@dataclass(frozen=True)
class Position:
    latitude: Decimal
    longitude: Decimal
    accuracy_m: int | None
    source: str  # PositionSource

    def text(self) -> str:
        lat = f"{'北纬' if self.latitude >= 0 else '南纬'} {abs(self.latitude):.6f}°"
        lon = f"{'东经' if self.longitude >= 0 else '西经'} {abs(self.longitude):.6f}°"
        how = PositionSource(self.source).label
        acc = f"±{self.accuracy_m} 米，" if self.accuracy_m is not None else ""
        return f"{lat} {lon}（{acc}{how}）"

    def latin(self) -> str:
        ns = "N" if self.latitude >= 0 else "S"
        ew = "E" if self.longitude >= 0 else "W"
        acc = f" +/-{self.accuracy_m}m" if self.accuracy_m is not None else ""
        return f"GPS {abs(self.latitude):.6f}{ns} {abs(self.longitude):.6f}{ew}{acc}"


@dataclass(frozen=True)
class PhotoFacts:
    taken_at: dt.datetime
    taken_at_source: str  # TakenAtSource
    position: Position | None


_BROWSER = re.compile(
    r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)(?:\s*,\s*(\d+(?:\.\d+)?))?\s*$"
)


def _position(lat: Any, lon: Any, accuracy: Any, source: str) -> Position | None:
    try:
        la = Decimal(str(lat)).quantize(Decimal("0.000001"))
        lo = Decimal(str(lon)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None
    if not (-90 <= la <= 90 and -180 <= lo <= 180) or (la == 0 and lo == 0):
        return None
    acc = None
    if accuracy not in (None, ""):
        try:
            acc = min(int(round(float(accuracy))), 100_000)
        except (TypeError, ValueError):
            acc = None
    return Position(la, lo, acc, source)


def parse_browser_position(text: str | None) -> Position | None:
    """The hidden field the page's script fills from the browser's geolocation:
    ``"纬度,经度[,精度米]"``. Anything else (empty: not allowed, not supported) is no position;
    the photo is stored without one."""
    m = _BROWSER.match(text or "")
    if not m:
        return None
    return _position(m.group(1), m.group(2), m.group(3), PositionSource.BROWSER)


def _ratio(value: Any) -> float:
    if isinstance(value, tuple):  # (numerator, denominator) in older EXIF readers
        return value[0] / value[1] if value[1] else 0.0
    return float(value)


def _exif_position(exif: Any) -> Position | None:
    try:
        gps = exif.get_ifd(GPS_IFD)
        lat_ref, lat, lon_ref, lon = gps.get(1), gps.get(2), gps.get(3), gps.get(4)
        if not (lat and lon and lat_ref and lon_ref):
            return None

        def degrees(dms: Any) -> float:
            d, m, s = (_ratio(x) for x in dms)
            return d + m / 60 + s / 3600

        la = degrees(lat) * (-1 if str(lat_ref).upper().startswith("S") else 1)
        lo = degrees(lon) * (-1 if str(lon_ref).upper().startswith("W") else 1)
    except (TypeError, ValueError, ZeroDivisionError, KeyError, AttributeError):
        return None
    return _position(f"{la:.6f}", f"{lo:.6f}", None, PositionSource.EXIF)


def _exif_time(exif: Any) -> dt.datetime | None:
    try:
        sub = exif.get_ifd(EXIF_IFD)
        raw = str(sub.get(DATETIME_ORIGINAL) or "").strip("\x00 ")
        if not raw:
            return None
        naive = dt.datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
        offset = str(sub.get(OFFSET_TIME_ORIGINAL) or "").strip("\x00 ")
    except (ValueError, TypeError, AttributeError):
        return None
    if re.fullmatch(r"[+-]\d{2}:\d{2}", offset):
        sign = 1 if offset[0] == "+" else -1
        tz = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        return naive.replace(tzinfo=tz)
    # no offset: a phone in this city keeps Asia/Shanghai time
    return timezone.make_aware(naive, timezone.get_default_timezone())


def photo_facts(
    exif: Any, *, browser: Position | None, now: dt.datetime | None = None
) -> PhotoFacts:
    """The time and position of a photo (see the module docstring for the order)."""
    now = now or timezone.now()
    taken = _exif_time(exif)
    if taken is not None and taken <= now + CLOCK_SLACK:
        taken_at, source = taken, TakenAtSource.EXIF
    else:
        taken_at, source = now, TakenAtSource.UPLOAD
    return PhotoFacts(taken_at, source, browser or _exif_position(exif))


# --- the watermark -----------------------------------------------------------------------------


@functools.cache
def _font_index(path: str) -> int | None:
    """The Simplified Chinese face of the collection (None: the font file is missing)."""
    from PIL import ImageFont

    if not Path(path).exists():
        return None
    for index in range(10):
        try:
            face = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        if face.getname()[0] == FONT_FACE:
            return index
    return 0


def watermark_font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """(the font, whether it writes Chinese): Noto Sans CJK SC, else Pillow's own."""
    from PIL import ImageFont

    path = getattr(settings, "ANBIAO_WATERMARK_FONT", FONT_PATH)
    index = _font_index(path)
    if index is None:
        return ImageFont.load_default(size), False
    return ImageFont.truetype(path, size, index=index), True


def watermark_lines(
    facts: PhotoFacts, *, by: User, inspection: Inspection, chinese: bool = True
) -> list[str]:
    """The text burned into the photo."""
    local = timezone.localtime(facts.taken_at, timezone.get_default_timezone())
    if chinese:
        label = TakenAtSource(facts.taken_at_source).label
        lines = [
            f"{label}：{local:%Y-%m-%d %H:%M:%S}（北京时间）",
            f"检查人：{by.display_name}（{inspection.inspector.name}）",
            f"被检查单位：{inspection.target.name}",
        ]
        if facts.position is not None:
            lines.append(f"位置：{facts.position.text()}")
        return lines
    target = getattr(getattr(inspection.target, "enterprise", None), "credit_code", "")
    lines = [
        f"{local:%Y-%m-%d %H:%M:%S} UTC+08:00 ({facts.taken_at_source})",
        f"Inspector: {by.username}",
        f"Inspected: {target or inspection.target.code or inspection.target_id}",
    ]
    if facts.position is not None:
        lines.append(facts.position.latin())
    return lines


def _wrap(text: str, font: Any, width: float) -> list[str]:
    out, line = [], ""
    for ch in text:
        if line and font.getlength(line + ch) > width:
            out.append(line)
            line = ch.lstrip() if ch == " " else ch
        else:
            line += ch
    return [*out, line] if line else out


def burn(img: PILImage.Image, lines: list[str], font: Any) -> PILImage.Image:
    """The image with the lines written on a dark band across its bottom. A photo too small to
    hold the band inside it gets the band below it instead (the text is never cut)."""
    from PIL import Image, ImageDraw

    size = font.size if hasattr(font, "size") else 12
    pad = max(4, size // 2)
    wrapped = [w for line in lines for w in _wrap(line, font, img.width - 2 * pad)]
    step = int(size * 1.35)
    band = 2 * pad + step * len(wrapped)
    if band > img.height * 0.4:
        canvas = Image.new("RGB", (img.width, img.height + band), (0, 0, 0))
        canvas.paste(img, (0, 0))
        top = img.height
    else:
        canvas = img.copy()
        top = img.height - band
    shade = Image.new("RGBA", (img.width, band), (0, 0, 0, 150))
    canvas.paste(shade, (0, top), shade)
    draw = ImageDraw.Draw(canvas)
    for n, text in enumerate(wrapped):
        y = top + pad + n * step
        draw.text((pad + 1, y + 1), text, font=font, fill=(0, 0, 0))
        draw.text((pad, y), text, font=font, fill=(255, 255, 255))
    return canvas


# --- storing -----------------------------------------------------------------------------------


def _read_checked(upload: UploadedFile) -> tuple[bytes, str, PILImage.Image]:
    """The upload's bytes, its kind and the decoded image; the same refusals as every upload."""
    from PIL import Image

    limit = settings.ANBIAO_MAX_UPLOAD_BYTES
    too_big = f"文件过大（上限 {limit // (1024 * 1024)} MB）。"
    if upload.size is not None and upload.size > limit:
        raise ValidationError(too_big)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(too_big)
    if not data:
        raise ValidationError("文件为空。")
    kind = sniff(data)
    if kind not in IMAGE_KINDS:
        raise ValidationError("此处只接受图片（JPG、PNG）。")
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with strict_decoding():
            opened = Image.open(io.BytesIO(data))
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            opened.load()
    except Image.DecompressionBombError as exc:
        raise ValidationError("图片像素过大，已拒绝。") from exc
    except Exception as exc:  # noqa: BLE001 — any decoder failure means "not a real image"
        raise ValidationError("图片已损坏或不是真实的图片文件。") from exc
    return data, kind, opened


def photo_check(upload: UploadedFile) -> None:
    """Refuse a photo that :func:`photo_store` would refuse (same checks and messages), before
    anything is written; the upload is rewound for storing."""
    _read_checked(upload)
    upload.seek(0)


def _save(
    data: bytes,
    *,
    name: str,
    kind: str,
    ext: str,
    content_type: str,
    by: User,
    org: Any,
    purpose: str,
) -> StoredFile:
    stored = StoredFile(
        original_name=name,
        content_type=content_type,
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
        organization=org,
        purpose=purpose,
    )
    stored.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
    stored.save()
    return stored


@dataclass(frozen=True)
class StoredPhoto:
    """What :func:`photo_store` wrote: the fields of a ``FindingPhoto``."""

    stored_file: StoredFile
    original_file: StoredFile
    facts: PhotoFacts

    def fields(self) -> dict[str, Any]:
        p = self.facts.position
        return {
            "stored_file": self.stored_file,
            "sha256": self.stored_file.sha256,
            "original_file": self.original_file,
            "original_sha256": self.original_file.sha256,
            "taken_at": self.facts.taken_at,
            "taken_at_source": self.facts.taken_at_source,
            "latitude": p.latitude if p else None,
            "longitude": p.longitude if p else None,
            "accuracy_m": p.accuracy_m if p else None,
            "position_source": p.source if p else "",
        }


def photo_store(
    upload: UploadedFile, *, by: User, inspection: Inspection, browser: Position | None
) -> StoredPhoto:
    """Check one uploaded photo, keep it as it came and store its watermarked copy (both owned
    by the inspecting unit). Raises ValidationError with a Chinese message."""
    from PIL import Image, ImageOps

    data, kind, opened = _read_checked(upload)
    facts = photo_facts(opened.getexif(), browser=browser)
    img = ImageOps.exif_transpose(opened)
    if img.mode in ("RGBA", "LA", "PA", "P"):  # transparency: flattened on white
        rgba = img.convert("RGBA")
        img = Image.new("RGB", rgba.size, (255, 255, 255))
        img.paste(rgba, mask=rgba.getchannel("A"))
    else:
        img = img.convert("RGB")
    font, chinese = watermark_font(max(12, round(min(img.width, img.height) / 40)))
    marked = burn(img, watermark_lines(facts, by=by, inspection=inspection, chinese=chinese), font)
    out = io.BytesIO()
    marked.save(out, format="JPEG", quality=88)  # no exif=: the copy carries no metadata
    stem = Path(safe_display_name(upload.name or "")).stem or "现场照片"
    ext, content_type = ORIGINAL_TYPES[kind]
    original = _save(
        data,
        name=f"{stem}-原图.{ext}",
        kind=kind,
        ext=ext,
        content_type=content_type,
        by=by,
        org=inspection.inspector,
        purpose="inspection_photo_original",
    )
    shown = _save(
        out.getvalue(),
        name=f"{stem}.jpg",
        kind="jpeg",
        ext="jpg",
        content_type="image/jpeg",
        by=by,
        org=inspection.inspector,
        purpose="inspection_photo",
    )
    return StoredPhoto(shown, original, facts)
