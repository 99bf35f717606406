"""Registry import views: upload → preview (nothing written) → confirm (one transaction)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anbiao.accounts.models import Role
from anbiao.core.access import GOV_KINDS, require
from anbiao.core.downloads import serve_workbook
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.core.xlsx import table_workbook
from anbiao.orgs.registry import mapping, services
from anbiao.orgs.registry.forms import ColumnMappingForm, RegistryUploadForm
from anbiao.orgs.registry.header import SAVED, Header, missing_message
from anbiao.orgs.registry.reader import RegistryFileError
from anbiao.orgs.registry_columns import REGISTRY_COLUMNS

IMPORTERS = frozenset({Role.ORG_ADMIN, Role.FILLER})
SESSION_KEY = "registry_import"
SHOW_ROWS = 200  # rows listed per section of the preview; the counts are always complete
SHOW_ISSUES = 1000  # beyond this the page points to the downloadable error list


def _pending(request: HttpRequest) -> services.PendingImport | None:
    return services.PendingImport.from_session(request.session.get(SESSION_KEY))


def _forget(request: HttpRequest) -> None:
    pending = _pending(request)
    if pending is not None:
        services.registry_upload_discard(pending=pending)
    request.session.pop(SESSION_KEY, None)


def _upload_page(request: HttpRequest, form: RegistryUploadForm) -> HttpResponse:
    return render(
        request,
        "orgs/registry_import.html",
        {"form": form, "columns": REGISTRY_COLUMNS, "pending": _pending(request)},
    )


@require(kinds=GOV_KINDS, roles=IMPORTERS)
def registry_import(request: AuthedRequest) -> HttpResponse:
    """Choose a file; it is checked and kept on the server, then the preview opens."""
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            pending = services.registry_upload_store(upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            _forget(request)
            request.session[SESSION_KEY] = pending.as_session()
            return redirect("orgs:registry_preview")
    return _upload_page(request, form)


@require(kinds=GOV_KINDS, roles=IMPORTERS)
def registry_preview(request: AuthedRequest) -> HttpResponse:
    """What a confirmation would write: nothing is written here."""
    pending = _pending(request)
    if pending is None:
        messages.info(request, "请先选择要导入的底数台账文件。")
        return redirect("orgs:registry_import")
    try:
        plan = services.registry_preview(user=request.user, pending=pending)
    except services.ColumnsMissing as exc:
        return _columns_page(request, pending, ColumnMappingForm(header=exc.header))
    except RegistryFileError as exc:
        _forget(request)
        form = RegistryUploadForm()
        form.add_error(None, exc.message)
        return _upload_page(request, form)
    issues = plan.issues
    return render(
        request,
        "orgs/registry_preview.html",
        {
            "pending": pending,
            "plan": plan,
            "digest": plan.digest(),
            "issues": issues[:SHOW_ISSUES],
            "created": plan.created[:SHOW_ROWS],
            "updated": plan.updated[:SHOW_ROWS],
            "skipped": plan.skipped[:SHOW_ROWS],
            "pending_rows": plan.pending,
            "counts": {
                "created": len(plan.created),
                "updated": len(plan.updated),
                "skipped": len(plan.skipped),
                "errors": len(plan.error_rows),
                "pending": len(plan.pending),
                "issues": len(issues),
            },
            "show_rows": SHOW_ROWS,
            "show_issues": SHOW_ISSUES,
            "mapped": [
                (c.header, plan.header.labels[c.key])
                for c in REGISTRY_COLUMNS
                if c.key in plan.header.labels
            ],
            "saved_keys": [k for k, v in plan.header.sources.items() if v == SAVED],
            "missing_optional": [
                c.header
                for c in REGISTRY_COLUMNS
                if not c.required and c.key not in plan.header.columns
            ],
        },
    )


def _columns_page(
    request: HttpRequest, pending: services.PendingImport, form: ColumnMappingForm
) -> HttpResponse:
    header: Header = form.header
    return render(
        request,
        "orgs/registry_columns.html",
        {
            "pending": pending,
            "form": form,
            "header": header,
            "missing": missing_message(header) if header.missing_required() else "",
        },
    )


@require(kinds=GOV_KINDS, roles=IMPORTERS)
def registry_columns(request: AuthedRequest) -> HttpResponse:
    """Which column of the file holds which registry column; saved for the user's unit."""
    pending = _pending(request)
    if pending is None:
        messages.info(request, "请先选择要导入的底数台账文件。")
        return redirect("orgs:registry_import")
    try:
        header = services.registry_header(user=request.user, pending=pending)
    except RegistryFileError as exc:
        _forget(request)
        messages.error(request, exc.message)
        return redirect("orgs:registry_import")
    form = ColumnMappingForm(request.POST or None, header=header)
    if request.method == "POST" and form.is_valid():
        try:
            mapping.registry_mapping_save(user=request.user, header=header, chosen=form.chosen())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存列的对应关系；本单位以后上传的文件会自动按此识别。")
            return redirect("orgs:registry_preview")
    return _columns_page(request, pending, form)


