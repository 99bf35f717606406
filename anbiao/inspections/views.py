"""Supervision inspections: list, record (also on a phone), findings with photos, complete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbiao.accounts.models import Role
from anbiao.campaigns.selectors import current_campaign
from anbiao.core.access import ALL_KINDS, GOV_KINDS, WRITER_ROLES, enterprises_for_user, require
from anbiao.core.audit import log_action
from anbiao.core.downloads import serve_stored_file
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.core.versioning import EditConflict, keep_for_retry, version_of
from anbiao.core.xlsx import table_workbook, workbook_response
from anbiao.inspections import selectors, services
from anbiao.inspections.forms import (
    FindingForm,
    InspectionForm,
    ListFilterForm,
    NeverFilterForm,
    PhotoForm,
    is_uuid,
)
from anbiao.inspections.models import Finding, Inspection
from anbiao.orgs.models import Organization, OrgKind

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from anbiao.inspections.selectors import ListCounts
    from anbiao.rectification.models import Problem

    class ShownFinding(Finding):
        """A finding with the rectification problem it became (set by inspection_detail)."""

        problem: Problem | None


RECORDERS = frozenset({*WRITER_ROLES, Role.GRID})


def _filtered(
    request: AuthedRequest,
) -> tuple[ListFilterForm, QuerySet[WithAnnotations[Inspection, ListCounts]]]:
    form = ListFilterForm(request.GET or None, units=selectors.inspector_units(request.user))
    f = selectors.InspectionFilter()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        f = selectors.InspectionFilter(
            inspector=d["inspector"],
            q=d["q"].strip(),
            date_from=d["date_from"],
            date_to=d["date_to"],
            status=d["status"],
            target_kind=d["target_kind"],
        )
    return form, selectors.inspection_list(user=request.user, filters=f)


@require(kinds=ALL_KINDS)
def inspection_list(request: AuthedRequest) -> HttpResponse:
    """Inspections by unit, target and date (an enterprise: the completed ones of itself)."""
    form, qs = _filtered(request)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "can_record": selectors.can_record(request.user),
            "is_gov": request.user.organization.kind in GOV_KINDS,
        },
    )


@require(kinds=ALL_KINDS)
def inspection_export(request: AuthedRequest) -> HttpResponse:
    _, qs = _filtered(request)
    rows = (
        (
            i.date.strftime("%Y-%m-%d"),
            i.inspector.name,
            i.target.name,
            i.target.get_kind_display(),
            i.inspectors,
            i.get_status_display(),
            i.problem_count,
            i.summary,
        )
        for i in qs
    )
    wb = table_workbook(
        title="督导检查台账",
        headers=[
            "检查日期",
            "检查单位",
            "被检查单位",
            "单位类型",
            "检查人员",
            "状态",
            "发现问题（个）",
            "检查情况",
        ],
        rows=rows,
        widths=[12, 24, 32, 10, 20, 10, 12, 40],
        sheet_title="督导检查",
    )
    log_action(None, "anbiao.inspection.exported", request=request, data=dict(request.GET))
    stamp = timezone.localtime().strftime("%Y%m%d")
    return workbook_response(wb, filename=f"督导检查台账_{stamp}.xlsx")


@require(kinds=GOV_KINDS, roles=RECORDERS)
def inspection_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_record(user):  # a department's 网格员 (no such role there) etc.
        raise Http404("页面不存在")
    targets = selectors.targets_for_user(user)
    initial: dict[str, Any] = {}
    wanted = request.GET.get("target")
    if wanted:
        t = targets.filter(pk=wanted).first() if is_uuid(wanted) else None
        if t is not None:
            initial["target"] = t
    form = _bound_or_search(request, targets, initial)
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            inspection = services.inspection_create(
                by=user, campaign=current_campaign(), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "已创建检查记录（草稿）。请逐条登记发现的问题，完成后点击“完成检查”。"
            )
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/form.html", {"form": form, "title": "记录督导检查"})


def _bound_or_search(
    request: AuthedRequest, targets: Any, initial: dict[str, Any], *, editing: bool = False
) -> InspectionForm:
    """The inspection form; after “查找” (no JavaScript) the same form again, unbound, keeping
    what was typed (and the version the page showed) and listing the targets that match the
    search box."""
    if request.method == "POST" and request.POST.get("find"):
        keys = ("target", "date", "inspectors", "summary", *(("version",) if editing else ()))
        typed = {k: request.POST.get(k, "") for k in keys}
        return InspectionForm(
            targets=targets,
            initial={**initial, **{k: v for k, v in typed.items() if v}},
            query=request.POST.get("target_q", ""),
            editing=editing,
        )
    return InspectionForm(request.POST or None, targets=targets, initial=initial, editing=editing)


@require(kinds=GOV_KINDS, roles=RECORDERS)
def target_options(request: AuthedRequest) -> HttpResponse:
    """The target list of the inspection form for what is typed in its search box (htmx)."""
    user = request.user
    if not selectors.can_record(user):
        raise Http404("页面不存在")
    form = InspectionForm(
        targets=selectors.targets_for_user(user),
        initial={"target": request.GET.get("target", "")},
        query=request.GET.get("target_q", "")[:100],
    )
    field = form["target"]
    attrs = field.build_widget_attrs({"id": field.auto_id})
    context = field.field.widget.get_context(field.html_name, field.value(), attrs)
    # the form renderer (it finds Django's own widget templates), as the form itself renders
    html = form.renderer.render("inspections/widgets/target_box.html", context, request)
    return HttpResponse(html)


@require(kinds=ALL_KINDS)
def inspection_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    editable = selectors.can_edit(request.user, inspection)
    findings = cast("list[ShownFinding]", list(inspection.findings.prefetch_related("photos")))
    links = {x.finding_id: x.problem for x in inspection.problem_links.select_related("problem")}
    for f in findings:
        f.problem = links.get(f.pk)
    checklist = None
    if inspection.checklist is not None:  # no query without one, as for the id
        answers = inspection.checklist.answers
        checklist = {
            "title": inspection.checklist.template_version.title,
            "total": answers.count(),
            "answered": inspection.checklist_drafts.exclude(result="").count(),
            "nonconform": inspection.checklist_drafts.filter(result="nonconform").count(),
            "tracked": [x.problem for x in inspection.problem_links.filter(finding__isnull=True)],
        }
    return render(
        request,
        "inspections/detail.html",
        {
            "i": inspection,
            "findings": findings,
            "general_photos": inspection.photos.filter(finding__isnull=True),
            "editable": editable,
            "checklist": checklist,
            "originals": selectors.can_see_original_photos(request.user, inspection),
            "finding_form": FindingForm() if editable else None,
            "photo_form": PhotoForm() if editable else None,
        },
    )


@require(kinds=GOV_KINDS, roles=RECORDERS)
def inspection_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    user = request.user
    inspection = selectors.editable_inspection_get(user=user, pk=pk)
    if not inspection.is_draft:
        messages.error(request, "该检查已完成，不能再修改。")
        return redirect("inspections:inspection_detail", pk=inspection.pk)
    form = _bound_or_search(
        request,
        selectors.targets_for_user(user),
        {
            "version": inspection.version,
            "target": inspection.target,
            "date": inspection.date,
            "inspectors": inspection.inspectors,
            "summary": inspection.summary,
        },
        editing=True,
    )
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.inspection_update(
                by=user, inspection=inspection, expected_version=version_of(form), **data
            )
        except EditConflict as exc:
            keep_for_retry(form, exc)
            conflict = exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "inspections/form.html",
        {"form": form, "title": "修改检查记录", "i": inspection, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require(kinds=GOV_KINDS, roles=RECORDERS)
def finding_add(request: AuthedRequest, pk: str) -> HttpResponse:
    user = request.user
    inspection = selectors.editable_inspection_get(user=user, pk=pk)
    if request.method != "POST":
        return redirect("inspections:inspection_detail", pk=inspection.pk)
    form = FindingForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.finding_add(by=user, inspection=inspection, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记问题。")
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    if not inspection.is_draft and not form.errors:
        form.add_error(None, "该检查已完成，不能再修改。")
    # Re-render with what the user typed (photos must be chosen again).
    return render(
        request,
        "inspections/finding_form.html",
        {"i": inspection, "finding_form": form},
        status=200,
    )


@require(kinds=GOV_KINDS, roles=RECORDERS)
@require_POST
def finding_remove(request: AuthedRequest, pk: str, finding_id: int) -> HttpResponse:
    inspection = selectors.editable_inspection_get(user=request.user, pk=pk)
    finding = inspection.findings.filter(pk=finding_id).first()
    if finding is None:  # removed already (a second click)
        messages.info(request, "该问题已删除。")
        return redirect("inspections:inspection_detail", pk=inspection.pk)
    try:
        services.finding_remove(by=request.user, finding=finding)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已删除该问题。")
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@require(kinds=GOV_KINDS, roles=RECORDERS)
@require_POST
def photo_add(request: AuthedRequest, pk: str) -> HttpResponse:
    inspection = selectors.editable_inspection_get(user=request.user, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            n = services.photo_add(
                by=request.user,
                inspection=inspection,
                photos=form.cleaned_data["photos"],
                location=form.cleaned_data["location"],
            )
        except ValidationError as exc:
            messages.error(request, "现场照片：" + "；".join(exc.messages))
        else:
            messages.success(request, f"已上传 {n} 张照片。")
    else:
        messages.error(request, "现场照片：请选择或拍摄照片。")
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@require(kinds=ALL_KINDS)
def photo_file(request: AuthedRequest, pk: str, photo_id: int) -> HttpResponseBase:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    photo = inspection.photos.select_related("stored_file").filter(pk=photo_id).first()
    if photo is None:
        raise Http404("对象不存在或无权访问")
    return serve_stored_file(request, photo.stored_file, owner=inspection, inline=True)


@require(kinds=GOV_KINDS)
def photo_original(request: AuthedRequest, pk: str, photo_id: int) -> HttpResponseBase:
    """The photo as the phone sent it (EXIF and GPS kept), as a download: for the inspecting
    unit and the city office (:func:`selectors.can_see_original_photos`); 404 for the rest."""
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    if not selectors.can_see_original_photos(request.user, inspection):
        raise Http404("对象不存在或无权访问")
    photo = inspection.photos.select_related("original_file").filter(pk=photo_id).first()
    if photo is None or photo.original_file is None:
        raise Http404("对象不存在或无权访问")
    # never inline: the bytes are the phone's, not re-encoded (the download is audited)
    return serve_stored_file(request, photo.original_file, owner=inspection, inline=False)


@require(kinds=GOV_KINDS, roles=RECORDERS)
@require_POST
def inspection_complete(request: AuthedRequest, pk: str) -> HttpResponse:
    inspection = selectors.editable_inspection_get(user=request.user, pk=pk)
    try:
        links = services.inspection_complete(by=request.user, inspection=inspection)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if links:
            messages.success(
                request,
                f"检查已完成，{len(links)} 个问题已转入“{inspection.target.name}”的整改清单。",
            )
        else:
            messages.success(request, "检查已完成，未发现问题。")
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@require(kinds=GOV_KINDS)
def never_inspected(request: AuthedRequest) -> HttpResponse:
    """Enterprises in scope not yet inspected in the open campaign."""
    user = request.user
    in_scope = enterprises_for_user(user)
    towns = Organization.objects.filter(
        pk__in=in_scope.values("town_id"), kind=OrgKind.TOWN
    ).order_by("name")
    departments = Organization.objects.filter(
        pk__in=in_scope.values("department_id"), kind=OrgKind.DEPARTMENT
    ).order_by("name")
    form = NeverFilterForm(request.GET or None, towns=towns, departments=departments)
    f = selectors.NeverFilter()
    if form.is_bound and form.is_valid():
        f = selectors.NeverFilter(**{k: (v or "").strip() for k, v in form.cleaned_data.items()})
    campaign = current_campaign()
    qs = selectors.never_inspected(user=user, campaign=campaign, filters=f)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/never.html",
        {
            "form": form,
            "page": page,
            "count": page.paginator.count,
            "scope_count": in_scope.count(),
            "campaign": campaign,
            "can_record": selectors.can_record(user),
        },
    )


# --- checklist mode ------------------------------------------------------------------------------


@require(kinds=GOV_KINDS, roles=RECORDERS)
@require_POST
def checklist_start(request: AuthedRequest, pk: str) -> HttpResponse:
    inspection = selectors.editable_inspection_get(user=request.user, pk=pk)
    try:
        services.inspection_checklist_start(by=request.user, inspection=inspection)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("inspections:inspection_detail", pk=inspection.pk)
    return redirect("inspections:checklist_fill", pk=inspection.pk)


def _clause_rows(inspection: Inspection, post: Any = None) -> list[dict[str, Any]]:
    drafts = {d.answer_id: d for d in inspection.checklist_drafts.all()}
    assert inspection.checklist is not None  # checklist_fill answers 404 without one
    rows = []
    for a in inspection.checklist.answers.select_related("clause__item__section").order_by(
        "clause__position"
    ):
        if post is not None:
            result = post.get(f"result_{a.pk}", "")
            remarks = post.get(f"remarks_{a.pk}", "")
            problems = post.get(f"problems_{a.pk}", "")
        elif a.pk in drafts:
            d = drafts[a.pk]
            result, remarks, problems = d.result, d.remarks, d.problems
        else:
            result, remarks, problems = a.result, a.remarks, ""
        rows.append(
            {
                "answer": a,
                "section": a.clause.item.section,
                "result": result,
                "remarks": remarks,
                "problems": problems,
                "errors": [],
            }
        )
    return rows


@require(kinds=ALL_KINDS)
def checklist_fill(request: AuthedRequest, pk: str) -> HttpResponse:
    """The inspection checklist: answered by the inspecting unit, read only for the others."""
    user = request.user
    inspection = selectors.inspection_get(user=user, pk=pk)
    if inspection.checklist_id is None:
        raise Http404("该检查未使用细则")
    editable = selectors.can_edit(user, inspection)
    rows = _clause_rows(inspection, request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST":
        if not editable:
            raise Http404("页面不存在")
        data = {
            r["answer"].pk: services.ClauseInput(
                r["result"], r["remarks"], [t for t in r["problems"].splitlines() if t.strip()]
            )
            for r in rows
        }
        try:
            changed = services.inspection_checklist_save(by=user, inspection=inspection, data=data)
        except ValidationError as exc:
            errors = exc.messages
            found = services.checklist_validate({r["answer"].pk: r for r in rows}, data)
            for r in rows:
                r["errors"] = found.get(r["answer"].pk, [])
        else:
            messages.success(request, f"已保存（{changed} 条有变化）。")
            return redirect("inspections:checklist_fill", pk=inspection.pk)
    return render(
        request,
        "inspections/checklist.html",
        {
            "i": inspection,
            "rows": rows,
            "editable": editable,
            "errors": errors,
            "results": [("conform", "符合"), ("nonconform", "不符合"), ("na", "不适用")],
        },
        status=200,
    )
