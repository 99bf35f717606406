"""Good experiences and work mechanisms: lists, forms, evidence, submission, 优秀案例."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbiao.core.access import GOV_KINDS, WRITER_ROLES, get_in_scope_or_404, require
from anbiao.core.audit import log_action
from anbiao.core.downloads import serve_stored_file
from anbiao.core.form_errors import add_service_errors
from anbiao.core.models import StoredFile
from anbiao.core.types import AuthedRequest
from anbiao.core.versioning import EditConflict, keep_for_retry, version_of
from anbiao.core.xlsx import table_workbook, workbook_response
from anbiao.orgs.models import OrgKind
from anbiao.records import selectors, services
from anbiao.records.forms import EvidenceForm, RecordFilterForm, RecordForm
from anbiao.records.models import EVIDENCE_RULE, Record, RecordKind


def _filters(request: AuthedRequest) -> tuple[RecordFilterForm, selectors.RecordFilter]:
    government = request.user.organization.kind in GOV_KINDS
    orgs = selectors.record_organizations(user=request.user) if government else []
    form = RecordFilterForm(request.GET or None, government=government, orgs=orgs)
    data = form.cleaned_data if form.is_valid() else {}
    f = selectors.RecordFilter(
        scope=data.get("scope") or "own",
        kind=data.get("kind") or "",
        category=data.get("category") or "",
        status=data.get("status") or "",
        selected=data.get("selected") or "",
        org=data.get("org") or "",
        q=data.get("q") or "",
    )
    return form, f


@require()
def record_list(request: AuthedRequest) -> HttpResponse:
    form, f = _filters(request)
    qs = selectors.record_list(user=request.user, filters=f)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    org = request.user.organization
    return render(
        request,
        "records/list.html",
        {
            "form": form,
            "page": page,
            "filters": f,
            "can_write": request.user.has_role(*WRITER_ROLES),
            "is_government": org.kind in GOV_KINDS,
            "rule": EVIDENCE_RULE,
        },
    )


@require()
def record_export(request: AuthedRequest) -> HttpResponse:
    _, f = _filters(request)
    qs = selectors.record_list(user=request.user, filters=f)
    wb = table_workbook(
        title="经验做法与工作机制",
        headers=selectors.EXPORT_HEADERS,
        rows=selectors.record_export_rows(qs),
        widths=[10, 28, 12, 30, 14, 12, 8, 10, 8, 8, 50],
        sheet_title="经验做法与工作机制",
    )
    log_action(None, "anbiao.record.exported", request=request, data={"filters": f.__dict__})
    stamp = timezone.localtime().strftime("%Y%m%d")
    return workbook_response(wb, filename=f"经验做法与工作机制_{stamp}.xlsx")


@require(roles=WRITER_ROLES)
def record_create(request: AuthedRequest, kind: str) -> HttpResponse:
    if kind not in RecordKind.values:
        raise Http404
    if kind == RecordKind.MECHANISM and request.user.organization.kind == OrgKind.ENTERPRISE:
        raise Http404
    form = RecordForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.record_create(
                by=request.user,
                kind=kind,
                title=data["title"],
                summary=data["summary"],
                date=data["date"],
                category=data.get("category") or "",
                document=data.get("document"),
                evidence=data.get("evidence") or [],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if record.evidence.exists():
                messages.success(request, "已保存为草稿。请核对后点击“提交”。")
            else:
                messages.warning(request, f"已保存为草稿。{EVIDENCE_RULE}")
            return redirect("records:detail", pk=record.pk)
    return render(
        request,
        "records/form.html",
        {"form": form, "title": f"新增{RecordKind(kind).label}", "kind": kind},
    )


def _own_record(request: AuthedRequest, pk: str) -> Record:
    record = selectors.record_get(user=request.user, pk=pk)
    if record.organization_id != request.user.organization_id:
        raise Http404("对象不存在或无权访问")
    return record


@require()
def record_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    record = selectors.record_get(user=request.user, pk=pk)
    if record.is_draft and record.organization_id != request.user.organization_id:
        raise Http404("对象不存在或无权访问")
    return render(
        request,
        "records/detail.html",
        {
            "r": record,
            "evidence": record.evidence.all(),
            "can_edit": selectors.can_edit(request.user, record),
            "can_select": selectors.can_select(request.user, record),
            "evidence_form": EvidenceForm(),
            "rule": EVIDENCE_RULE,
        },
    )


@require(roles=WRITER_ROLES)
def record_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    record = _own_record(request, pk)
    initial = {
        "version": record.version,
        "title": record.title,
        "summary": record.summary,
        "date": record.date,
        "category": record.category,
    }
    form = RecordForm(
        request.POST or None, request.FILES or None, kind=record.kind, editing=True, initial=initial
    )
    conflict: EditConflict | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_update(
                by=request.user,
                record=record,
                title=data["title"],
                summary=data["summary"],
                date=data["date"],
                category=data.get("category") or "",
                document=data.get("document"),
                expected_version=version_of(form),
            )
        except EditConflict as exc:
            keep_for_retry(form, exc)
            conflict, status = exc, 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("records:detail", pk=record.pk)
    return render(
        request,
        "records/form.html",
        {
            "form": form,
            "title": f"编辑：{record.title}",
            "kind": record.kind,
            "record": record,
            "conflict": conflict,
        },
        status=status,
    )


@require(roles=WRITER_ROLES)
@require_POST
def record_evidence_add(request: AuthedRequest, pk: str) -> HttpResponse:
    record = _own_record(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = services.record_evidence_add(
                by=request.user, record=record, uploads=form.cleaned_data["evidence"]
            )
        except ValidationError as exc:
            messages.error(request, "佐证材料：" + "；".join(exc.messages))
        else:
            messages.success(request, f"已上传 {len(stored)} 份佐证材料。")
    else:
        messages.error(request, "佐证材料：请选择要上传的文件。")
    return redirect("records:detail", pk=record.pk)


@require(roles=WRITER_ROLES)
@require_POST
def record_evidence_remove(request: AuthedRequest, pk: str, file_id: str) -> HttpResponse:
    record = _own_record(request, pk)
    # A file of the record's own organization; removing one already detached is a no-op.
    stored = get_in_scope_or_404(
        StoredFile.objects.filter(organization_id=record.organization_id), pk=file_id
    )
    services.record_evidence_remove(by=request.user, record=record, stored=stored)
    messages.success(request, f"已删除佐证材料：{stored.original_name}")
    return redirect("records:detail", pk=record.pk)


@require(roles=WRITER_ROLES)
@require_POST
def record_submit(request: AuthedRequest, pk: str) -> HttpResponse:
    record = _own_record(request, pk)
    try:
        services.record_submit(by=request.user, record=record)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已提交，计入统计表。")
    return redirect("records:detail", pk=record.pk)


@require(roles=WRITER_ROLES)
@require_POST
def record_withdraw(request: AuthedRequest, pk: str) -> HttpResponse:
    record = _own_record(request, pk)
    try:
        services.record_withdraw(by=request.user, record=record)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已撤回为草稿。")
    return redirect("records:detail", pk=record.pk)


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def record_select(request: AuthedRequest, pk: str) -> HttpResponse:
    record = selectors.record_get(user=request.user, pk=pk)
    if not selectors.can_select(request.user, record):
        raise Http404("对象不存在或无权访问")
    selected = request.POST.get("selected") == "1"
    try:
        services.record_select(by=request.user, record=record, selected=selected)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已评为优秀案例。" if selected else "已取消优秀案例。")
    return redirect("records:detail", pk=record.pk)


@require()
def record_file(request: AuthedRequest, pk: str, file_id: str) -> HttpResponseBase:
    record = selectors.record_get(user=request.user, pk=pk)
    if record.is_draft and record.organization_id != request.user.organization_id:
        raise Http404("对象不存在或无权访问")
    # the document is read with the record (select_related): testing it costs no query
    if record.document is not None and str(record.document_id) == str(file_id):
        stored = record.document
    else:
        stored = get_in_scope_or_404(record.evidence.all(), pk=file_id)
    return serve_stored_file(request, stored, owner=record)
