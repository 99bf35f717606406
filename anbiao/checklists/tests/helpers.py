"""Small builders for checklist tests: templates, a campaign, checklists in each state."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from anbiao.campaigns.models import Campaign, CampaignStatus
from anbiao.checklists import builtin, services
from anbiao.checklists.models import Answer, AnswerResult, Checklist, TemplateVersion


def png_bytes(color: str = "red", size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def png_upload(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def loaded_version(code: str) -> TemplateVersion:
    """The newest version of a built-in template, which the test has loaded."""
    version = builtin.latest_version(code)
    assert version is not None, f"{code} is not loaded"
    return version


def campaign(**overrides: Any) -> Campaign:
    builtin.load()
    existing = Campaign.objects.filter(name="测试专项行动").first()
    if existing is not None:
        return existing
    values = {
        "name": "测试专项行动",
        "period_start": date(2024, 9, 1),
        "period_end": date(2099, 12, 31),
        "enterprise_deadline": date(2099, 10, 31),
        "government_deadline": date(2099, 11, 15),
        "enterprise_template_version": loaded_version("fujian2_2024"),
        "government_template_version": loaded_version("fujian1_2024"),
        "status": CampaignStatus.OPEN,
        **overrides,
    }
    return Campaign.objects.create(**values)


def start(org: Any, by: Any = None, camp: Campaign | None = None) -> Checklist:
    return services.checklist_start(by=by, campaign=camp or campaign(), organization=org)


def fill_all(checklist: Checklist, result: str = AnswerResult.CONFORM) -> None:
    Answer.objects.filter(checklist=checklist).update(result=result, version=1)


def submitted(org: Any, by: Any, *, evidence: bool = True) -> Checklist:
    """A checklist answered in full, with one evidence file, submitted with a scan."""
    checklist = start(org, by)
    fill_all(checklist)
    if evidence:
        answer = checklist.answers.order_by("clause__position").first()
        assert answer is not None
        services.evidence_attach(by=by, answer=answer, upload=png_upload())
    services.checklist_submit(by=by, checklist=checklist, scan=png_upload("签字表.png"))
    checklist.refresh_from_db()
    return checklist


def person(org: Any, role: str, name: str) -> Any:
    """A user with a display name (make_user sets its own)."""
    from anbiao.orgs.tests.factories import make_user

    user = make_user(org, role)
    user.full_name = name
    user.save(update_fields=["full_name"])
    return user
