"""Demo: the demo department's and the demo town's statistics tables, submitted for the open
campaign's period; the department's with one adjustment (work done offline). Idempotent."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from anbiao.orgs.demo import demo_organizations
from anbiao.stats import services
from anbiao.stats.models import StatsSubmission
from anbiao.stats.selectors import default_period, unit_table

ADJUST_COLUMN = 13
ADJUST_REASON = "线下召开专题会议建立“周调度”工作机制1项（会议纪要已存档）"


def seed(stdout: Any = None) -> None:
    User = get_user_model()
    orgs = demo_organizations()
    period = default_period()
    plans = [("dept", "yjj_filler", True), ("town", "xm_filler", False)]
    made = 0
    for key, username, adjust in plans:
        unit = orgs[key]
        user = User.objects.filter(username=username).first()
        if (
            user is None
            or StatsSubmission.objects.filter(
                unit=unit, period_start=period.start, period_end=period.end
            ).exists()
        ):
            continue
        adjustments: dict[int, tuple[int | None, str]] = {}
        if adjust:
            computed = unit_table(unit=unit, period=period).values[ADJUST_COLUMN - 1] or 0
            adjustments = {ADJUST_COLUMN: (computed + 1, ADJUST_REASON)}
        services.submission_submit(
            by=user,
            unit=unit,
            period=period,
            filler_name=user.full_name,
            phone=unit.contact_phone or user.mobile or "0595-86383000",
            adjustments=adjustments,
        )
        made += 1
    if stdout is not None and made:
        stdout.write(f"统计表：已填报 {made} 份（其中 1 份含调整）。")
