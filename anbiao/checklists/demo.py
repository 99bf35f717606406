"""Demo checklists in the open campaign (deterministic, idempotent, bulk inserts).

A spread of enterprise 附件2 checklists (drafts partly filled, submitted, returned, accepted,
with 不符合 answers and problem lines) and a few government 附件1 checklists. The demo
enterprise (演示企业) gets a draft with 37 of 51 clauses answered so the home card shows it.
"""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from anbiao.campaigns.demo import DEMO_CAMPAIGN
from anbiao.campaigns.models import Campaign
from anbiao.checklists.demo_problems import findings_for
from anbiao.checklists.models import (
    Answer,
    AnswerResult,
    Checklist,
    ChecklistStatus,
    ProblemLine,
    ReviewOutcome,
    Signature,
    SignatureMethod,
    Submission,
)
from anbiao.core.models import StoredFile
from anbiao.orgs.demo import DEMO_DEPARTMENT, DEMO_ENTERPRISE, principal_names
from anbiao.orgs.models import Enterprise, Organization, OrgKind

RETURN_REASONS = [
    "“三张清单”部分问题描述不具体，请补充整改措施后重新提交。",
    "应急管理部分缺少佐证材料，请补充后重新提交。",
]


def _signature_file() -> str:
    """One small white PNG shared by the demo signatures (written once)."""
    from PIL import Image, ImageDraw

    name = "evidence/demo/signature.png"
    if not default_storage.exists(name):
        img = Image.new("RGB", (300, 100), "white")
        ImageDraw.Draw(img).line([(20, 70), (80, 30), (140, 75), (200, 25), (270, 60)], "black", 4)
        out = io.BytesIO()
        img.save(out, format="PNG")
        default_storage.save(name, ContentFile(out.getvalue()))
    return name


def _submitted_at(checklist: Checklist) -> datetime:
    """When a demo checklist past draft was submitted (seed gives each one a time)."""
    assert checklist.submitted_at is not None
    return checklist.submitted_at


