"""The Excel round trip pages: download → fill offline → upload → preview → confirm (or cancel).

Only writers of the checklist's own organization, and only while the checklist is editable
(填报中 or 已退回); another organization's checklist answers 404; a locked one sends the user back
to the checklist with a message. Plain forms and links: every step works without JavaScript.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.views.decorators.http import require_POST

from anbiao.checklists.models import Checklist
from anbiao.checklists.roundtrip import selectors, services
from anbiao.checklists.roundtrip.forms import WorkbookUploadForm
from anbiao.checklists.roundtrip.reader import WorkbookError
from anbiao.checklists.roundtrip.workbook import offline_filename, render_offline_xlsx
from anbiao.core.access import ALL_KINDS, WRITER_ROLES, require
from anbiao.core.audit import log_action
from anbiao.core.types import AuthedRequest
from anbiao.core.xlsx import XLSX_MIME, attachment_response

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
SESSION_PREFIX = "checklist_offline:"


@cache
def _template(name: str):  # noqa: ANN202
    # Kept inside this package like the exports' templates (the checklists app's template
    # folder belongs to the fill page); they extend base.html through the project's engine.
    return engines["django"].from_string((TEMPLATE_DIR / name).read_text("utf-8"))


def _render(
    request: HttpRequest, name: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return HttpResponse(_template(name).render(context, request), status=status)


def _key(checklist: Checklist) -> str:
    return f"{SESSION_PREFIX}{checklist.pk}"


def _pending(request: HttpRequest, checklist: Checklist) -> services.PendingWorkbook | None:
    pending = services.PendingWorkbook.from_session(request.session.get(_key(checklist)))
    if pending is None or pending.checklist != str(checklist.pk):
        return None
    return pending


def _forget(request: HttpRequest, checklist: Checklist) -> None:
    pending = _pending(request, checklist)
    if pending is not None:
        services.checklist_workbook_discard(pending=pending)
    request.session.pop(_key(checklist), None)


def _checklist(request: AuthedRequest, pk: str) -> tuple[Checklist, HttpResponse | None]:
    """The user's own checklist (404 otherwise), and a redirect when it is locked."""
    checklist = selectors.offline_checklist_get(user=request.user, pk=pk)
    if checklist.is_editable:
        return checklist, None
    messages.warning(
        request,
        f"这份细则当前状态为“{checklist.get_status_display()}”，已锁定，不能离线填写或上传。",
    )
    return checklist, redirect("checklists:detail", pk=checklist.pk)


def _upload_page(
    request: AuthedRequest, checklist: Checklist, form: WorkbookUploadForm, status: int = 200
) -> HttpResponse:
    context = {"checklist": checklist, "form": form, "pending": _pending(request, checklist)}
    return _render(request, "upload.html", context, status)


@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def workbook_upload(request: AuthedRequest, pk: str) -> HttpResponse:
    """The round trip's page: download the file, and upload it filled (then the preview)."""
    checklist, locked = _checklist(request, pk)
    if locked is not None:
        return locked
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _upload_page(request, checklist, form)
    if form.is_valid():
        try:
            pending = services.checklist_workbook_store(
                checklist=checklist, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            _forget(request, checklist)
            request.session[_key(checklist)] = pending.as_session()
            return redirect("checklists:offline:preview", pk=checklist.pk)
    return _upload_page(request, checklist, form, status=400)


@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def workbook_download(request: AuthedRequest, pk: str) -> HttpResponse:
    """The offline-filling .xlsx of the checklist as it is now."""
    checklist, locked = _checklist(request, pk)
    if locked is not None:
        return locked
    content = render_offline_xlsx(checklist)
    log_action(checklist, "anbiao.checklist.exported", request=request, data={"format": "offline"})
    return attachment_response(
        content, filename=offline_filename(checklist), content_type=XLSX_MIME
    )


@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def workbook_preview(request: AuthedRequest, pk: str) -> HttpResponse:
    """What confirming would write, clause by clause; nothing is written here."""
    checklist, locked = _checklist(request, pk)
    if locked is not None:
        return locked
    pending = _pending(request, checklist)
    if pending is None:
        messages.info(request, "请先上传填写好的离线填写文件。")
        return redirect("checklists:offline:upload", pk=checklist.pk)
    try:
        plan = selectors.workbook_preview(checklist=checklist, pending=pending)
    except WorkbookError as exc:
        _forget(request, checklist)
        messages.error(request, exc.message)
        return redirect("checklists:offline:upload", pk=checklist.pk)
    context = {"checklist": checklist, "pending": pending, "plan": plan, "digest": plan.digest()}
    return _render(request, "preview.html", context)


@require_POST
@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def workbook_confirm(request: AuthedRequest, pk: str) -> HttpResponse:
    """Write the previewed changes in one transaction (or nothing, and say why)."""
    checklist, locked = _checklist(request, pk)
    if locked is not None:
        return locked
    pending = _pending(request, checklist)
    if pending is None:
        messages.info(request, "没有待确认的上传，请重新上传文件。")
        return redirect("checklists:offline:upload", pk=checklist.pk)
    try:
        result = services.checklist_workbook_apply(
            by=request.user,
            checklist=checklist,
            pending=pending,
            digest=request.POST.get("digest", ""),
            request=request,
        )
    except services.PlanChanged:
        messages.warning(
            request, "预览之后这份细则有了变化（可能有人刚保存了某一条），请重新核对预览后再确认。"
        )
        return redirect("checklists:offline:preview", pk=checklist.pk)
    except WorkbookError as exc:
        _forget(request, checklist)
        messages.error(request, exc.message)
        return redirect("checklists:offline:upload", pk=checklist.pk)
    except ValidationError as exc:
        messages.error(request, "未写入任何内容：" + "；".join(exc.messages))
        return redirect("checklists:offline:preview", pk=checklist.pk)
    request.session.pop(_key(checklist), None)
    text = f"已按上传的文件修改 {result.changed} 条细则"
    if result.stale:
        text += f"；{result.stale} 条在下载后已被他人修改，未采用文件中的内容，请在页面上核对"
    messages.success(request, text + "。")
    return redirect("checklists:detail", pk=checklist.pk)


@require_POST
@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def workbook_cancel(request: AuthedRequest, pk: str) -> HttpResponse:
    """Drop the kept upload without writing anything."""
    checklist = selectors.offline_checklist_get(user=request.user, pk=pk)
    _forget(request, checklist)
    messages.info(request, "已放弃这次上传，未写入任何内容。")
    return redirect("checklists:detail", pk=checklist.pk)
