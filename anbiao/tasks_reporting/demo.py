"""Demo reporting tasks: the “四项规范” texts, 优秀案例遴选, and the monthly enforcement-case report.

Deterministic and idempotent: tasks are keyed by title; dates are fixed days of the current
year or offsets from the current month.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anbiao.orgs.demo import demo_organizations
from anbiao.tasks_reporting import deadlines, services
from anbiao.tasks_reporting.models import (
    LinkedObligation,
    ReportSubmission,
    ReportTask,
    TargetMode,
)

FOUR_NORMS = "“四项规范”3.0版本文本及电子版报送"
CASES = "优秀案例遴选报送"
MONTHLY = "典型执法案例月报"


def _pdf(name: str, text: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% {text}\n%%EOF\n".encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def seed(stdout: Any = None) -> None:
    User = get_user_model()
    orgs = demo_organizations()
    city_user = User.objects.get(username="city_filler")
    dept_user = User.objects.get(username="yjj_filler")
    today = timezone.localdate()
    created = 0
    specs: list[dict[str, Any]] = [
        {
            "title": FOUR_NORMS,
            "description": (
                "请修订完善并报送“四项规范”3.0版本的文本及电子版：安全生产检查清单、"
                "标准化运行提升指南、中等企业和小微企业达标细则、网格员检查导则。"
            ),
            "deadline": dt.date(today.year, 9, 30),
            "target_mode": TargetMode.DEPARTMENTS,
            "needs_files": True,
        },
        {
            "title": CASES,
            "description": "请遴选本单位标准化提升专项行动优秀案例（附件1第6项），上传案例材料并简述推荐理由。",
            "deadline": today + dt.timedelta(days=14),
            "target_mode": TargetMode.DEPARTMENTS,
            "needs_files": True,
            "needs_text": True,
        },
        {
            "title": MONTHLY,
            "description": "“回头看”期间，每月25日 23:59 前报送当月作出处罚决定的标准化执法典型案例；当月没有的，报送“本月无典型案例”。",
            "deadline": deadlines.clamped(
                *(today.replace(day=1) - dt.timedelta(days=40)).timetuple()[:2], 25
            ),
            "target_mode": TargetMode.DEPARTMENTS,
            # one duty, one status: the departments report in 执法案例 → 月度报送
            "linked": LinkedObligation.CASE_MONTHLY,
        },
    ]
    for spec in specs:
        if ReportTask.objects.filter(title=spec["title"], issuer=orgs["city"]).exists():
            continue
        # the demo's tasks were issued in the past: some deadlines are already over
        services.task_create(by=city_user, confirm_past_deadline=True, **spec)
        created += 1

    # The demo department has answered the 四项规范 (its monthly case reports are the
    # enforcement demo's: the monthly task is linked to them).
    for title, files in ((FOUR_NORMS, ["安全生产检查清单3.0.pdf", "标准化运行提升指南3.0.pdf"]),):
        task = ReportTask.objects.get(title=title, issuer=orgs["city"])
        period = services.periods_ensure(task=task, now=timezone.now())[-1]
        sub = services.submission_for(period=period, organization=orgs["dept"])
        if sub.status == "draft" and not sub.files.exists():
            services.submission_save(
                by=dept_user,
                submission=sub,
                text="",
                uploads=[_pdf(n, n) for n in files],
            )
            services.submission_submit(by=dept_user, submission=sub)
    if stdout is not None:
        subs = ReportSubmission.objects.filter(period__task__issuer=orgs["city"]).count()
        stdout.write(f"报送任务：新增 {created} 项；报送材料共 {subs} 份。")
