"""Demo work records, review results and star ratings.

Deterministic and idempotent: records are keyed by (unit, title), reviews by certificate
number, star applications by enterprise. Dates are offsets from today.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anbiao.orgs.demo import demo_organizations
from anbiao.orgs.models import Enterprise
from anbiao.worklog import services
from anbiao.worklog.models import (
    Plaque,
    RecordKind,
    ReviewOutcome,
    ReviewResult,
    StarApplication,
    StarStatus,
    WorkRecord,
)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, f"%PDF-1.4\n% {name}\n%%EOF\n".encode(), content_type="application/pdf"
    )


def seed(stdout: Any = None) -> None:
    User = get_user_model()
    orgs = demo_organizations()
    users = {
        k: User.objects.get(username=u)
        for k, u in (
            ("city", "city_filler"),
            ("dept", "yjj_filler"),
            ("town", "xm_filler"),
            ("ent", "qy_filler"),
        )
    }
    today = timezone.localdate()
    records = [
        (
            "dept",
            RecordKind.TRAINING,
            20,
            "标准化提升行动专题培训（监管人员）",
            {"regulators": 42, "experts": 6, "technical": 8},
        ),
        ("dept", RecordKind.PUBLICITY, 25, "南安电视台：固本强基 落实全员安全生产责任制", {}),
        ("dept", RecordKind.MEETING, 30, "分管领导带队督导标准化提升专项行动", {}),
        ("dept", RecordKind.DISPATCH, 15, "全市标准化提升观摩调度推进会", {}),
        ("dept", RecordKind.PLAN, 60, "安全生产标准化提升专项行动实施方案", {}),
        ("town", RecordKind.TRAINING, 18, "网格员检查导则专题培训", {"grid": 56, "leaders": 5}),
        (
            "ent",
            RecordKind.TRAINING,
            10,
            "全员标准化提升专题培训",
            {"principals": 1, "safety_managers": 4, "workers": 120},
        ),
    ]
    created = 0
    for key, kind, days_ago, title, counts in records:
        org = orgs["enterprise" if key == "ent" else key]
        if WorkRecord.objects.filter(organization=org, title=title).exists():
            continue
        services.record_create(
            by=users[key],
            kind=kind,
            date=today - dt.timedelta(days=days_ago),
            title=title,
            participants="相关科室负责人" if kind != RecordKind.TRAINING else "",
            channel="tv" if kind == RecordKind.PUBLICITY else "",
            headcounts=counts,
            uploads=[_pdf("签到表.pdf" if kind == RecordKind.TRAINING else f"{title}.pdf")],
        )
        created += 1

    enterprises = list(
        Enterprise.objects.filter(department=orgs["dept"]).order_by("credit_code")[:6]
    )
    for i, ent in enumerate(enterprises[:4]):
        number = f"闽AQBⅢ-DEMO-{i + 1:03d}"
        if ReviewResult.objects.filter(certificate_number=number).exists():
            continue
        reviewed = today - dt.timedelta(days=1000 + i * 30)
        services.review_create(
            by=users["dept"],
            enterprise=ent,
            date=reviewed,
            outcome=ReviewOutcome.PASS,
            grade="3" if i % 2 else "small",
            reviewer="泉州市安全生产标准化评审中心",
            certificate_number=number,
            valid_until=today + dt.timedelta(days=40 + i * 200),  # the first expires soon
        )

    demo_ent = orgs["enterprise"].enterprise
    if not StarApplication.objects.filter(enterprise=demo_ent).exists():
        app = services.star_apply(
            by=users["ent"],
            requested_star=2,
            self_score=Decimal("86.0"),
            statement="本企业已完成“三张清单”运行和全员安全生产责任制落实。",
            uploads=[_pdf("星级自评报告.pdf")],
        )
        services.star_move(by=users["ent"], application=app, action="submit")
    others = [e for e in enterprises if e.pk != demo_ent.pk][:3]
    for ent, level, outcome in zip(
        others, (2, 3, 2), ("approve", "approve", "reject"), strict=False
    ):
        if StarApplication.objects.filter(enterprise=ent).exists():
            continue
        app = StarApplication.objects.create(
            enterprise=ent,
            requested_star=level,
            self_score=Decimal("90.0"),
            status=StarStatus.APPLIED,
            applied_at=timezone.now(),
        )
        services.star_move(
            by=users["dept"],
            application=app,
            action="propose",
            level=level,
            reason="现场核查情况符合申请星级标准。",
        )
        reason = "" if outcome == "approve" else "复核发现安全检查清单未实际运行。"
        app = services.star_move(by=users["city"], application=app, action=outcome, reason=reason)
        if (
            outcome == "approve"
            and level == 3
            and not Plaque.objects.filter(application=app).exists()
        ):
            services.plaque_create(
                by=users["city"], application=app, date=today, number=f"NA-3S-{today.year}-001"
            )
    if stdout is not None:
        stdout.write(
            f"工作记录：新增 {created} 条；星级评定申请共 {StarApplication.objects.count()} 份。"
        )
