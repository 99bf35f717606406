"""Enforcement cases, exposure batches, monthly case reporting and enforcement priorities."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbiao.core.access import GOV_KINDS, WRITER_ROLES, enterprises_for_user, require
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.enforcement import deadlines, selectors, services
from anbiao.enforcement.forms import (
    BatchForm,
    CaseForm,
    MonthlyReportForm,
    PeriodForm,
    PriorityForm,
)
from anbiao.enforcement.models import BatchStatus, PriorityReason
from anbiao.obligations.deadlines import deadline_text, is_overdue, on_time
from anbiao.orgs.models import OrgKind

CASE_KINDS = frozenset({OrgKind.CITY, OrgKind.DEPARTMENT})
DEPT = frozenset({OrgKind.DEPARTMENT})


def _is_writer_dept(request: AuthedRequest) -> bool:
    return request.user.organization.kind == OrgKind.DEPARTMENT and request.user.has_role(
        *WRITER_ROLES
    )


# --- cases -------------------------------------------------------------------------------------


@require(kinds=CASE_KINDS)
def case_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.cases_for_user(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(case_number__icontains=q) | Q(enterprise__organization__name__icontains=q))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "enforcement/case_list.html",
        {"page": page, "q": q, "can_write": _is_writer_dept(request)},
    )


@require(kinds=DEPT, roles=WRITER_ROLES)
def case_create(request: AuthedRequest) -> HttpResponse:
    form = CaseForm(request.POST or None, enterprises=enterprises_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记案例：{case.case_number}")
            return redirect("enforcement:case_list")
    return render(request, "enforcement/form.html", {"form": form, "title": "登记执法典型案例"})


@require(kinds=CASE_KINDS)
def case_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    return render(
        request,
        "enforcement/case_detail.html",
        {
            "c": case,
            "batches": case.batches.all(),
            "can_write": _is_writer_dept(request)
            and not case.batches.filter(status=BatchStatus.PUBLISHED).exists(),
        },
    )


@require(kinds=DEPT, roles=WRITER_ROLES)
def case_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    initial = {
        f: getattr(case, f)
        for f in (
            "enterprise",
            "case_number",
            "violation",
            "legal_basis",
            "penalty",
            "fine_amount",
            "decided_on",
        )
    }
    form = CaseForm(
        request.POST or None, enterprises=enterprises_for_user(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(by=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("enforcement:case_detail", pk=case.pk)
    return render(
        request, "enforcement/form.html", {"form": form, "title": f"编辑案例：{case.case_number}"}
    )


# --- exposure batches --------------------------------------------------------------------------


@require(kinds=CASE_KINDS)
def batch_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.batches_for_user(request.user)
    summary = selectors.exposure_summary(qs.filter(status=BatchStatus.PUBLISHED))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "enforcement/batch_list.html",
        {"page": page, "summary": summary, "can_write": _is_writer_dept(request)},
    )


@require(kinds=DEPT, roles=WRITER_ROLES)
def batch_create(request: AuthedRequest) -> HttpResponse:
    form = BatchForm(request.POST or None, cases=selectors.cases_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(
                by=request.user,
                title=form.cleaned_data["title"],
                date=form.cleaned_data["date"],
                cases=list(form.cleaned_data["cases"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存曝光批次（草稿）。核对后请点击“发布曝光”。")
            return redirect("enforcement:batch_detail", pk=batch.pk)
    return render(request, "enforcement/form.html", {"form": form, "title": "新建曝光批次"})


@require(kinds=CASE_KINDS)
def batch_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    can_edit = _is_writer_dept(request) and not batch.is_published
    form = None
    if can_edit:
        form = BatchForm(
            request.POST or None,
            cases=selectors.cases_for_user(request.user),
            initial={"title": batch.title, "date": batch.date, "cases": list(batch.cases.all())},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.batch_update(
                    by=request.user,
                    batch=batch,
                    title=form.cleaned_data["title"],
                    date=form.cleaned_data["date"],
                    cases=list(form.cleaned_data["cases"]),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("enforcement:batch_detail", pk=batch.pk)
    elif request.method == "POST":
        messages.error(request, "该批次已曝光，不能再修改。")
        return redirect("enforcement:batch_detail", pk=batch.pk)
    return render(
        request,
        "enforcement/batch_detail.html",
        {
            "b": batch,
            "cases": batch.cases.select_related("enterprise__organization"),
            "form": form,
            "can_edit": can_edit,
        },
    )


@require(kinds=DEPT, roles=WRITER_ROLES)
@require_POST
def batch_publish(request: AuthedRequest, pk: str) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, pk=pk)
    try:
        services.batch_publish(by=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已发布曝光，此批次不能再修改。")
    return redirect("enforcement:batch_detail", pk=batch.pk)


# --- monthly reporting -------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date, str]:
    form = PeriodForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    source = "查询条件"
    if start is None or end is None:
        campaign = selectors.campaign_period()
        default = campaign or selectors.default_period()
        source = "专项行动期间" if campaign else "本年度"
        start = start or default[0]
        # Months not yet begun have nothing to show: stop the grid at the current month.
        end = end or min(default[1], timezone.localdate())
        if start > end:
            end = start
    return form, start, end, source


@require(kinds=DEPT)
def report_list(request: AuthedRequest) -> HttpResponse:
    form, start, end, source = _period(request)
    now = timezone.now()
    months = deadlines.months_between(start, end)
    rows = selectors.report_grid(departments=[request.user.organization], months=months, now=now)
    return render(
        request,
        "enforcement/report_list.html",
        {
            "form": form,
            "cells": rows[0][1] if rows else [],
            "source": source,
            "can_write": request.user.has_role(*WRITER_ROLES),
        },
    )


@require(kinds=DEPT, roles=WRITER_ROLES)
def report_submit(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    try:
        first = dt.date(year, month, 1)
    except ValueError as exc:
        raise Http404 from exc
    now = timezone.now()
    if first > deadlines.local_today(now):
        raise Http404("不能报送尚未开始的月份")
    existing = selectors.reports_for_user(request.user).filter(month=first).first()
    initial = {}
    if existing is not None:
        initial = {
            "cases": list(existing.cases.all()),
            "no_cases": existing.no_cases,
            "note": existing.note,
        }
    form = MonthlyReportForm(
        request.POST or None, cases=selectors.month_cases(request.user, first), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.monthly_report_submit(
                by=request.user,
                month=first,
                cases=list(form.cleaned_data["cases"]),
                no_cases=form.cleaned_data["no_cases"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{first:%Y年%m月}典型案例已报送。")
            return redirect("enforcement:report_list")
    due = selectors.granted_deadline(month=first, org_id=request.user.organization.pk)
    return render(
        request,
        "enforcement/report_form.html",
        {
            "form": form,
            "month": first,
            "existing": existing,
            "deadline": deadline_text(due),
            "extended": due != deadlines.deadline(first),
            "overdue": is_overdue(due, now)
            if existing is None
            else not on_time(due, existing.first_submitted_at),
        },
    )


@require(kinds={OrgKind.CITY})
def report_overview(request: AuthedRequest) -> HttpResponse:
    form, start, end, source = _period(request)
    now = timezone.now()
    months = deadlines.months_between(start, end)
    months.reverse()  # the newest month first: that is what the office chases
    grid = selectors.report_grid(
        departments=selectors.reporting_departments(), months=months, now=now
    )
    totals = [
        {
            "month": m,
            "reported": sum(1 for _, cells in grid if cells[i].report is not None),
            "overdue": sum(1 for _, cells in grid if cells[i].overdue),
        }
        for i, m in enumerate(months)
    ]
    rows = [
        (
            dept,
            cells,
            sum(1 for c in cells if c.report is not None),
            sum(1 for c in cells if c.overdue),
        )
        for dept, cells in grid
    ]
    return render(
        request,
        "enforcement/report_overview.html",
        {
            "form": form,
            "months": months,
            "rows": rows,
            "totals": totals,
            "source": source,
            "start": start,
            "end": end,
        },
    )


# --- priorities --------------------------------------------------------------------------------


@require(kinds=GOV_KINDS)
def priority_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.priorities_for_user(request.user)
    show = request.GET.get("show", "active")
    if show != "all":
        qs = qs.filter(active=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    exposed = selectors.exposed_enterprise_ids(request.user)
    marked = set(
        selectors.priorities_for_user(request.user)
        .filter(active=True, reason="exposed")
        .values_list("enterprise_id", flat=True)
    )
    suggestions = (
        enterprises_for_user(request.user)
        .filter(pk__in=exposed - marked)
        .order_by("organization__name")
    )
    return render(
        request,
        "enforcement/priority_list.html",
        {
            "page": page,
            "show": show,
            "suggestions": suggestions,
            "can_write": request.user.has_role(*WRITER_ROLES),
        },
    )


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
def priority_create(request: AuthedRequest) -> HttpResponse:
    enterprises = enterprises_for_user(request.user)
    initial = {}
    if request.GET.get("enterprise"):
        initial = {"enterprise": request.GET["enterprise"], "reason": PriorityReason.EXPOSED}
    form = PriorityForm(request.POST or None, enterprises=enterprises, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_mark(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已标记为执法重点对象。")
            return redirect("enforcement:priority_list")
    return render(request, "enforcement/form.html", {"form": form, "title": "标记执法重点对象"})


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def priority_end(request: AuthedRequest, pk: str) -> HttpResponse:
    priority = selectors.priority_get(user=request.user, pk=pk)
    try:
        services.priority_end(by=request.user, priority=priority)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已解除执法重点对象标记。")
    return redirect("enforcement:priority_list")
