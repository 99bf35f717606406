"""自查自纠报告: list, write (draft), download .docx/.pdf, upload the edited .docx, sign, finalize.

Any business user sees the reports of the units in their scope (404 otherwise); only writers
of the report's own unit change it, and only a 主要负责人 signs on screen.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.campaigns.models import Campaign, CampaignStatus
from anbiao.core.access import WRITER_ROLES, can_sign, can_write, get_in_scope_or_404, require
from anbiao.core.audit import log_action
from anbiao.core.downloads import serve_stored_file
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.core.validators import keep_stored_phones
from anbiao.core.versioning import EditConflict, keep_for_retry, version_of
from anbiao.core.xlsx import attachment_response
from anbiao.reports import documents, selectors, services
from anbiao.reports.forms import DocxUploadForm, DraftForm, ScanForm, SignForm, StartForm
from anbiao.reports.models import Report, ReportVersion

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _messages(exc: ValidationError) -> list[str]:
    return [m for m in exc.messages]


@require()
def report_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    org = user.organization
    own = {r.campaign_id: r for r in selectors.reports_for_user(user).filter(organization=org)}
    campaigns = Campaign.objects.exclude(status=CampaignStatus.DRAFT).order_by("-period_start")
    rows = [(c, own.get(c.pk)) for c in campaigns]
    in_scope = []
    if org is not None and org.is_government:
        in_scope = list(
            selectors.reports_for_user(user)
            .exclude(organization=org)
            .filter(counted_version__isnull=False)
            .order_by("campaign", "organization__name")[:500]
        )
    return render(
        request,
        "reports/list.html",
        {"rows": rows, "in_scope": in_scope, "can_write": can_write(user)},
    )


@require(roles=WRITER_ROLES)
def report_start(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        raise Http404("页面不存在")
    form = StartForm(request.POST)
    if not form.is_valid():
        raise Http404("专项行动不存在")
    campaign = get_in_scope_or_404(
        Campaign.objects.exclude(status=CampaignStatus.DRAFT), pk=form.cleaned_data["campaign"]
    )
    try:
        report = services.report_start(
            by=request.user, campaign=campaign, organization=request.user.organization
        )
    except ValidationError as exc:
        for m in _messages(exc):
            messages.error(request, m)
        return redirect("reports:list")
    return redirect("reports:detail", pk=report.pk)


def _detail(
    request: AuthedRequest,
    report: Report,
    *,
    draft_form: DraftForm | None = None,
    upload_form: DocxUploadForm | None = None,
    scan_form: ScanForm | None = None,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    versions = list(report.versions.select_related("signature_file", "edited_docx"))
    shown: ReportVersion | None = versions[0] if versions else None
    wanted = request.GET.get("v")
    if wanted:
        shown = next((v for v in versions if str(v.number) == wanted), None)
        if shown is None:
            raise Http404("版本不存在")
    writable = report.organization_id == getattr(
        request.user.organization, "pk", None
    ) and can_write(request.user)
    context: dict[str, Any] = {
        "report": report,
        "versions": versions,
        "version": shown,
        "facts": selectors.report_facts(shown) if shown else None,
        "writable": writable and shown is not None and shown.is_draft,
        "can_new_version": writable and not any(v.is_draft for v in versions),
        "can_sign": can_sign(request.user),
        "draft_form": draft_form or (DraftForm.for_version(shown) if shown else None),
        "upload_form": upload_form or DocxUploadForm(),
        "scan_form": scan_form or ScanForm(),
        "sign_form": SignForm(),
        "conflict": conflict,
    }
    if shown is not None and context["facts"]:
        context["basic_rows"] = documents.basic_rows(context["facts"])
        context["checklist_sentence"] = documents.checklist_sentence(context["facts"])
        context["totals_sentence"] = documents.totals_sentence(context["facts"])
    return render(request, "reports/detail.html", context, status=status)


@require()
def report_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    return _detail(request, selectors.report_get(user=request.user, pk=pk))


def _own_draft(request: AuthedRequest, pk: str) -> tuple[Report, ReportVersion]:
    report = selectors.own_report_get(user=request.user, pk=pk)
    version = selectors.draft_version(report)
    if version is None:
        raise ValidationError("没有可修改的草稿。如需修改已定稿的报告，请先“新建版本”。")
    return report, version


def _post_only(request: HttpRequest) -> None:
    if request.method != "POST":
        raise Http404("页面不存在")


@require(roles=WRITER_ROLES)
def report_save(request: AuthedRequest, pk: str) -> HttpResponse:
    _post_only(request)
    report = selectors.own_report_get(user=request.user, pk=pk)
    form = DraftForm(request.POST)
    version = selectors.draft_version(report)
    if version is not None:
        keep_stored_phones(form, contact_phone=version.contact_phone)
    if version is None:
        messages.error(request, "没有可修改的草稿。如需修改已定稿的报告，请先“新建版本”。")
        return _detail(request, report, draft_form=form, status=409)
    if not form.is_valid():
        return _detail(request, report, draft_form=form, status=400)
    data = services.DraftInput(
        organization_text=form.cleaned_data["organization_text"],
        plan_text=form.cleaned_data["plan_text"],
        contact_person=form.cleaned_data["contact_person"],
        contact_phone=form.cleaned_data["contact_phone"],
    )
    try:
        services.report_draft_save(
            by=request.user,
            version=version,
            expected_version=version_of(form),
            data=data,
        )
    except EditConflict as exc:
        keep_for_retry(form, exc)
        return _detail(request, report, draft_form=form, conflict=exc, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail(request, report, draft_form=form, status=400)
    messages.success(request, "草稿已保存。")
    return redirect("reports:detail", pk=report.pk)


@require(roles=WRITER_ROLES)
def report_upload(request: AuthedRequest, pk: str) -> HttpResponse:
    _post_only(request)
    report = selectors.own_report_get(user=request.user, pk=pk)
    form = DocxUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _, version = _own_draft(request, pk)
            services.report_docx_upload(
                by=request.user, version=version, upload=form.cleaned_data["docx"]
            )
        except ValidationError as exc:
            form.add_error("docx", _messages(exc))
        else:
            messages.success(request, "修改后的报告已上传，定稿时以此文件为准。")
            return redirect("reports:detail", pk=report.pk)
    return _detail(request, report, upload_form=form, status=400)


@require(roles=[Role.PRINCIPAL])
def report_sign(request: AuthedRequest, pk: str) -> HttpResponse:
    _post_only(request)
    report = selectors.own_report_get(user=request.user, pk=pk)
    form = SignForm(request.POST)
    form.is_valid()
    try:
        _, version = _own_draft(request, pk)
        services.report_sign_drawn(
            by=request.user, version=version, data_url=form.cleaned_data.get("signature", "")
        )
    except ValidationError as exc:
        for m in _messages(exc):
            messages.error(request, m)
    else:
        messages.success(request, "已签字。请核对报告后点击“定稿”。")
    return redirect("reports:detail", pk=report.pk)


@require(roles=WRITER_ROLES)
def report_sign_scan(request: AuthedRequest, pk: str) -> HttpResponse:
    _post_only(request)
    report = selectors.own_report_get(user=request.user, pk=pk)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _, version = _own_draft(request, pk)
            services.report_sign_scan(
                by=request.user,
                version=version,
                upload=form.cleaned_data["scan"],
                signer_name=form.cleaned_data["signer_name"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, rest="scan")
        else:
            messages.success(request, "签字扫描件已上传。请核对报告后点击“定稿”。")
            return redirect("reports:detail", pk=report.pk)
    return _detail(request, report, scan_form=form, status=400)


@require(roles=WRITER_ROLES)
def report_finalize(request: AuthedRequest, pk: str) -> HttpResponse:
    _post_only(request)
    report = selectors.own_report_get(user=request.user, pk=pk)
    try:
        _, version = _own_draft(request, pk)
        services.report_finalize(by=request.user, version=version)
    except ValidationError as exc:
        for m in _messages(exc):
            messages.error(request, m)
    else:
        messages.success(request, "报告已定稿，计入“形成自查自纠报告”统计。")
    return redirect("reports:detail", pk=report.pk)


@require(roles=WRITER_ROLES)
def report_new_version(request: AuthedRequest, pk: str) -> HttpResponse:
    _post_only(request)
    report = selectors.own_report_get(user=request.user, pk=pk)
    try:
        version = services.report_new_version(by=request.user, report=report)
    except ValidationError as exc:
        for m in _messages(exc):
            messages.error(request, m)
    else:
        messages.success(request, f"已新建第{version.number}版草稿；定稿后将替换原定稿版本。")
    return redirect("reports:detail", pk=report.pk)


def _version(request: AuthedRequest, pk: str, number: int) -> ReportVersion:
    report = selectors.report_get(user=request.user, pk=pk)
    version = selectors.version_get(report=report, number=number)
    version.report = report
    return version


def _stem(version: ReportVersion) -> str:
    return f"{version.report.organization.name}_自查自纠报告_第{version.number}版"


@require()
def report_docx(request: AuthedRequest, pk: str, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    content = documents.render_docx(version, selectors.report_facts(version))
    log_action(version.report, "anbiao.report.exported", request=request, data={"format": "docx"})
    return attachment_response(content, filename=f"{_stem(version)}.docx", content_type=DOCX_MIME)


@require()
def report_pdf(request: AuthedRequest, pk: str, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    content = documents.render_pdf(version, selectors.report_facts(version))
    log_action(version.report, "anbiao.report.exported", request=request, data={"format": "pdf"})
    return attachment_response(
        content, filename=f"{_stem(version)}.pdf", content_type="application/pdf"
    )


@require()
def report_edited_docx(request: AuthedRequest, pk: str, number: int) -> HttpResponseBase:
    version = _version(request, pk, number)
    if version.edited_docx is None:
        raise Http404("没有上传的修改稿")
    return serve_stored_file(request, version.edited_docx, owner=version.report)


@require()
def report_signature(request: AuthedRequest, pk: str, number: int) -> HttpResponseBase:
    version = _version(request, pk, number)
    if version.signature_file is None:
        raise Http404("尚未签字")
    return serve_stored_file(request, version.signature_file, owner=version.report, inline=True)


def detail_url(report: Report) -> str:
    return reverse("reports:detail", args=[report.pk])
