"""Writes of enforcement cases, exposure batches, monthly reports and priorities (audited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anbiao.core.audit import log_action
from anbiao.enforcement import deadlines
from anbiao.enforcement.models import (
    BatchStatus,
    EnforcementCase,
    EnforcementPriority,
    ExposureBatch,
    MonthlyReport,
)
from anbiao.enforcement.selectors import granted_deadline
from anbiao.obligations.deadlines import on_time
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.visibility import enterprises_for_user, own_unit_ids

if TYPE_CHECKING:
    from anbiao.accounts.models import User


def _require_department(by: User) -> Organization:
    """The user's department; users of other units may not do this."""
    if by.organization is None or by.organization.kind != OrgKind.DEPARTMENT:
        raise ValidationError("只有行业主管（监管）部门可以执行此操作。")
    return by.organization


def _check_enterprise(by: User, enterprise: Enterprise) -> None:
    if not enterprises_for_user(by).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": "该企业不在本单位监管范围内。"})


def _clean_case(case: EnforcementCase) -> None:
    try:
        case.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
        if any(
            "enforcement_case_number_unique" in m or "案号" in m for m in errors.get("__all__", [])
        ):
            raise ValidationError({"case_number": "本单位已有相同案号的案例。"}) from exc
        raise


@transaction.atomic
def case_create(
    *,
    by: User,
    enterprise: Enterprise,
    case_number: str,
    violation: str,
    legal_basis: str,
    penalty: str,
    decided_on: dt.date,
    fine_amount: Decimal | None = None,
) -> EnforcementCase:
    """Record a case of the user's department against an enterprise in its scope."""
    _require_department(by)
    _check_enterprise(by, enterprise)
    case = EnforcementCase(
        department=by.organization,
        enterprise=enterprise,
        case_number=case_number.strip(),
        violation=violation.strip(),
        legal_basis=legal_basis.strip(),
        penalty=penalty.strip(),
        fine_amount=fine_amount,
        decided_on=decided_on,
        created_by=by,
    )
    _clean_case(case)
    case.save()
    log_action(
        case, "anbiao.enforcement_case.created", user=by, data={"case_number": case.case_number}
    )
    return case


@transaction.atomic
def case_update(*, by: User, case: EnforcementCase, **fields: object) -> EnforcementCase:
    """Change a case of the user's department; a case already exposed stays as published."""
    if case.department_id not in own_unit_ids(by):
        raise ValidationError("只能修改本单位的案例。")
    if case.batches.filter(status=BatchStatus.PUBLISHED).exists():
        raise ValidationError("该案例已曝光，不能再修改。")
    enterprise = fields.get("enterprise")
    if isinstance(enterprise, Enterprise):
        _check_enterprise(by, enterprise)
    changed = {}
    for key, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(case, key) != value:
            changed[key] = str(value)
        setattr(case, key, value)
    _clean_case(case)
    case.save()
    log_action(case, "anbiao.enforcement_case.updated", user=by, data=changed)
    return case


def _check_cases(by: User, cases: list[EnforcementCase]) -> None:
    units = own_unit_ids(by)
    if any(c.department_id not in units for c in cases):
        raise ValidationError({"cases": "只能选择本单位的案例。"})


@transaction.atomic
def batch_create(
    *, by: User, title: str, date: dt.date, cases: list[EnforcementCase]
) -> ExposureBatch:
    """Create a draft exposure batch of the department's cases."""
    _require_department(by)
    _check_cases(by, cases)
    batch = ExposureBatch(department=by.organization, title=title.strip(), date=date, created_by=by)
    batch.full_clean()
    batch.save()
    batch.cases.set(cases)
    log_action(
        batch,
        "anbiao.exposure_batch.created",
        user=by,
        data={"cases": [c.case_number for c in cases]},
    )
    return batch


@transaction.atomic
def batch_update(
    *, by: User, batch: ExposureBatch, title: str, date: dt.date, cases: list[EnforcementCase]
) -> ExposureBatch:
    """Change a draft batch; a published batch is read only."""
    batch = ExposureBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.department_id not in own_unit_ids(by):
        raise ValidationError("只能修改本单位的曝光批次。")
    if batch.is_published:
        raise ValidationError("该批次已曝光，不能再修改。")
    _check_cases(by, cases)
    batch.title = title.strip()
    batch.date = date
    batch.full_clean()
    batch.save()
    batch.cases.set(cases)
    log_action(
        batch,
        "anbiao.exposure_batch.updated",
        user=by,
        data={"cases": [c.case_number for c in cases]},
    )
    return batch


