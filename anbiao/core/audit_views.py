"""The audit trail, for the 审计管理员 (city office, role auditor) only: read, filter, export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from anbiao.core.access import get_in_scope_or_404, require
from anbiao.core.audit import log_action
from anbiao.core.audit_labels import action_label, object_type_label
from anbiao.core.audit_selectors import (
    EXPORT_HEADERS,
    EXPORT_WIDTHS,
    AuditFilter,
    audit_data_rows,
    audit_entries,
    audit_export_rows,
)
from anbiao.core.types import AuthedRequest
from anbiao.core.vocabulary import OrgKind, Role
from anbiao.core.xlsx import table_workbook, workbook_response


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label="起始日期", required=False)
    date_to = forms.DateField(label="截止日期", required=False)
    user = forms.CharField(label="用户", required=False, max_length=150)
    organization = forms.CharField(label="单位", required=False, max_length=100)
    action = forms.CharField(
        label="操作",
        required=False,
        max_length=80,
        help_text="操作名称中的字，如“下载”“退回”",
    )
    object = forms.CharField(label="对象", required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})
            self.fields[name].error_messages["invalid"] = "请输入正确的日期，例如 2026-01-31。"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return data

    def to_filter(self) -> AuditFilter:
        if not self.is_bound or not self.is_valid():
            return AuditFilter()
        d = self.cleaned_data
        return AuditFilter(
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            user=(d.get("user") or "").strip(),
            organization=(d.get("organization") or "").strip(),
            action=(d.get("action") or "").strip(),
            object=(d.get("object") or "").strip(),
        )


def _form(request: HttpRequest) -> AuditFilterForm:
    params = {k: v for k, v in request.GET.items() if k != "page"}
    return AuditFilterForm(params if params else None)


@require(kinds={OrgKind.CITY}, roles={Role.AUDITOR}, note="审计管理员")
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit trail, newest first, 50 a page, with filters."""
    form = _form(request)
    filters = form.to_filter()
    page = Paginator(audit_entries(filters=filters), 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.action_label = action_label(entry.action)  # type: ignore[attr-defined]
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "query": request.GET.urlencode()},
    )


@require(kinds={OrgKind.CITY}, roles={Role.AUDITOR}, note="审计管理员")
def audit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One entry with what changed (``data``) and its place in the hash chain."""
    entry = get_in_scope_or_404(audit_entries(), pk=pk)
    return render(
        request,
        "core/audit_detail.html",
        {
            "entry": entry,
            "data_rows": audit_data_rows(entry),
            "label": action_label(entry.action),
            "object_type": object_type_label(entry.object_type),
        },
    )


@require(kinds={OrgKind.CITY}, roles={Role.AUDITOR}, note="审计管理员")
def audit_export(request: AuthedRequest) -> HttpResponse:
    """The filtered entries as .xlsx; the export itself is recorded in the trail."""
    form = _form(request)
    if form.is_bound and not form.is_valid():
        page = Paginator(audit_entries(), 50).get_page(1)
        return render(
            request, "core/audit_list.html", {"form": form, "page": page, "query": ""}, status=400
        )
    filters = form.to_filter()
    rows = list(audit_export_rows(filters=filters))
    log_action(
        None,
        "anbiao.audit.exported",
        request=request,
        data={"filters": filters.as_dict(), "rows": len(rows)},
    )
    wb = table_workbook(
        title="审计日志",
        headers=EXPORT_HEADERS,
        rows=rows,
        widths=EXPORT_WIDTHS,
        sheet_title="审计日志",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(wb, filename=f"审计日志-{stamp}.xlsx")
