"""Demo good experiences and work mechanisms (deterministic, idempotent).

Dates are fixed offsets from the first day of the current month, so the records fall in the
running campaign period whatever the day the demo is seeded. Some records carry evidence and
are submitted (they count); some are drafts without evidence (they do not).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from anbiao.orgs.demo import demo_organizations
from anbiao.orgs.models import Enterprise
from anbiao.records import services
from anbiao.records.demo_files import demo_pdf, demo_png
from anbiao.records.models import Category, Record, RecordKind

# (organization key or enterprise index in the department, username, kind, title, category,
#  days before the anchor, evidence files, submit, selected)
SPECS: tuple[tuple[Any, ...], ...] = (
    (
        "enterprise",
        "qy_filler",
        "experience",
        "党员模范岗：石材切割车间“每日一巡”",
        Category.PARTY,
        40,
        2,
        True,
        True,
    ),
    (
        "enterprise",
        "qy_filler",
        "experience",
        "巾帼能手：女职工班组岗位达标",
        Category.WOMEN,
        12,
        0,
        False,
        False,
    ),
    (
        "enterprise",
        "qy_filler",
        "experience",
        "持续运行提升：标准化体系季度自评",
        Category.CONTINUOUS,
        25,
        1,
        True,
        False,
    ),
    (
        "dept",
        "yjj_filler",
        "experience",
        "“三张清单”进企业现场指导",
        Category.OTHER,
        35,
        1,
        True,
        False,
    ),
    (
        "dept",
        "yjj_filler",
        "mechanism",
        "安全生产标准化联合执法检查工作机制",
        "",
        50,
        2,
        True,
        False,
    ),
    ("dept", "yjj_filler", "mechanism", "执法典型案例月度报送与曝光机制", "", 8, 0, False, False),
    (
        "town",
        "xm_filler",
        "experience",
        "网格员“一企一档”上门服务",
        Category.OTHER,
        30,
        1,
        True,
        False,
    ),
    ("town", "xm_filler", "mechanism", "属地企业告知书逐家送达机制", "", 20, 0, False, False),
    ("city", "city_filler", "mechanism", "“回头看”督导检查通报机制", "", 45, 1, True, False),
)


def anchor() -> dt.date:
    return timezone.localdate().replace(day=1)


class _DemoUploader:
    """A SimpleUploadedFile factory with stable names and content."""

    @staticmethod
    def files(n: int, seed: int) -> list[Any]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        out = []
        for i in range(n):
            if i % 2 == 0:
                out.append(SimpleUploadedFile(f"佐证照片{i + 1}.png", demo_png(seed * 10 + i)))
            else:
                out.append(
                    SimpleUploadedFile(f"佐证材料{i + 1}.pdf", demo_pdf(f"evidence {seed}-{i}"))
                )
        return out


def seed(stdout: Any = None) -> None:
    User = get_user_model()
    orgs = demo_organizations()
    created = 0
    for n, (key, username, kind, title, category, days, n_files, submit, selected) in enumerate(
        SPECS
    ):
        org = orgs[key]
        if Record.objects.filter(organization=org, title=title).exists():
            continue
        user = User.objects.get(username=username)
        document = None
        if kind == RecordKind.MECHANISM:
            from django.core.files.uploadedfile import SimpleUploadedFile

            document = SimpleUploadedFile(f"{title}.pdf", demo_pdf(f"mechanism {n}"))
        record = services.record_create(
            by=user,
            kind=kind,
            title=title,
            summary=f"{title}。明确责任人、频次和整改闭环，形成可复制的做法。",
            date=anchor() - dt.timedelta(days=days),
            category=category,
            document=document,
            evidence=_DemoUploader.files(n_files, n),
        )
        if submit:
            services.record_submit(by=user, record=record)
        if selected:
            services.record_select(
                by=User.objects.get(username="yjj_admin"), record=record, selected=True
            )
        created += 1
    created += _seed_other_enterprises()
    if stdout is not None:
        stdout.write(f"经验做法/工作机制：新增 {created} 条。")


def _seed_other_enterprises() -> int:
    """A few enterprises of the demo department record experiences (no accounts needed)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anbiao.core.uploads import store_upload
    from anbiao.records.models import RecordStatus

    dept = demo_organizations()["dept"]
    enterprises = list(
        Enterprise.objects.filter(department=dept)
        .select_related("organization")
        .order_by("credit_code")[:6]
    )
    categories = [Category.WORKER, Category.YOUTH, Category.PARTY, Category.CONTINUOUS]
    created = 0
    for i, ent in enumerate(enterprises):
        title = f"{categories[i % 4].label}岗位达标创建"
        if Record.objects.filter(organization=ent.organization, title=title).exists():
            continue
        with_evidence = i % 3 != 2
        record = Record(
            kind=RecordKind.EXPERIENCE,
            organization=ent.organization,
            title=title,
            summary=f"{ent.organization.name}开展{categories[i % 4].label}创建，班组每日安全交底。",
            category=categories[i % 4],
            date=anchor() - dt.timedelta(days=5 + i * 6),
        )
        record.full_clean()
        record.save()
        if with_evidence:
            stored = store_upload(
                SimpleUploadedFile("现场照片.png", demo_png(100 + i)),
                by=None,
                organization=ent.organization,
                purpose="佐证材料",
            )
            record.evidence.add(stored)
            record.status = RecordStatus.SUBMITTED
            record.submitted_at = timezone.now()
            record.save(update_fields=["status", "submitted_at"])
        created += 1
    return created
