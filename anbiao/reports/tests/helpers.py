"""A unit with a filled look-back whose problems are tracked, ready to write its report."""

from __future__ import annotations

import base64
import io
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from anbiao.accounts.models import Role
from anbiao.checklists.exports.tests.helpers import campaign, fill, make_checklist, png_bytes
from anbiao.orgs.models import Organization
from anbiao.orgs.tests.factories import make_user
from anbiao.rectification.models import Problem, ProblemStatus
from anbiao.reports import services
from anbiao.reports.models import Report


def signature_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(300, "navy")).decode()


def unit_with_problems(organization: Organization) -> dict[str, Any]:
    filler = make_user(organization, Role.FILLER)
    principal = make_user(organization, Role.PRINCIPAL)
    principal.full_name = "李主要"
    principal.save(update_fields=["full_name"])
    checklist = make_checklist(organization)
    problems = fill(checklist, problems_every=10, lines_per_problem=1, user=filler, track=True)
    tracked = list(Problem.objects.filter(organization=organization).order_by("clause__position"))
    first = tracked[0]
    first.responsible_person = "王安全"
    first.deadline = date(2030, 1, 31)
    first.status = ProblemStatus.IN_PROGRESS
    first.save()
    last = tracked[-1]
    last.responsible_person = "赵设备"
    last.status = ProblemStatus.CLOSED
    last.save()
    return {
        "organization": organization,
        "filler": filler,
        "principal": principal,
        "checklist": checklist,
        "problems": problems,
        "tracked": tracked,
        "campaign": campaign(),
    }


def started_report(
    unit: dict[str, Any], text: str = "由主要负责人牵头，成立“回头看”工作小组，对照细则逐条自查。"
) -> Report:
    report = services.report_start(
        by=unit["filler"], campaign=unit["campaign"], organization=unit["organization"]
    )
    version = report.versions.get()
    services.report_draft_save(
        by=unit["filler"],
        version=version,
        expected_version=version.edit_version,
        data=services.DraftInput(organization_text=text, plan_text="剩余问题于月底前整改完毕。"),
    )
    return report


def pdf_upload(name: str = "签字页.pdf") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(out, format="PDF")
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")
