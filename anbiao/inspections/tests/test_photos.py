"""Trustworthy site photos: the watermark burned in (time, inspector, unit, position), the
original kept beside it with both SHA-256, EXIF orientation respected, the original for the
inspecting unit and the city office only, and the inspector's photos out of the inspected
enterprise's reach."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageFont

from anbiao.core.models import StoredFile
from anbiao.inspections import photos, services
from anbiao.inspections.models import FindingPhoto, Inspection
from anbiao.inspections.tests.helpers import client_for, inspection
from anbiao.rectification.models import EvidenceStage, Problem, ProblemEvidence

pytestmark = pytest.mark.django_db

BLUE = (180, 200, 220)


def jpeg(
    size: tuple[int, int] = (800, 600),
    *,
    orientation: int | None = None,
    taken: str | None = None,
    offset: str | None = None,
    gps: bool = False,
) -> bytes:
    img = Image.new("RGB", size, BLUE)
    img.paste((200, 30, 30), (0, 0, size[0] // 4, size[1] // 4))  # a red mark: top left
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        sub = exif.get_ifd(photos.EXIF_IFD)
        sub[photos.DATETIME_ORIGINAL] = taken
        if offset:
            sub[photos.OFFSET_TIME_ORIGINAL] = offset
    if gps:
        g = exif.get_ifd(photos.GPS_IFD)
        g[1], g[2], g[3], g[4] = "N", (24.0, 57.0, 40.32), "E", (118.0, 23.0, 11.76)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=95, exif=exif)
    return out.getvalue()


def upload(data: bytes, name: str = "valve.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def add(
    by: Any, insp: Inspection, data: bytes, *, location: str = "", text: str = "阀门锈蚀"
) -> FindingPhoto:
    finding = services.finding_add(
        by=by, inspection=insp, description=text, photos=[upload(data)], location=location
    )
    return finding.photos.get()


def read(stored: StoredFile | None) -> bytes:
    assert stored is not None
    with stored.file.open("rb") as fh:
        return fh.read()


def shown(photo: FindingPhoto) -> Image.Image:
    return Image.open(io.BytesIO(read(photo.stored_file)))


def dark_and_light(img: Image.Image) -> tuple[int, int]:
    low, high = cast("tuple[int, int]", img.convert("L").getextrema())
    return low, high


def facts_of(photo: FindingPhoto) -> photos.PhotoFacts:
    assert photo.taken_at and photo.latitude is not None and photo.longitude is not None
    position = photos.Position(photo.latitude, photo.longitude, photo.accuracy_m, "browser")
    return photos.PhotoFacts(photo.taken_at, photo.taken_at_source, position)


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- the watermark ---------------------------------------------------------------------------


def test_the_watermark_font_is_noto_sans_cjk_sc_and_writes_chinese(cjk_font: None) -> None:
    font, chinese = photos.watermark_font(24)
    assert chinese and isinstance(font, ImageFont.FreeTypeFont)
    assert font.getname()[0] == "Noto Sans CJK SC"
    # a real glyph, not the empty box of a missing one
    assert font.getmask("鑫").getbbox() != font.getmask("\U0010fffd").getbbox()


def test_a_photo_is_kept_as_it_came_and_shown_with_the_watermark_burned_in(
    w: dict, cjk_font: None
) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    data = jpeg(taken="2026:03:01 10:23:45", gps=True)
    photo = add(grid, insp, data, location="24.961200,118.386600,15")

    # the original: the very bytes the phone sent, with their SHA-256, EXIF GPS included
    assert photo.original_file is not None
    assert read(photo.original_file) == data
    assert photo.original_sha256 == hashlib.sha256(data).hexdigest() == photo.original_file.sha256
    # the copy everyone sees: its own SHA-256, and no metadata at all (GPS stripped)
    copy = read(photo.stored_file)
    assert photo.sha256 == hashlib.sha256(copy).hexdigest() == photo.stored_file.sha256
    img = shown(photo)
    assert not img.getexif() and "exif" not in img.info
    assert img.size == (800, 600)

    # the facts: the phone's time read as Beijing time, the browser's position
    assert photo.taken_at == dt.datetime(2026, 3, 1, 2, 23, 45, tzinfo=dt.UTC)
    assert photo.taken_at_source == "exif"
    assert (str(photo.latitude), str(photo.longitude), photo.accuracy_m) == (
        "24.961200",
        "118.386600",
        15,
    )
    assert photo.position_source == "browser"

    facts = facts_of(photo)
    lines = photos.watermark_lines(facts, by=grid, inspection=insp)
    assert lines == [
        "照片拍摄时间：2026-03-01 10:23:45（北京时间）",
        f"检查人：{grid.full_name}（溪美街道）",
        "被检查单位：鑫源石材",
        "位置：北纬 24.961200° 东经 118.386600°（±15 米，手机定位）",
    ]
    # exactly these lines burned into the pixels of the upright photo
    font, _ = photos.watermark_font(max(12, round(600 / 40)))
    expected = photos.burn(Image.open(io.BytesIO(data)).convert("RGB"), lines, font)
    out = io.BytesIO()
    expected.save(out, format="JPEG", quality=88)
    assert copy == out.getvalue()
    # the band at the bottom: dark with white letters; the top of the photo untouched
    low, high = dark_and_light(img.crop((0, 480, 800, 600)))
    assert low < 60 and high > 200
    red = cast("tuple[int, int, int]", img.getpixel((10, 10)))
    blue = cast("tuple[int, int, int]", img.getpixel((700, 20)))
    assert red[0] > 150 and blue[2] > 180


def test_exif_orientation_is_respected(w: dict) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    # stored sideways with "rotate 90° clockwise to view": the red mark ends top right
    photo = add(grid, insp, jpeg((800, 600), orientation=6))
    img = shown(photo)
    assert img.size == (600, 800)
    r, g, b = cast("tuple[int, int, int]", img.getpixel((560, 40)))
    assert r > 150 and g < 100 and b < 100
    # the original stays as it came, orientation tag included
    assert Image.open(io.BytesIO(read(photo.original_file))).getexif().get(0x0112) == 6


def test_without_a_browser_position_the_photos_gps_is_used_and_an_offset_is_honoured(
    w: dict,
) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    photo = add(grid, insp, jpeg(taken="2026:03:01 10:23:45", offset="+00:00", gps=True))
    assert (str(photo.latitude), str(photo.longitude)) == ("24.961200", "118.386600")
    assert photo.position_source == "exif" and photo.accuracy_m is None
    assert timezone.localtime(photo.taken_at).strftime("%H:%M") == "18:23"


def test_a_phone_clock_ahead_of_ours_gives_the_upload_time_and_no_position_is_none(
    w: dict,
) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y:%m:%d %H:%M:%S")
    before = timezone.now()
    photo = add(grid, insp, jpeg(taken=future), location="定位失败")
    assert photo.taken_at_source == "upload"
    assert photo.taken_at is not None and before <= photo.taken_at <= timezone.now()
    assert not photo.has_position and photo.position_source == ""


def test_a_tiny_photo_gets_the_band_below_it_so_no_text_is_cut(w: dict) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    photo = add(grid, insp, jpeg((40, 30)), location="24.9,118.3")
    img = shown(photo)
    assert img.width == 40 and img.height > 30


def test_without_the_cjk_font_the_watermark_is_written_in_latin_letters(
    w: dict, settings: Any, tmp_path: Path
) -> None:
    settings.ANBIAO_WATERMARK_FONT = str(tmp_path / "missing.ttc")
    font, chinese = photos.watermark_font(20)
    assert not chinese
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    photo = add(grid, insp, jpeg(), location="24.961200,118.386600,15")
    facts = facts_of(photo)
    lines = photos.watermark_lines(facts, by=grid, inspection=insp, chinese=False)
    assert all(line.isascii() for line in lines)
    assert lines[1] == f"Inspector: {grid.username}"
    assert lines[2] == f"Inspected: {w['ent'].credit_code}"
    assert lines[3] == "GPS 24.961200N 118.386600E +/-15m"
    low, high = dark_and_light(shown(photo).crop((0, 500, 800, 600)))
    assert low < 60 and high > 200


def test_a_broken_or_disguised_photo_is_refused_and_nothing_is_stored(w: dict) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    for bad, message in (
        (jpeg()[:300], "图片已损坏或不是真实的图片文件。"),
        (b"%PDF-1.7\n%%EOF", "此处只接受图片（JPG、PNG）。"),
    ):
        with pytest.raises(Exception) as exc:
            add(grid, insp, bad)
        assert f"第 1 张照片：{message}" in str(exc.value)
    assert not FindingPhoto.objects.exists() and not StoredFile.objects.exists()


def test_a_payload_appended_to_a_photo_never_reaches_the_shown_copy(w: dict) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    payload = b"<script>alert(1)</script>"
    photo = add(grid, insp, jpeg() + payload)
    assert payload not in read(photo.stored_file)
    assert read(photo.original_file).endswith(payload)  # kept as it came…
    c = client_for(grid)
    r = c.get(reverse("inspections:photo_original", args=[insp.pk, photo.pk]))
    # …and only ever served as a download, never rendered
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment;")
    assert r["X-Content-Type-Options"] == "nosniff" and "sandbox" in r["Content-Security-Policy"]
    assert body(r).endswith(payload)


# --- who gets the original ------------------------------------------------------------------


def test_the_original_is_for_the_inspecting_unit_and_the_city_office_only(w: dict) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    data = jpeg(gps=True)
    photo = add(grid, insp, data)
    services.inspection_complete(by=grid, inspection=insp)
    url = reverse("inspections:photo_original", args=[insp.pk, photo.pk])
    for who in ("grid", "city"):
        r = client_for(w["u"][who]).get(url)
        assert r.status_code == 200 and body(r) == data
    ent = client_for(w["u"]["ent"])
    assert ent.get(url).status_code == 404
    # the enterprise sees the watermarked copy, and no link to the original
    r = ent.get(reverse("inspections:photo_file", args=[insp.pk, photo.pk]))
    assert body(r) == read(photo.stored_file)
    page = ent.get(reverse("inspections:inspection_detail", args=[insp.pk])).content.decode()
    assert photo.original_sha256 in page and url not in page
    assert (
        url
        in client_for(grid)
        .get(reverse("inspections:inspection_detail", args=[insp.pk]))
        .content.decode()
    )


# --- the enterprise cannot remove the inspector's photo ----------------------------------------


def test_the_enterprise_cannot_delete_the_inspectors_photo_but_adds_its_own_evidence(
    w: dict,
) -> None:
    from anbiao.rectification import services as rectification
    from anbiao.rectification.tests.helpers import plan
    from anbiao.rectification.tests.helpers import png_upload as after_png

    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    photo = add(grid, insp, jpeg(), text="阀门锈蚀，已渗漏")
    services.inspection_complete(by=grid, inspection=insp)
    problem = Problem.objects.get(inspection=insp)
    before = ProblemEvidence.objects.get(problem=problem, stage=EvidenceStage.BEFORE)
    assert before.stored_file_id == photo.stored_file_id  # the watermarked copy
    assert before.added_by_other_unit

    ent_user = w["u"]["ent"]
    c = client_for(ent_user)
    detail = reverse("rectification:problem_detail", args=[problem.pk])
    page = c.get(detail).content.decode()
    remove = reverse("rectification:evidence_remove", args=[before.pk])
    assert remove not in page and "溪美街道上传，不能删除" in page
    r = c.post(remove, follow=True)
    html = r.content.decode()
    assert "由其他单位（如检查单位）上传，责任单位不能删除或替换" in html
    assert "已删除" not in html
    assert ProblemEvidence.objects.filter(pk=before.pk).exists()
    # nor through the service
    with pytest.raises(Exception, match="责任单位不能删除或替换"):
        rectification.problem_evidence_remove(by=ent_user, evidence=before)

    # the enterprise adds its own 整改后 evidence, and may remove that one
    rectification.problem_plan_save(by=ent_user, problem=problem, data=plan())
    rectification.problem_transition(by=ent_user, problem=problem, action="start")
    r = c.post(
        reverse("rectification:evidence_add", args=[problem.pk]),
        {"stage": EvidenceStage.AFTER, "file": after_png()},
    )
    assert r.status_code == 302
    own = ProblemEvidence.objects.get(problem=problem, stage=EvidenceStage.AFTER)
    assert not own.added_by_other_unit
    rectification.problem_evidence_remove(by=ent_user, evidence=own)
    assert list(ProblemEvidence.objects.filter(problem=problem)) == [before]
