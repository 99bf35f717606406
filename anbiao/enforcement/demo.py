"""Demo enforcement cases, two published exposure batches, monthly reports, priorities.

Deterministic and idempotent: cases are keyed by case number, batches by title, reports by
(department, month). Dates are offsets from the current month, so the overview shows both
reported and overdue months.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from anbiao.enforcement import deadlines, services
from anbiao.enforcement.models import EnforcementCase, ExposureBatch, MonthlyReport, PriorityReason
from anbiao.orgs.demo import demo_organizations
from anbiao.orgs.models import Enterprise, Organization, OrgKind

VIOLATIONS = (
    (
        "安全生产标准化“纸上达标”，安全检查清单未实际运行",
        "《中华人民共和国安全生产法》第四条、第九十七条",
        "责令限期改正，处罚款人民币二万元",
        Decimal("20000"),
    ),
    (
        "未按规定对重大危险源登记建档、未定期检测评估",
        "《中华人民共和国安全生产法》第一百零一条",
        "责令限期改正，处罚款人民币五万元",
        Decimal("50000"),
    ),
    (
        "未如实记录安全生产教育和培训情况",
        "《中华人民共和国安全生产法》第九十七条第（四）项",
        "责令限期改正，警告",
        None,
    ),
    (
        "动火作业未执行作业许可审批制度",
        "《中华人民共和国安全生产法》第一百零一条第（五）项",
        "责令限期改正，处罚款人民币三万元",
        Decimal("30000"),
    ),
)


def seed(stdout: Any = None) -> None:
    User = get_user_model()
    orgs = demo_organizations()
    dept = orgs["dept"]
    filler = User.objects.get(username="yjj_filler")
    today = timezone.localdate()
    this_month = today.replace(day=1)
    year = today.year
    enterprises = [orgs["enterprise"].enterprise] + list(
        Enterprise.objects.filter(department=dept)
        .exclude(pk=orgs["enterprise"].pk)
        .order_by("credit_code")[:3]
    )
    cases = []
    for i, (ent, (violation, basis, penalty, fine)) in enumerate(
        zip(enterprises, VIOLATIONS, strict=False)
    ):
        number = f"南应急罚〔{year}〕{101 + i}号"
        case = EnforcementCase.objects.filter(department=dept, case_number=number).first()
        if case is None:
            case = services.case_create(
                by=filler,
                enterprise=ent,
                case_number=number,
                violation=violation,
                legal_basis=basis,
                penalty=penalty,
                fine_amount=fine,
                decided_on=this_month - dt.timedelta(days=50 - i * 12),
            )
        cases.append(case)
    # Two published batches; the second re-exposes an enterprise of the first (家数 counts it once).
    for title, days, chosen in (
        (f"{year}年第一批安全生产标准化执法典型案例", 35, cases[:2]),
        (f"{year}年第二批安全生产标准化执法典型案例", 6, cases[1:]),
    ):
        if ExposureBatch.objects.filter(department=dept, title=title).exists():
            continue
        batch = services.batch_create(
            by=filler, title=title, date=this_month - dt.timedelta(days=days), cases=chosen
        )
        services.batch_publish(by=filler, batch=batch)
    # Monthly reports: the demo department reported the last two months (one late); one other
    # department stated “本月无典型案例” last month; the rest are missing (overdue in red).
    last = deadlines.month_start(this_month - dt.timedelta(days=1))
    before = deadlines.month_start(last - dt.timedelta(days=1))

    def decided_in(month: dt.date) -> list[EnforcementCase]:
        # a month's report offers only the cases decided in that month
        return [c for c in cases if deadlines.month_start(c.decided_on) == month]

    _report(
        filler,
        before,
        decided_in(before),
        submitted=dt.datetime(before.year, before.month, 20, 10, tzinfo=deadlines.SHANGHAI),
    )
    _report(
        filler,
        last,
        decided_in(last),
        submitted=dt.datetime(last.year, last.month, 27, 9, tzinfo=deadlines.SHANGHAI),
    )
    other = (
        Organization.objects.filter(kind=OrgKind.DEPARTMENT, parent=None)
        .exclude(pk=dept.pk)
        .order_by("sort_order", "name")
        .first()
    )
    if other is not None:
        other_user = _department_user(other)
        _report(
            other_user,
            last,
            [],
            submitted=dt.datetime(last.year, last.month, 24, 16, tzinfo=deadlines.SHANGHAI),
        )
    # Priorities: the exposed demo enterprise, and one with 纸上标准化 signs.
    from anbiao.enforcement.models import EnforcementPriority

    for ent, reason, note in (
        (enterprises[0], PriorityReason.EXPOSED, "已在第一批典型案例中曝光"),
        (enterprises[-1], PriorityReason.PAPER, "台账齐全但现场未运行，存在“纸上标准化”"),
    ):
        if not EnforcementPriority.objects.filter(
            enterprise=ent, reason=reason, active=True
        ).exists():
            services.priority_mark(by=filler, enterprise=ent, reason=reason, note=note)
    if stdout is not None:
        stdout.write(
            f"执法典型案例：{EnforcementCase.objects.filter(department=dept).count()} 件，"
            f"曝光批次 {ExposureBatch.objects.filter(department=dept).count()} 批。"
        )


def _department_user(org: Organization) -> Any:
    """A filler of another demo department, created once (login disabled: no usable password)."""
    from anbiao.accounts.models import Membership, Role

    User = get_user_model()
    username = f"demo_dept_{org.code or org.pk.hex[:8]}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=f"{org.name}填报员", organization=org)
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, role=Role.FILLER)
    return user


def _report(
    user: Any, month: dt.date, cases: list[EnforcementCase], *, submitted: dt.datetime
) -> None:
    if MonthlyReport.objects.filter(department=user.organization, month=month).exists():
        return
    services.monthly_report_submit(
        by=user, month=month, cases=cases, no_cases=not cases, note="演示数据", now=submitted
    )
