import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anbiao.core.uploads import store_upload
from anbiao.orgs.tests.factories import OrganizationFactory


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_a_real_photo_is_reencoded_and_stored_under_a_generated_name() -> None:
    org = OrganizationFactory.create()
    stored = store_upload(
        SimpleUploadedFile("../../现场照片.png", png_bytes() + b"<script>x</script>"),
        by=None,
        organization=org,
    )
    assert stored.original_name == "现场照片.png"
    name = stored.file.name
    assert name is not None and "现场" not in name and ".." not in name
    data = stored.file.open("rb").read()
    assert b"<script>" not in data and data.startswith(b"\x89PNG")
    assert len(stored.sha256) == 64


@pytest.mark.django_db
def test_html_renamed_to_png_is_refused_and_nothing_is_written() -> None:
    from anbiao.core.models import StoredFile

    org = OrganizationFactory.create()
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        store_upload(
            SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>"),
            by=None,
            organization=org,
        )
    assert StoredFile.objects.count() == 0


@pytest.mark.django_db
def test_oversize_files_are_refused(settings) -> None:
    settings.ANBIAO_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="文件过大"):
        store_upload(
            SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"0" * 200),
            by=None,
            organization=OrganizationFactory.create(),
        )


def noisy_png() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((64, 64), 64).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_a_truncated_image_is_refused_even_after_weasyprint_is_imported() -> None:
    import weasyprint  # noqa: F401 — it makes Pillow lenient with truncated images process-wide
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(ValidationError, match="图片已损坏"):
        store_upload(
            SimpleUploadedFile("p.png", noisy_png()[:200]),
            by=None,
            organization=OrganizationFactory.create(),
        )
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's own setting is left as it was
