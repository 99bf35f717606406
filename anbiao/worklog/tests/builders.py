"""Small builders for worklog tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anbiao.core.uploads import store_upload
from anbiao.tasks_reporting.tests.builders import pdf
from anbiao.worklog.models import RecordKind, StarApplication, StarStatus, WorkRecord


def record(org: Any, **kw: Any) -> WorkRecord:
    values = {"kind": RecordKind.MEETING, "date": dt.date(2024, 9, 10), "title": "专题会议", **kw}
    r = WorkRecord.objects.create(organization=org, **values)
    r.files.add(store_upload(pdf("纪要.pdf"), by=None, organization=org))
    return r


def application(enterprise: Any, status: str = StarStatus.APPLIED, **kw: Any) -> StarApplication:
    values = {"requested_star": 2, "self_score": Decimal("88.5"), "status": status, **kw}
    if status == StarStatus.APPROVED:
        values.setdefault("decided_level", 3)
        values.setdefault("decided_at", timezone.now())
    app = StarApplication.objects.create(enterprise=enterprise, **values)
    app.files.add(store_upload(pdf("自评报告.pdf"), by=None, organization=enterprise.organization))
    return app