@require(kinds=GOV_KINDS, roles=IMPORTERS)
def registry_errors(request: AuthedRequest) -> HttpResponse:
    """Every error of the kept upload as an .xlsx, to fix the file row by row."""
    pending = _pending(request)
    if pending is None:
        messages.info(request, "请先选择要导入的底数台账文件。")
        return redirect("orgs:registry_import")
    try:
        plan = services.registry_preview(user=request.user, pending=pending)
    except services.ColumnsMissing:
        return redirect("orgs:registry_columns")
    except RegistryFileError as exc:
        _forget(request)
        messages.error(request, exc.message)
        return redirect("orgs:registry_import")
    rows: list[list[Any]] = [
        [row_no, issue.column, issue.letter, issue.message, issue.value]
        for row_no, issue in plan.error_list()
    ]
    wb = table_workbook(
        title="底数台账导入错误清单",
        headers=["行号", "列", "列号", "原因", "单元格内容"],
        rows=rows,
        widths=[8, 18, 8, 60, 30],
        sheet_title="错误清单",
    )
    stem = pending.name.rsplit(".", 1)[0]
    return serve_workbook(request, wb, filename=f"{stem}_错误清单.xlsx")


@require(kinds=GOV_KINDS, roles=IMPORTERS)
@require_POST
def registry_confirm(request: AuthedRequest) -> HttpResponse:
    """Re-validate the kept file and write the accepted rows in one transaction."""
    pending = _pending(request)
    if pending is None:
        messages.info(request, "没有待确认的导入，请重新上传文件。")
        return redirect("orgs:registry_import")
    try:
        result = services.registry_import_confirm(
            user=request.user,
            pending=pending,
            accepted=request.POST.getlist("accept"),
            digest=request.POST.get("digest", ""),
            request=request,
        )
    except services.PlanChanged:
        messages.warning(request, "预览之后系统中的数据发生了变化，请重新核对预览后再确认。")
        return redirect("orgs:registry_preview")
    except services.ColumnsMissing:
        return redirect("orgs:registry_columns")
    except RegistryFileError as exc:
        _forget(request)
        messages.error(request, exc.message)
        return redirect("orgs:registry_import")
    request.session.pop(SESSION_KEY, None)
    text = f"导入完成：新增 {result.created} 家，更新 {result.updated} 家，跳过 {result.skipped} 行"
    if result.errors:
        text += f"，有错误未导入 {result.errors} 行"
    if result.not_accepted:
        text += f"，校验位不通过且未勾选接受 {result.not_accepted} 行"
    messages.success(request, text + "。")
    return redirect("orgs:enterprise_list")


@require(kinds=GOV_KINDS, roles=IMPORTERS)
@require_POST
def registry_cancel(request: AuthedRequest) -> HttpResponse:
    """Drop the kept file without writing anything."""
    _forget(request)
    messages.info(request, "已取消导入，未写入任何数据。")
    return redirect("orgs:registry_import")
