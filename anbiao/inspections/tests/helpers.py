"""Builders for inspection tests."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from anbiao.inspections import services
from anbiao.inspections.models import Inspection


def png_bytes(color: str = "red") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, format="PNG")
    return out.getvalue()


def png_upload(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def inspection(
    by: Any,
    target: Any,
    *,
    findings: tuple[str, ...] = (),
    complete: bool = False,
    date: dt.date | None = None,
    photo: bool = False,
    campaign: Any = None,
) -> Inspection:
    """An inspection made by ``by``'s unit, with findings, optionally completed."""
    insp = services.inspection_create(
        by=by,
        target=target,
        date=date or timezone.localdate(),
        inspectors="张三、李四",
        campaign=campaign,
    )
    for text in findings:
        services.finding_add(
            by=by, inspection=insp, description=text, photos=[png_upload()] if photo else []
        )
    if complete:
        services.inspection_complete(by=by, inspection=insp)
    insp.refresh_from_db()
    return insp


def client_for(user: Any) -> Client:
    """A browser logged in as ``user`` (past the second factor where it applies)."""
    from anbiao.accounts.tests.helpers import login_fully

    c = Client()
    login_fully(c, user)
    return c
