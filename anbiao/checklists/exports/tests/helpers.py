"""Building filled checklists for the export tests (templates loaded from the real data files)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from anbiao.campaigns.models import Campaign, CampaignStatus
from anbiao.checklists import builtin
from anbiao.checklists.models import (
    Answer,
    AnswerEvidence,
    AnswerResult,
    Checklist,
    ChecklistStatus,
    ProblemLine,
    Signature,
    SignatureMethod,
)
from anbiao.checklists.tests.helpers import loaded_version
from anbiao.core.uploads import store_upload
from anbiao.orgs.models import Organization


def png_bytes(text_width: int = 120, color: str = "black") -> bytes:
    img = Image.new("RGB", (text_width, 60), "white")
    ImageDraw.Draw(img).line((5, 40, text_width - 5, 15), fill=color, width=4)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def campaign() -> Campaign:
    builtin.load()
    existing = Campaign.objects.first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    return Campaign.objects.create(
        name="测试专项行动“回头看”",
        period_start=date(2024, 9, 1),
        period_end=today + timedelta(days=60),
        enterprise_deadline=today + timedelta(days=20),
        government_deadline=today + timedelta(days=30),
        enterprise_template_version=loaded_version("fujian2_2024"),
        government_template_version=loaded_version("fujian1_2024"),
        status=CampaignStatus.OPEN,
    )


def make_checklist(organization: Organization, **kw: Any) -> Checklist:
    """An empty look-back checklist of ``organization`` with one answer per clause."""
    c = campaign()
    version = c.template_version_for(organization)
    checklist = Checklist.objects.create(
        campaign=c,
        organization=organization,
        template_version=version,
        **kw,
    )
    Answer.objects.bulk_create(
        Answer(checklist=checklist, clause=clause) for clause in version.clauses.all()
    )
    return checklist


def fill(
    checklist: Checklist,
    *,
    problems_every: int = 5,
    lines_per_problem: int = 2,
    evidence_every: int = 0,
    sign: bool = True,
    user: Any = None,
    track: bool = False,
) -> dict[int, list[str]]:
    """Answer every clause; every ``problems_every``-th clause is 不符合 with problem lines.

    Returns clause position → problem texts.
    """
    expected: dict[int, list[str]] = {}
    answers = list(checklist.answers.select_related("clause").order_by("clause__position"))
    for answer in answers:
        pos = answer.clause.position
        if problems_every and pos % problems_every == 0:
            answer.result = AnswerResult.NONCONFORM
            texts = [f"第{pos}条问题{n}：台账缺少签字" for n in range(1, lines_per_problem + 1)]
            ProblemLine.objects.bulk_create(
                ProblemLine(answer=answer, position=i, text=t) for i, t in enumerate(texts, 1)
            )
            expected[pos] = texts
            if track:  # the rectification app's tracked problems, as the checklists save does
                from django.db import transaction

                from anbiao.rectification.sync import sync_answer_problems

                with transaction.atomic():  # as inside the checklists' save
                    sync_answer_problems(answer, by=user)
        elif pos % 7 == 0:
            answer.result = AnswerResult.NOT_APPLICABLE
            answer.remarks = f"第{pos}条不涉及"
        else:
            answer.result = AnswerResult.CONFORM
        answer.save()
        if evidence_every and pos % evidence_every == 0:
            stored = store_upload(
                SimpleUploadedFile("现场照片.png", png_bytes(), content_type="image/png"),
                by=user,
                organization=checklist.organization,
                purpose="evidence",
            )
            AnswerEvidence.objects.create(answer=answer, stored_file=stored, added_by=user)
    if sign:
        stored = store_upload(
            SimpleUploadedFile("签字.png", png_bytes(200, "navy"), content_type="image/png"),
            by=user,
            organization=checklist.organization,
            purpose="signature",
            images_only=True,
        )
        Signature.objects.create(
            checklist=checklist,
            method=SignatureMethod.DRAWN,
            stored_file=stored,
            signed_by=user,
            signer_name="张三",
            signed_at=timezone.now(),
        )
        checklist.status = ChecklistStatus.SUBMITTED
        checklist.submitted_at = timezone.now()
        checklist.save()
    return expected
