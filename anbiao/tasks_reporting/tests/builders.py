"""Small builders for reporting tests: tasks, periods, submissions with files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anbiao.core.uploads import store_upload
from anbiao.tasks_reporting.models import (
    ReportPeriod,
    ReportSubmission,
    ReportTask,
    SubmissionStatus,
    TargetMode,
)


def png(name: str = "照片.png") -> SimpleUploadedFile:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name: str = "材料.pdf", body: bytes = b"hello") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n" + body + b"\n%%EOF\n", content_type="application/pdf"
    )


def task(issuer: Any, recipients: list, **kw: Any) -> ReportTask:
    values = {
        "title": "测试报送任务",
        "description": "请报送材料",
        "target_mode": TargetMode.UNITS,
        "deadline": dt.date(2099, 9, 30),
        **kw,
    }
    t = ReportTask.objects.create(issuer=issuer, **values)
    t.recipients.set(recipients)
    return t


def period(t: ReportTask) -> ReportPeriod:
    return ReportPeriod.objects.get_or_create(
        task=t, deadline=t.deadline, defaults={"label": "本次报送"}
    )[0]


def submission(
    p: ReportPeriod, org: Any, *, files: list | None = None, submitted: bool = True, text: str = ""
) -> ReportSubmission:
    s = ReportSubmission.objects.create(
        period=p,
        organization=org,
        text=text,
        status=SubmissionStatus.SUBMITTED if submitted else SubmissionStatus.DRAFT,
        submitted_at=timezone.now() if submitted else None,
    )
    for f in files if files is not None else [pdf()]:
        s.files.add(store_upload(f, by=None, organization=org))
    return s
