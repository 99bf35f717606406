"""Every sample of the hostile corpus through ``store_upload``: refused or neutralized.

No evidence upload view exists yet in the foundation (the records and checklists apps add
them); when one lands, add it to ``UPLOAD_VIEWS`` in ``test_upload_views.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from anbiao.core.models import StoredFile
from anbiao.core.uploads import sniff, store_upload, stored_file_response
from tests.security.hostile.corpus import (
    ACTIVE_MARKERS,
    NEUTRALIZE,
    REFUSE,
    SERVE_SAFELY,
    Sample,
    samples,
)

SAMPLES = samples()
CHINESE = re.compile(r"[\u4e00-\u9fff]")
STORED_NAME = re.compile(r"^evidence/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|pdf|docx|xlsx|doc|xls)$")
KIND_EXT = {"png": "png", "jpeg": "jpg", "pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "doc": "doc"}


class _SizeUnknown(UploadedFile):
    """An upload that does not announce its size (a chunked request)."""

    def __init__(self, data: bytes, name: str) -> None:
        import io

        super().__init__(
            io.BytesIO(data), name=name, content_type="application/octet-stream", size=None
        )


def _param(sample: Sample):  # noqa: ANN202
    marks = [pytest.mark.xfail(strict=True, reason=sample.gap)] if sample.gap else []
    return pytest.param(sample, id=sample.id, marks=marks)


def test_the_corpus_has_at_least_a_hundred_hostile_files() -> None:
    assert len(SAMPLES) >= 100
    assert len({s.id for s in SAMPLES}) == len(SAMPLES)


def _upload(sample: Sample) -> UploadedFile:
    data = sample.make()
    if sample.lie_about_size:
        upload: UploadedFile = _SizeUnknown(data, "upload.bin")
    else:
        upload = SimpleUploadedFile("upload.bin", data, content_type="image/png")
    # Django's own UploadedFile keeps only the base name; store_upload must not rely on it
    # (a name may also come from an import or the API), so the raw name is set directly.
    upload._name = sample.name
    return upload


@pytest.mark.django_db
@pytest.mark.parametrize("sample", [_param(s) for s in SAMPLES])
def test_a_hostile_upload_is_refused_or_neutralized(sample: Sample, uploader, settings) -> None:  # noqa: ANN001
    if sample.limit is not None:
        settings.ANBIAO_MAX_UPLOAD_BYTES = sample.limit
    upload = _upload(sample)
    store = lambda: store_upload(  # noqa: E731
        upload,
        by=uploader,
        organization=uploader.organization,
        purpose="安全测试",
        images_only=sample.images_only,
    )
    media = Path(settings.MEDIA_ROOT)

    if sample.expect == REFUSE:
        with pytest.raises(ValidationError) as caught:
            store()
        messages = caught.value.messages
        assert messages and all(CHINESE.search(m) for m in messages), messages
        if "external" in sample.tags:
            # refused for what it is (a reach outside the file), not for a side effect
            assert any("外部" in m for m in messages), messages
        assert StoredFile.objects.count() == 0
        assert not [p for p in media.rglob("*") if p.is_file()], "a refused file was written"
        return

    stored = store()
    stored.refresh_from_db()
    # a generated name inside MEDIA_ROOT, never the user's
    assert STORED_NAME.match(stored.file.name), stored.file.name
    path = Path(stored.file.path).resolve()
    assert path.is_relative_to(media.resolve())
    assert path.suffix == f".{sample.stored_ext}"
    # the display name: no path, no control characters, no markup, the real extension
    display = stored.original_name
    assert "/" not in display and "\\" not in display
    assert not display.startswith("."), display  # a hidden file once downloaded
    assert not re.search(r"[\x00-\x1f\x7f<>\"\u202e]", display), display
    assert display.endswith(f".{sample.stored_ext}") and len(display) <= 210
    data = path.read_bytes()
    assert KIND_EXT[sniff(data)] == sample.stored_ext
    assert stored.size == len(data)

    if sample.expect == NEUTRALIZE:
        lowered = data.lower()
        found = [m for m in ACTIVE_MARKERS if m in lowered]
        assert found == [], f"active content survived: {found}"
        if sample.stored_ext in {"png", "jpg"}:
            from PIL import Image

            with Image.open(path) as img:
                img.verify()
            assert stored.is_image

    if sample.expect == SERVE_SAFELY or sample.expect == NEUTRALIZE:
        response = stored_file_response(stored)
        try:
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response["Content-Security-Policy"]
            assert "default-src 'none'" in response["Content-Security-Policy"]
            assert not response["Content-Type"].startswith(("text/", "image/svg"))
            assert "\n" not in response["Content-Disposition"]
        finally:
            response.close()


@pytest.mark.django_db
def test_an_image_may_be_shown_inline_but_a_pdf_never(uploader) -> None:  # noqa: ANN001
    from tests.security.hostile.corpus import png

    image = store_upload(
        SimpleUploadedFile("a.png", png()), by=uploader, organization=uploader.organization
    )
    pdf = store_upload(
        SimpleUploadedFile("a.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"),
        by=uploader,
        organization=uploader.organization,
    )
    inline_image = stored_file_response(image, inline=True)
    inline_pdf = stored_file_response(pdf, inline=True)
    try:
        assert inline_image["Content-Disposition"].startswith("inline;")
        assert inline_pdf["Content-Disposition"].startswith("attachment;")
        assert inline_pdf["Content-Type"] == "application/pdf"
    finally:
        inline_image.close()
        inline_pdf.close()
