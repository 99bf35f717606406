"""Small builders for rectification tests."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from anbiao.rectification import services
from anbiao.rectification.models import Problem, ProblemGrade, ProblemSource, local_today

# A usual deadline: neither in the past nor more than a year out (those need confirming).
DEADLINE_DAYS = 60


def png_upload(name: str = "整改后照片.png", color: str = "green") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def problem(org: Any, *, grade: str = ProblemGrade.GENERAL, **kw: Any) -> Problem:
    """A 督导检查 problem recorded without a permission check (the setup of a test)."""
    kw.setdefault("description", "配电箱未上锁，电缆裸露")
    kw.setdefault("source", ProblemSource.INSPECTION)
    return services.problem_record(
        by=None, organization=org, grade=grade, check_permission=False, **kw
    )


def plan(**overrides: Any) -> services.PlanInput:
    values: dict[str, Any] = {
        "measures": "更换配电箱锁具，规范敷设电缆",
        "responsible_person": "李四",
        "deadline": local_today() + timedelta(days=DEADLINE_DAYS),
        "funds": None,
        "contingency_plan": "",
        "grade": ProblemGrade.GENERAL,
    }
    values.update(overrides)
    return services.PlanInput(**values)
