"""Reads of 自查自纠报告, always through the user's scope; the facts a report is made of.

For the statistics (附件3 columns 5–6) use :func:`finalized_reports`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from anbiao.core.access import get_in_scope_or_404
from anbiao.orgs.models import Enterprise, OrgKind
from anbiao.orgs.visibility import organizations_for_user
from anbiao.reports.models import FINALIZED, Report, ReportStatus, ReportVersion

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.orgs.models import Organization


def reports_for_user(user: User) -> QuerySet[Report]:
    """Reports of the organizations the user may see (own unit, sub-units, enterprises in scope)."""
    return Report.objects.select_related("organization", "campaign", "counted_version").filter(
        organization__in=organizations_for_user(user)
    )


def report_get(*, user: User, pk: Any) -> Report:
    """A report in the user's scope, or 404."""
    return get_in_scope_or_404(reports_for_user(user), pk=pk)


def own_report_get(*, user: User, pk: Any) -> Report:
    """A report of the user's own unit (for writing), or 404."""
    org = user.organization
    # Without a unit, IS NULL matches no report; the stubs do not take None here.
    qs = reports_for_user(user).filter(organization_id=org.pk if org else None)  # type: ignore[misc]
    return get_in_scope_or_404(qs, pk=pk)


def version_get(*, report: Report, number: Any) -> ReportVersion:
    return get_in_scope_or_404(report.versions.all(), number=number)


def latest_version(report: Report) -> ReportVersion | None:
    return report.versions.order_by("-number").first()


def draft_version(report: Report) -> ReportVersion | None:
    return report.versions.filter(status=ReportStatus.DRAFT).first()