@transaction.atomic
def batch_publish(*, by: User, batch: ExposureBatch) -> ExposureBatch:
    """草稿 → 已曝光. Needs at least one case. From then on the batch is read only."""
    batch = ExposureBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.department_id not in own_unit_ids(by):
        raise ValidationError("只能发布本单位的曝光批次。")
    if batch.is_published:
        raise ValidationError("该批次已曝光。")
    if not batch.cases.exists():
        raise ValidationError("曝光批次至少要包含一个案例。")
    batch.status = BatchStatus.PUBLISHED
    batch.published_at = timezone.now()
    batch.published_by = by
    batch.save(update_fields=["status", "published_at", "published_by"])
    log_action(batch, "anbiao.exposure_batch.published", user=by)
    return batch


@transaction.atomic
def monthly_report_submit(
    *,
    by: User,
    month: dt.date,
    cases: list[EnforcementCase],
    no_cases: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """Submit (or replace) the department's typical-case report for a month.

    Only cases decided in that month; zero cases must be the explicit statement 本月无典型案例;
    a month not yet begun is refused. Timeliness stays with the first submission: replacing
    the report later corrects it without making it late.
    """
    department = _require_department(by)
    now = now or timezone.now()
    month = deadlines.month_start(month)
    if month > deadlines.local_today(now):
        raise ValidationError({"month": "不能报送尚未开始的月份。"})
    if no_cases and cases:
        raise ValidationError({"no_cases": "已选择案例时不能同时声明“本月无典型案例”。"})
    if not no_cases and not cases:
        raise ValidationError(
            {"cases": "请选择本月报送的典型案例；如本月没有，请勾选“本月无典型案例”。"}
        )
    _check_cases(by, cases)
    outside = [c.case_number for c in cases if deadlines.month_start(c.decided_on) != month]
    if outside:
        raise ValidationError(
            {
                "cases": f"只能选择{month.year}年{month.month}月作出处罚决定的案例"
                f"（{'、'.join(outside)}不是）。"
            }
        )
    # Lock the department row so two first submissions of a month cannot both insert.
    Organization.objects.select_for_update().get(pk=department.pk)
    report = (
        MonthlyReport.objects.select_for_update()
        .filter(department=by.organization, month=month)
        .first()
    )
    created = report is None
    if report is None:
        report = MonthlyReport(
            department=by.organization, month=month, submitted_at=now, first_submitted_at=now
        )
    report.no_cases = no_cases
    report.note = note.strip()
    report.submitted_by = by
    if not created:
        report.submitted_at = now
    report.full_clean()
    report.save()
    report.cases.set(cases)
    log_action(
        report,
        "anbiao.monthly_report.submitted" if created else "anbiao.monthly_report.resubmitted",
        user=by,
        data={
            "month": month.strftime("%Y-%m"),
            "no_cases": no_cases,
            "cases": [c.case_number for c in cases],
            "late": not on_time(
                granted_deadline(month=month, org_id=department.pk), report.first_submitted_at
            ),
        },
    )
    return report


@transaction.atomic
def priority_mark(
    *, by: User, enterprise: Enterprise, reason: str, note: str = "", date: dt.date | None = None
) -> EnforcementPriority:
    """Mark an enterprise in scope as 执法重点对象 for a reason (one active mark per reason)."""
    if by.organization is None or by.organization.kind == OrgKind.ENTERPRISE:
        raise ValidationError("只有政府部门可以标记执法重点对象。")
    _check_enterprise(by, enterprise)
    if EnforcementPriority.objects.filter(
        enterprise=enterprise, reason=reason, active=True
    ).exists():
        raise ValidationError({"reason": "该企业已因此原因被标记为执法重点对象。"})
    priority = EnforcementPriority(
        enterprise=enterprise,
        reason=reason,
        note=note.strip(),
        marked_by=by,
        marked_org=by.organization,
        date=date or timezone.localdate(),
    )
    priority.full_clean()
    priority.save()
    log_action(priority, "anbiao.enforcement_priority.marked", user=by, data={"reason": reason})
    return priority


@transaction.atomic
def priority_end(*, by: User, priority: EnforcementPriority) -> EnforcementPriority:
    """Lift a priority mark (kept for the record, no longer active)."""
    priority = EnforcementPriority.objects.select_for_update().get(pk=priority.pk)
    if not priority.active:
        raise ValidationError("该标记已解除。")
    _check_enterprise(by, priority.enterprise)
    priority.active = False
    priority.ended_at = timezone.now()
    priority.save(update_fields=["active", "ended_at"])
    log_action(priority, "anbiao.enforcement_priority.ended", user=by)
    return priority
