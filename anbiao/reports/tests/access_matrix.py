"""Access cases of the 自查自纠报告 (and, until the checklists app imports them, the exports).

"own" = the report of the world's enterprise ``ent`` (seen by its department, its town and the
city office; written only by the enterprise's own writers); "other" = the report of
``ent_other`` (only the city office sees it).
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anbiao.accounts.models import BUSINESS_ROLES, Role
from anbiao.checklists.exports.tests.helpers import campaign
from anbiao.core.access import WRITER_ROLES
from anbiao.core.tests.matrix import Case, allow
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import make_user
from anbiao.reports import services
from anbiao.reports.models import Report

ALL = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN, OrgKind.ENTERPRISE)
BUSINESS = tuple(BUSINESS_ROLES)
WRITERS = tuple(WRITER_ROLES)
ENT_WRITERS = tuple(f"enterprise:{r}" for r in WRITER_ROLES)


def _report(w, attr: str) -> Report:  # noqa: ANN001
    org = getattr(w, attr).organization
    existing = Report.objects.filter(organization=org).first()
    if existing is not None:
        return existing
    writer = make_user(org, Role.FILLER)
    return services.report_start(by=writer, campaign=campaign(), organization=org)


def report_url(name: str, attr: str, *version: int):  # noqa: ANN201
    return lambda w: reverse(name, args=[_report(w, attr).pk, *version])


def _signed_report_url(name: str, attr: str):  # noqa: ANN202
    def url(w):  # noqa: ANN001, ANN202
        from anbiao.reports.tests.helpers import signature_data_url

        report = _report(w, attr)
        principal = make_user(report.organization, Role.PRINCIPAL)
        services.report_sign_drawn(
            by=principal, version=report.versions.get(), data_url=signature_data_url()
        )
        return reverse(name, args=[report.pk, 1])

    return url


def _edited_report_url(name: str, attr: str):  # noqa: ANN202
    def url(w):  # noqa: ANN001, ANN202
        report = _report(w, attr)
        writer = make_user(report.organization, Role.FILLER)
        services.report_docx_upload(
            by=writer, version=report.versions.get(), upload=_docx_data(w)["docx"]
        )
        return reverse(name, args=[report.pk, 1])

    return url


def _draft_data(w):  # noqa: ANN001, ANN202
    version = _report(w, "ent").versions.order_by("-number").first()
    return {"version": version.edit_version, "organization_text": "组织情况", "plan_text": ""}


def _docx_data(w):  # noqa: ANN001, ANN202
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return {"docx": SimpleUploadedFile("报告.docx", out.getvalue())}


def _scan_data(w):  # noqa: ANN001, ANN202
    from anbiao.reports.tests.helpers import pdf_upload

    return {"signer_name": "李主要", "scan": pdf_upload()}


def _sign_data(w):  # noqa: ANN001, ANN202
    from anbiao.reports.tests.helpers import signature_data_url

    return {"signature": signature_data_url()}


def _start_data(w):  # noqa: ANN001, ANN202
    return {"campaign": campaign().pk}


REPORT_CASES: list[Case] = [
    Case("reports:list", "scope", lambda w: reverse("reports:list"), allow(ALL, BUSINESS)),
    Case(
        "reports:start",
        "own",
        lambda w: reverse("reports:start"),
        allow(ALL, WRITERS, ok=302),
        method="post",
        data=_start_data,
    ),
    Case("reports:detail", "own", report_url("reports:detail", "ent"), allow(ALL, BUSINESS)),
    Case(
        "reports:detail",
        "other",
        report_url("reports:detail", "ent_other"),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case("reports:docx", "own", report_url("reports:docx", "ent", 1), allow(ALL, BUSINESS)),
    Case(
        "reports:docx",
        "other",
        report_url("reports:docx", "ent_other", 1),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case("reports:pdf", "own", report_url("reports:pdf", "ent", 1), allow(ALL, BUSINESS)),
    Case(
        "reports:pdf",
        "other",
        report_url("reports:pdf", "ent_other", 1),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case(
        "reports:signature",
        "own",
        _signed_report_url("reports:signature", "ent"),
        allow(ALL, BUSINESS),
    ),
    Case(
        "reports:signature",
        "other",
        _signed_report_url("reports:signature", "ent_other"),
        allow([OrgKind.CITY], BUSINESS),
    ),
    # No edited .docx uploaded yet: 404 for everybody, the scope check comes first.
    Case(
        "reports:edited_docx",
        "own (none uploaded)",
        report_url("reports:edited_docx", "ent", 1),
        allow(only=()),
    ),
    Case(
        "reports:edited_docx",
        "own (uploaded)",
        _edited_report_url("reports:edited_docx", "ent"),
        allow(ALL, BUSINESS),
    ),
    # Writes: only the enterprise's own writers; everybody else 404, even its supervisors.
    Case(
        "reports:save",
        "own",
        report_url("reports:save", "ent"),
        allow(only=ENT_WRITERS, ok=302),
        method="post",
        data=_draft_data,
    ),
    Case(
        "reports:save",
        "other",
        report_url("reports:save", "ent_other"),
        allow(only=()),
        method="post",
        data=_draft_data,
    ),
    Case(
        "reports:upload",
        "own",
        report_url("reports:upload", "ent"),
        allow(only=ENT_WRITERS, ok=302),
        method="post",
        data=_docx_data,
    ),
    Case(
        "reports:sign_scan",
        "own",
        report_url("reports:sign_scan", "ent"),
        allow(only=ENT_WRITERS, ok=302),
        method="post",
        data=_scan_data,
    ),
    Case(
        "reports:sign",
        "own",
        report_url("reports:sign", "ent"),
        allow(only=["enterprise:principal"], ok=302),
        method="post",
        data=_sign_data,
    ),
    Case(
        "reports:finalize",
        "own",
        report_url("reports:finalize", "ent"),
        allow(only=ENT_WRITERS, ok=302),
        method="post",
    ),
    Case(
        "reports:finalize",
        "other",
        report_url("reports:finalize", "ent_other"),
        allow(only=()),
        method="post",
    ),
    Case(
        "reports:new_version",
        "own",
        report_url("reports:new_version", "ent"),
        allow(only=ENT_WRITERS, ok=302),
        method="post",
    ),
]

CASES = REPORT_CASES