def finalized_reports(
    *,
    campaign: Campaign | None = None,
    start: date | None = None,
    end: date | None = None,
    kind: str | None = None,
) -> QuerySet[Report]:
    """Reports that count as 形成自查自纠报告 (附件3 columns 5–6): one row per unit and campaign.

    A report counts once when it has a finalized version, however many versions replaced one
    another. The period filters on ``first_finalized_at`` — the moment the unit first formed
    its report — so a later revision never moves a report into another period and the figures
    of a closed period stay put. ``start``/``end`` are calendar dates in Asia/Shanghai,
    inclusive. ``kind`` "enterprise" (column 5) or "government" (column 6); narrow further to
    a reporting unit's scope with ``.filter(organization__in=...)``.
    """
    qs = Report.objects.filter(FINALIZED)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    tz = timezone.get_current_timezone()
    if start is not None:
        qs = qs.filter(first_finalized_at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if end is not None:
        qs = qs.filter(first_finalized_at__lte=datetime.combine(end, time.max, tzinfo=tz))
    if kind == "enterprise":
        qs = qs.filter(organization__kind=OrgKind.ENTERPRISE)
    elif kind == "government":
        qs = qs.exclude(organization__kind=OrgKind.ENTERPRISE)
    return qs


# --- the facts a report is made of ------------------------------------------------------------


def _dt(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日"


def _d(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def unit_facts(organization: Organization) -> dict[str, Any]:
    """Basic information: unit name and kind; for enterprises credit code, principal, address."""
    info: dict[str, Any] = {
        "name": organization.name,
        "kind": organization.get_kind_display(),
        "is_enterprise": organization.kind == OrgKind.ENTERPRISE,
        "contact_person": organization.contact_person,
        "contact_phone": organization.contact_phone,
    }
    ent = (
        Enterprise.objects.select_related("town", "department")
        .filter(organization=organization)
        .first()
    )
    if ent is not None:
        info.update(
            credit_code=ent.credit_code,
            principal=ent.principal,
            phone=ent.phone,
            address=ent.address,
            town=ent.town.name,
            department=ent.department.name,
            size_class=ent.get_size_class_display(),
        )
        info["contact_phone"] = info["contact_phone"] or ent.phone
    return info


def problem_facts(*, organization: Organization, campaign: Campaign) -> dict[str, Any]:
    """Problems found by section with their rectification state (rectification app's records).

    Integration: :func:`anbiao.rectification.selectors.problems_by_section` (one query). The
    tracked problems follow the 存在问题 lines of the unit's look-back checklist.
    """
    from anbiao.rectification.models import ProblemStatus
    from anbiao.rectification.selectors import problems_by_section

    sections = []
    totals = {"total": 0, "closed": 0, "open": 0, "overdue": 0}
    open_problems = []
    for group in problems_by_section(organization=organization, campaign=campaign):
        rows = []
        for p in group.problems:
            assert p.clause is not None  # problems_by_section keeps clause problems only
            row = {
                "code": p.clause.code,
                "description": p.description,
                "grade": p.get_grade_display(),
                "responsible": p.responsible_person,
                "deadline": _d(p.deadline),
                "measures": p.measures,
                "status": p.get_status_display(),
                "closed": p.status == ProblemStatus.CLOSED,
                "overdue": bool(p.is_overdue),
            }
            rows.append(row)
            totals["total"] += 1
            if row["closed"]:
                totals["closed"] += 1
            else:
                totals["open"] += 1
                open_problems.append(row)
            if row["overdue"]:
                totals["overdue"] += 1
        sections.append(
            {
                "title": group.section.title,
                "count": group.count,
                "open": group.open_count,
                "closed": group.closed_count,
                "problems": rows,
            }
        )
    return {"sections": sections, "totals": totals, "open_problems": open_problems}


def checklist_facts(*, organization: Organization, campaign: Campaign) -> dict[str, Any]:
    from anbiao.checklists.models import Checklist, ChecklistPurpose

    checklist = (
        Checklist.objects.filter(
            campaign=campaign, organization=organization, purpose=ChecklistPurpose.LOOKBACK
        )
        .select_related("template_version")
        .first()
    )
    if checklist is None:
        return {"exists": False}
    answered = checklist.answers.exclude(result="").count()
    return {
        "exists": True,
        "title": checklist.template_version.title,
        "status": checklist.get_status_display(),
        "submitted_at": _dt(checklist.submitted_at),
        "answered": answered,
        "total": checklist.answers.count(),
        "nonconform": checklist.answers.filter(result="nonconform").count(),
    }


def report_facts(version: ReportVersion) -> dict[str, Any]:
    """Everything the documents show. A finalized version shows what was frozen at finalizing."""
    if not version.is_draft and version.facts:
        return version.facts
    return live_facts(version)


def live_facts(version: ReportVersion) -> dict[str, Any]:
    report = version.report
    org, campaign = report.organization, report.campaign
    unit = unit_facts(org)
    unit["contact_person"] = version.contact_person or unit.get("contact_person", "")
    unit["contact_phone"] = version.contact_phone or unit.get("contact_phone", "")
    return {
        "title": f"{org.name}安全生产标准化提升专项行动“回头看”自查自纠报告",
        "campaign": campaign.name,
        "unit": unit,
        "checklist": checklist_facts(organization=org, campaign=campaign),
        **problem_facts(organization=org, campaign=campaign),
        "organization_text": version.organization_text,
        "plan_text": version.plan_text,
        "version": version.number,
        "signer_name": version.signer_name,
        "signature_method": version.get_signature_method_display()
        if version.signature_method
        else "",
        "signed_at": _dt(version.signed_at),
        "date": _dt(version.finalized_at or version.signed_at or timezone.now()),
    }


def reports_in_scope_rows(*, user: User, campaign: Campaign) -> QuerySet[Report]:
    """Reports of other units in the user's scope (supervisors' list), newest first."""
    org = user.organization
    return (
        reports_for_user(user)
        .filter(campaign=campaign)
        # Without a unit, IS NULL excludes no report; the stubs do not take None here.
        .exclude(organization_id=org.pk if org else None)  # type: ignore[misc]
        .filter(Q(counted_version__isnull=False))
        .order_by("organization__name")
    )
