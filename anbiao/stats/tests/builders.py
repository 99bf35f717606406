"""Builders for statistics tests: a minimal checklist template and records of every source."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from anbiao.checklists.models import (
    Answer,
    Checklist,
    ChecklistPurpose,
    Clause,
    Item,
    ProblemLine,
    Section,
    Template,
    TemplateVersion,
)
from anbiao.checklists.services import checklist_problem_count
from anbiao.core.models import StoredFile
from anbiao.orgs.scope import stamp, stamp_values

TZ = ZoneInfo("Asia/Shanghai")
PERIOD_START = dt.date(2024, 9, 1)
PERIOD_END = dt.date(2024, 12, 31)
# submission times around the period's edges, in local (Asia/Shanghai) time
TIMES = {
    "in": dt.datetime(2024, 10, 15, 10, 0, tzinfo=TZ),
    "first": dt.datetime(2024, 9, 1, 0, 5, tzinfo=TZ),  # 2024-08-31 16:05 UTC: still in
    "last": dt.datetime(2024, 12, 31, 23, 30, tzinfo=TZ),  # 15:30 UTC: in
    "after": dt.datetime(2025, 1, 1, 0, 10, tzinfo=TZ),  # 2024-12-31 16:10 UTC: out
    "before": dt.datetime(2024, 8, 31, 23, 50, tzinfo=TZ),  # out
}
TIME_IN = {"in": True, "first": True, "last": True, "after": False, "before": False}
DATES = {
    "in": dt.date(2024, 10, 15),
    "first": PERIOD_START,
    "last": PERIOD_END,
    "after": dt.date(2025, 1, 1),
    "before": dt.date(2024, 8, 31),
}


def template_version(kind: str = "enterprise") -> tuple[TemplateVersion, Clause]:
    code = f"stats_test_{kind}"
    tpl, _ = Template.objects.get_or_create(
        code=code, defaults={"title": f"测试细则{kind}", "kind": kind}
    )
    tv, _ = TemplateVersion.objects.get_or_create(
        template=tpl,
        version=1,
        defaults={"title": tpl.title, "sha256": hashlib.sha256(code.encode()).hexdigest()},
    )
    section, _ = Section.objects.get_or_create(
        version=tv, position=1, defaults={"title": "一、测试"}
    )
    item, _ = Item.objects.get_or_create(
        version=tv, position=1, defaults={"section": section, "number": 1, "text": "1.测试内容。"}
    )
    clause, _ = Clause.objects.get_or_create(
        version=tv, position=1, defaults={"item": item, "number": 1, "text": "是否测试。"}
    )
    return tv, clause


def lookback(
    org: Any,
    *,
    status: str,
    when: dt.datetime | None,
    problems: int,
    tv: Any,
    clause: Any,
    camp: Any = None,
) -> Checklist:
    """A look-back checklist (of campaign ``camp``, or of none) with one answer carrying
    ``problems`` problem lines."""
    c = Checklist.objects.create(
        campaign=camp,
        organization=org,
        template_version=tv,
        purpose=ChecklistPurpose.LOOKBACK,
        status=status,
        submitted_at=when,
    )
    answer = Answer.objects.create(checklist=c, clause=clause, result="nonconform")
    ProblemLine.objects.bulk_create(
        [ProblemLine(answer=answer, position=i + 1, text=f"问题{i + 1}") for i in range(problems)]
    )
    if c.is_submitted:  # frozen and stamped as the submit service does, with its helpers
        c.problem_count = checklist_problem_count(c)
        c.save(update_fields=["problem_count", *stamp(c, org)])
    return c


def stored_file(org: Any) -> StoredFile:
    sha = uuid.uuid4().hex * 2
    return StoredFile.objects.create(
        file=f"evidence/test/{sha[:16]}.png",
        original_name="佐证.png",
        content_type="image/png",
        kind="png",
        size=10,
        sha256=sha,
        organization=org,
    )


def record(
    org: Any, *, kind: str, submitted: bool, evidence: bool, date: dt.date, stamped: bool = True
) -> Any:
    """An experience or mechanism; a submitted one carries the statistical scope as the submit
    service stamps it (``stamped=False``: written without the service, no scope)."""
    from anbiao.records.models import Record

    r = Record.objects.create(
        kind=kind,
        organization=org,
        title=f"{org.name}{kind}",
        summary="内容",
        category="other" if kind == "experience" else "",
        date=date,
        status="submitted" if submitted else "draft",
        **(stamp_values(org) if submitted and stamped else {}),
    )
    if evidence:
        r.evidence.add(stored_file(org))
    return r


def batch(publisher: Any, *, published: bool, date: dt.date, enterprises: list[Any]) -> Any:
    from anbiao.enforcement.models import EnforcementCase, ExposureBatch

    b = ExposureBatch.objects.create(
        department=publisher,
        title=f"{publisher.name}曝光{uuid.uuid4().hex[:6]}",
        date=date,
        status="published" if published else "draft",
    )
    for ent in enterprises:
        case = EnforcementCase.objects.create(
            department=publisher,
            enterprise=ent,
            case_number=uuid.uuid4().hex[:12],
            violation="违法",
            legal_basis="依据",
            penalty="罚款",
            decided_on=date,
        )
        b.cases.add(case)
    return b


def campaign(tv_e: Any, tv_g: Any) -> Any:
    from anbiao.campaigns.models import Campaign

    c, _ = Campaign.objects.get_or_create(
        name="统计测试专项行动",
        defaults={
            "period_start": PERIOD_START,
            "period_end": PERIOD_END,
            "enterprise_deadline": PERIOD_END,
            "government_deadline": PERIOD_END,
            "enterprise_template_version": tv_e,
            "government_template_version": tv_g,
            "status": "open",
        },
    )
    return c


def report(org: Any, *, camp: Any, finalized: bool, when: dt.datetime) -> Any:
    """A 自查自纠报告: finalized (a counted version, first finalized at ``when``) or a draft."""
    from anbiao.reports.models import Report, ReportVersion

    r = Report.objects.create(campaign=camp, organization=org)
    v = ReportVersion.objects.create(
        report=r,
        number=1,
        status="finalized" if finalized else "draft",
        finalized_at=when if finalized else None,
    )
    if finalized:
        r.counted_version = v
        r.first_finalized_at = when
        r.finalized_at = when
        stamp(r, org)  # stamped as the finalize service does
        r.save()
    return r


def inspection(
    inspector: Any,
    target: Any,
    *,
    completed: bool,
    date: dt.date,
    problems: int,
    withdrawn: int = 0,
) -> Any:
    """A supervision inspection with ``problems`` tracked problems (+ ``withdrawn`` withdrawn)."""
    from anbiao.inspections.models import Inspection, InspectionProblem
    from anbiao.rectification.models import Problem

    insp = Inspection.objects.create(
        inspector=inspector,
        target=target,
        date=date,
        inspectors="检查组",
        status="completed" if completed else "draft",
    )
    for i in range(problems + withdrawn):
        p = Problem.objects.create(
            organization=target,
            source="inspection",
            description=f"检查发现问题{i + 1}",
            recorded_org=inspector,
            status="withdrawn" if i >= problems else "pending",
        )
        InspectionProblem.objects.create(inspection=insp, problem=p)
    return insp