def seed(stdout: Any = None) -> None:
    campaign = Campaign.objects.filter(name=DEMO_CAMPAIGN).first()
    if campaign is None or Checklist.objects.filter(campaign=campaign).exists():
        return
    rng = random.Random(2024)
    now = timezone.now()
    ents = list(
        Enterprise.objects.select_related("organization")
        .filter(is_closed=False)
        .order_by("department__sort_order", "department__name", "credit_code")
    )
    # Within each department the same spread of states, so every reviewer sees each state.
    pattern: list[str | None] = [
        ChecklistStatus.DRAFT,
        ChecklistStatus.SUBMITTED,
        ChecklistStatus.ACCEPTED,
        None,  # never started
        ChecklistStatus.SUBMITTED,
        ChecklistStatus.RETURNED,
        ChecklistStatus.ACCEPTED,
        ChecklistStatus.DRAFT,
        ChecklistStatus.SUBMITTED,
        None,
    ]
    plans: list[tuple[Organization, str, int]] = []  # (org, status, answered)
    index_in_dept: dict[Any, int] = {}
    for e in ents:
        if e.organization.name == DEMO_ENTERPRISE:
            plans.append((e.organization, ChecklistStatus.DRAFT, 37))
            continue
        i = index_in_dept.get(e.department_id, 0)
        index_in_dept[e.department_id] = i + 1
        status = pattern[i % len(pattern)]
        if status is not None:
            plans.append((e.organization, status, rng.randint(5, 45)))
    govs = list(Organization.objects.filter(kind=OrgKind.DEPARTMENT).order_by("sort_order"))[:6]
    for j, g in enumerate(govs):
        status = [ChecklistStatus.SUBMITTED, ChecklistStatus.ACCEPTED, ChecklistStatus.DRAFT][j % 3]
        if g.name == DEMO_DEPARTMENT:
            status = ChecklistStatus.RETURNED  # its accounts find the return in 消息
        plans.append((g, status, rng.randint(5, 20)))

    checklists = []
    for org, status, _ in plans:
        version = campaign.template_version_for(org)
        submitted = status != ChecklistStatus.DRAFT
        checklists.append(
            Checklist(
                campaign=campaign,
                organization=org,
                template_version=version,
                status=status,
                lock_version=(2 if status in ("accepted", "returned") else 1) if submitted else 0,
                return_reason=rng.choice(RETURN_REASONS) if status == "returned" else "",
                submitted_at=now - timedelta(days=rng.randint(1, 10)) if submitted else None,
                returned_at=now if status == "returned" else None,
                accepted_at=now if status == "accepted" else None,
            )
        )
    Checklist.objects.bulk_create(checklists)
    clauses_by_version: dict[int, list[Any]] = {}
    template_of: dict[int, str] = {}
    answers: list[Answer] = []
    for c, (_, status, n_answered) in zip(checklists, plans, strict=True):
        clauses = clauses_by_version.setdefault(
            c.template_version_id,
            list(c.template_version.clauses.select_related("item").order_by("position")),
        )
        template_of[c.template_version_id] = c.template_version.template.code
        n = len(clauses) if status != ChecklistStatus.DRAFT else min(n_answered, len(clauses))
        for k, clause in enumerate(clauses):
            result = ""
            if k < n:
                roll = rng.random()
                result = (
                    AnswerResult.NONCONFORM
                    if roll < 0.15
                    else AnswerResult.NOT_APPLICABLE
                    if roll < 0.2
                    else AnswerResult.CONFORM
                )
            answers.append(
                Answer(
                    checklist=c,
                    clause=clause,
                    result=result,
                    version=1 if result else 0,
                    updated_at=now if result else None,
                )
            )
    Answer.objects.bulk_create(answers)
    lines = []
    for a in answers:
        if a.result == AnswerResult.NONCONFORM:
            # Each finding is one of its own clause's (demo_problems.FINDINGS).
            found = findings_for(
                template_of[a.checklist.template_version_id], a.clause.item.number, a.clause.number
            )
            texts = rng.sample(found, min(len(found), rng.randint(1, 2)))
            for pos, text in enumerate(texts, start=1):
                lines.append(ProblemLine(answer=a, position=pos, text=text))
    ProblemLine.objects.bulk_create(lines)

    # Signatures and submissions for everything submitted.
    sig_name = _signature_file()
    sig_size = default_storage.size(sig_name)
    done = [(c, s) for c, (_, s, _) in zip(checklists, plans, strict=True) if s != "draft"]
    files = StoredFile.objects.bulk_create(
        StoredFile(
            file=sig_name,
            original_name="签字.png",
            content_type="image/png",
            kind="png",
            size=sig_size,
            sha256="0" * 64,
            purpose="checklist_signature",
            organization_id=c.organization_id,
        )
        for c, _ in done
    )
    signer = principal_names([c.organization for c, _ in done])
    signatures = Signature.objects.bulk_create(
        Signature(
            checklist=c,
            method=SignatureMethod.DRAWN,
            stored_file=f,
            signer_name=signer[c.organization_id],
            signed_at=_submitted_at(c),
        )
        for (c, _), f in zip(done, files, strict=True)
    )
    by_checklist: dict[Any, list[Answer]] = {}
    for a in answers:
        by_checklist.setdefault(a.checklist_id, []).append(a)
    problems_by_answer: dict[Any, list[str]] = {}
    for line in lines:
        problems_by_answer.setdefault(line.answer_id, []).append(line.text)
    submissions = []
    for (c, status), sig in zip(done, signatures, strict=True):
        rows: list[dict[str, Any]] = [
            {
                "answer": a.pk,
                "clause": a.clause_id,
                "position": a.clause.position,
                "result": a.result,
                "result_label": AnswerResult(a.result).label if a.result else "",
                "remarks": "",
                "problems": problems_by_answer.get(a.pk, []),
                "evidence": [],
                "version": a.version,
            }
            for a in by_checklist[c.pk]
        ]
        submissions.append(
            Submission(
                checklist=c,
                number=1,
                submitted_at=_submitted_at(c),
                signature=sig,
                snapshot={
                    "organization": c.organization.name,
                    "template_version": c.template_version_id,
                    "answers": rows,
                    "counts": {
                        "clauses": len(rows),
                        "nonconform": sum(r["result"] == "nonconform" for r in rows),
                        "problems": sum(len(r["problems"]) for r in rows),
                    },
                },
                outcome={
                    "accepted": ReviewOutcome.ACCEPTED,
                    "returned": ReviewOutcome.RETURNED,
                }.get(status, ReviewOutcome.PENDING),
                reviewed_at=now if status in ("accepted", "returned") else None,
                review_reason=c.return_reason,
            )
        )
    Submission.objects.bulk_create(submissions)
    if stdout is not None:
        stdout.write(
            f"回头看细则：演示填报 {len(checklists)} 份（其中已提交 {len(done)} 份），"
            f"存在问题 {len(lines)} 条。"
        )
