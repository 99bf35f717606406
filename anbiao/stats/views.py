"""The statistics table 附件3: live table, drill-down lists, consolidated city table, 填报,
the city office's overview and returns, and the exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbiao.accounts.models import BUSINESS_ROLES
from anbiao.core.access import GOV_KINDS, WRITER_ROLES, require
from anbiao.core.audit import log_action
from anbiao.core.downloads import serve_stored_file, serve_workbook
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.core.xlsx import XLSX_MIME, attachment_response, table_workbook
from anbiao.orgs.models import OrgKind
from anbiao.stats import chain, exports, reported, selectors, services, validation
from anbiao.stats.columns import COLUMN_BY_NO, COLUMNS, GROUPS, RULES, Period
from anbiao.stats.forms import ReasonForm, ReturnForm, SubmitForm, period_from

CITY = (OrgKind.CITY,)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"xlsx": XLSX_MIME, "docx": DOCX_MIME, "pdf": "application/pdf"}


def _unit_and_period(request: AuthedRequest) -> tuple[Any, Period, Any]:
    unit = selectors.unit_for_user(request.user, request.GET.get("unit"))
    period, form = period_from(request.GET, selectors.default_period())
    return unit, period, form


def _q(unit: Any, period: Period) -> str:
    return f"unit={unit.pk}&{period.query()}"


@require(kinds=GOV_KINDS, roles=BUSINESS_ROLES)
def table(request: AuthedRequest) -> HttpResponse:
    """One unit's live table; the city office may pick any reporting unit."""
    unit, period, form = _unit_and_period(request)
    live = selectors.unit_table(unit=unit, period=period)
    sub = selectors.submission_for(unit=unit, period=period)
    is_city = request.user.organization.kind == OrgKind.CITY
    own = unit.pk == selectors.unit_for_user(request.user).pk
    return render(
        request,
        "stats/table.html",
        {
            "unit": unit,
            "period": period,
            "form": form,
            "live": live,
            "groups": GROUPS,
            "columns": COLUMNS,
            "submission": sub,
            "frozen": [(sub.display(c.no), sub.adjustment(c.no)) for c in COLUMNS] if sub else None,
            "rules": RULES,
            "q": _q(unit, period),
            "units": selectors.reporting_units() if is_city else None,
            "can_submit": own and services.can_submit(request.user, unit),
            "sub_unit_submissions": chain.sub_unit_submissions(unit=unit, period=period),
            "is_city": is_city,
        },
    )


def _ent(o: Any, attr: str) -> str:
    ent = getattr(o, "enterprise", None) if o.kind == OrgKind.ENTERPRISE else None
    return str(getattr(ent, attr, "") or "") if ent is not None else ""


def _inspection(problem: Any) -> str:
    link = getattr(problem, "inspection_link", None)
    insp = getattr(link, "inspection", None)
    return f"{insp.date} {insp.inspector}" if insp is not None else ""


def _url(name: str, pk: Any) -> str:
    return reverse(name, args=[pk])


def _list_view(kind: str, qs: Any) -> tuple[list[str], Any, Any]:
    """Headers, the ordered queryset and a row function ``obj -> (link, cells)`` for a drill-down
    list; the link opens the record in its own module (which checks its own scope)."""
    if kind == "org":
        return (
            ["单位名称", "类型", "乡镇/街道", "主管部门"],
            qs.select_related("enterprise__town", "enterprise__department").order_by(
                "kind", "name", "pk"
            ),
            lambda o: (
                _url("orgs:enterprise_detail", o.pk) if o.kind == OrgKind.ENTERPRISE else "",
                [o.name, o.get_kind_display(), _ent(o, "town"), _ent(o, "department")],
            ),
        )
    if kind == "problem_line":
        return (
            ["填报单位", "细则", "存在问题"],
            qs.select_related("answer__checklist__organization", "answer__clause__item").order_by(
                "answer__checklist__organization__name", "answer__clause__position", "pk"
            ),
            lambda p: (
                _url("checklists:detail", p.answer.checklist_id),
                [p.answer.checklist.organization.name, p.answer.clause.code, p.text],
            ),
        )
    if kind == "record":
        return (
            ["填报单位", "类别", "标题", "日期"],
            qs.select_related("organization").order_by("-date", "title", "pk"),
            lambda r: (
                _url("records:detail", r.pk),
                [r.organization.name, r.get_kind_display(), r.title, r.date],
            ),
        )
    if kind == "batch":
        return (
            ["曝光单位", "标题", "曝光日期"],
            qs.select_related("department").order_by("-date", "title", "pk"),
            lambda b: (
                _url("enforcement:batch_detail", b.pk),
                [b.department.name, b.title, b.date],
            ),
        )
    if kind == "problem":
        return (
            ["责任单位", "问题描述", "状态", "督导检查"],
            qs.select_related("organization", "inspection_link__inspection__inspector").order_by(
                "organization__name", "pk"
            ),
            lambda p: (
                _url("rectification:problem_detail", p.pk),
                [p.organization.name, p.description, p.get_status_display(), _inspection(p)],
            ),
        )
    if kind == "report":
        return (
            ["填报单位", "报告"],
            qs.select_related("organization").order_by("pk"),
            lambda r: (
                r.get_absolute_url() if hasattr(r, "get_absolute_url") else "",
                [r.organization.name, str(r)],
            ),
        )
    return (
        ["记录"],
        qs.order_by("pk"),
        lambda o: (o.get_absolute_url() if hasattr(o, "get_absolute_url") else "", [str(o)]),
    )


@dataclass
class _DrillList:
    unit: Any
    sub_unit: Any
    period: Period
    col: Any
    headers: list[str]
    ordered: Any
    to_row: Any


def _drill_list(request: AuthedRequest, no: int) -> _DrillList:
    """The records behind column ``no`` that the user may list (page and export alike)."""
    unit, period, _ = _unit_and_period(request)
    col = COLUMN_BY_NO.get(no)
    if col is None:
        raise Http404("该列不存在")
    scope, sub_unit = selectors.drill_scope(request.user, unit)
    qs = selectors.column_records(scope=scope, period=period, no=no)
    headers, ordered, to_row = _list_view(col.list_kind, qs)
    return _DrillList(unit, sub_unit, period, col, headers, ordered, to_row)


@require(kinds=GOV_KINDS, roles=BUSINESS_ROLES)
def drill(request: AuthedRequest, no: int) -> HttpResponse:
    """The records behind one number; the list's length equals the number."""
    d = _drill_list(request, no)
    unit, sub_unit, period, col = d.unit, d.sub_unit, d.period, d.col
    headers, ordered, to_row = d.headers, d.ordered, d.to_row
    page = Paginator(ordered, 200).get_page(request.GET.get("page"))
    rows = [to_row(o) for o in page.object_list]
    return render(
        request,
        "stats/drill.html",
        {
            "unit": unit,
            "sub_unit": sub_unit,
            "period": period,
            "col": col,
            "page": page,
            "headers": headers,
            "rows": rows,
            "q": _q(unit, period),
        },
    )


@require(kinds=GOV_KINDS, roles=BUSINESS_ROLES)
def drill_export(request: AuthedRequest, no: int) -> HttpResponse:
    """The drill-down list of one number as .xlsx (every record, not one page), audited."""
    d = _drill_list(request, no)
    unit, sub_unit, period, col = d.unit, d.sub_unit, d.period, d.col
    headers, ordered, to_row = d.headers, d.ordered, d.to_row
    rows = (
        [i, *(c if isinstance(c, int | dt.date) else str(c) for c in to_row(o)[1])]
        for i, o in enumerate(ordered.iterator(chunk_size=500), start=1)
    )
    wb = table_workbook(
        title=f"{(sub_unit or unit).name} 第{no}列 {col.group}·{col.name}（{period.label}）",
        headers=["序号", *headers],
        rows=rows,
        widths=[6, *([30] * len(headers))],
        sheet_title=f"第{no}列明细",
    )
    return serve_workbook(
        request,
        wb,
        filename=f"附件3第{no}列明细_{(sub_unit or unit).name}_{period.start}_{period.end}.xlsx",
        owner=unit,
    )


@require(kinds=CITY, roles=BUSINESS_ROLES)
def city(request: AuthedRequest) -> HttpResponse:
    """The consolidated city table as reported: per unit the frozen and the live figures, the
    本级 row, the explanation rows and the total with the accepted adjustments."""
    period, form = period_from(request.GET, selectors.default_period())
    t = reported.reported_city_table(period=period)
    return render(
        request,
        "stats/city.html",
        {
            "period": period,
            "form": form,
            "t": t,
            "warnings": validation.check_city(t),
            "total_explained": reported.TOTAL_EXPLAINED,
            "rows_explained": reported.ROWS_EXPLAINED,
            "groups": GROUPS,
            "columns": COLUMNS,
            "rules": RULES,
            "explained": selectors.DIFFERENCE_EXPLAINED,
            "pq": period.query(),
        },
    )


def _export(sheet: exports.Sheet, fmt: str, filename: str) -> HttpResponse:
    if fmt == "xlsx":
        content = exports.render_xlsx(sheet)
    elif fmt == "docx":
        content = exports.render_docx(sheet)
    elif fmt == "pdf":
        content = exports.render_pdf(sheet)
    else:
        raise Http404("不支持的格式")
    return attachment_response(content, filename=f"{filename}.{fmt}", content_type=FORMATS[fmt])


@require(kinds=GOV_KINDS, roles=BUSINESS_ROLES)
def export(request: AuthedRequest, fmt: str) -> HttpResponse:
    """The unit's table in the official layout: its submission if submitted, else live."""
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    unit, period, _ = _unit_and_period(request)
    live = selectors.unit_table(unit=unit, period=period)
    sub = selectors.submission_for(unit=unit, period=period)
    if sub is not None and not sub.is_submitted:
        sub = None
    sheet = exports.unit_sheet(live, sub, today=timezone.localdate())
    log_action(
        unit,
        "anbiao.stats.exported",
        request=request,
        data={"format": fmt, "period": [period.start.isoformat(), period.end.isoformat()]},
    )
    return _export(sheet, fmt, f"附件3统计表_{unit.name}_{period.start}_{period.end}")


@require(kinds=CITY, roles=BUSINESS_ROLES)
def city_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    period, _ = period_from(request.GET, selectors.default_period())
    t = reported.reported_city_table(period=period)
    sheet = exports.city_sheet(
        t, city_name=request.user.organization.name, today=timezone.localdate()
    )
    log_action(
        request.user.organization,
        "anbiao.stats.exported",
        request=request,
        data={
            "format": fmt,
            "city": True,
            "period": [period.start.isoformat(), period.end.isoformat()],
        },
    )
    return _export(sheet, fmt, f"附件3统计汇总表_{period.start}_{period.end}")


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
def submit(request: AuthedRequest) -> HttpResponse:
    """填报: freeze the own unit's numbers for the period (adjust only with a reason)."""
    unit = selectors.unit_for_user(request.user)
    period, _ = period_from(request.GET, selectors.default_period())
    existing = selectors.submission_for(unit=unit, period=period)
    if existing is not None and existing.is_submitted:
        messages.info(
            request, "本期统计表已填报，如需修改请联系上一级单位退回（已接收的须撤销接收）。"
        )
        return redirect(f"{reverse('stats:table')}?{_q(unit, period)}")
    live = selectors.unit_table(unit=unit, period=period)
    initial = {
        "filler_name": request.user.display_name,
        "phone": request.user.mobile or unit.contact_phone,
    }
    form = SubmitForm(
        request.POST or None, request.FILES or None, computed=live.values, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_submit(
                by=request.user,
                unit=unit,
                period=period,
                filler_name=form.cleaned_data["filler_name"],
                phone=form.cleaned_data["phone"],
                adjustments=form.adjustments(),
                stamp=form.cleaned_data.get("stamp"),
                expected_computed=form.expected(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "统计表已填报。")
            sub = selectors.submission_for(unit=unit, period=period)
            assert sub is not None
            for w in validation.check_submission(sub, form.computed_values):
                messages.warning(request, f"核对提示：{w.text}")
            return redirect(f"{reverse('stats:table')}?{_q(unit, period)}")
    return render(
        request,
        "stats/submit.html",
        {"unit": unit, "period": period, "form": form, "existing": existing, "q": _q(unit, period)},
    )


@require(kinds=CITY, roles=BUSINESS_ROLES)
def submissions(request: AuthedRequest) -> HttpResponse:
    """Which units submitted for the period; frozen against live values, differences marked."""
    period, form = period_from(request.GET, selectors.default_period())
    rows = selectors.submission_overview(period=period)
    return render(
        request,
        "stats/submissions.html",
        {
            "period": period,
            "form": form,
            "rows": rows,
            "columns": COLUMNS,
            "n_submitted": sum(1 for r in rows if r.submission and r.submission.is_submitted),
            "pq": period.query(),
        },
    )


@require(kinds=GOV_KINDS, roles=BUSINESS_ROLES)
def submission_detail(request: AuthedRequest, pk: Any) -> HttpResponse:
    sub = selectors.submission_get(user=request.user, pk=pk)
    period = Period(sub.period_start, sub.period_end)
    live = selectors.unit_table(unit=sub.unit, period=period)
    cells = [
        (c, sub.display(c.no), sub.adjustment(c.no), sub.computed[c.no - 1], live.values[i])
        for i, c in enumerate(COLUMNS)
    ]
    return render(
        request,
        "stats/submission_detail.html",
        {
            "sub": sub,
            "cells": cells,
            "period": period,
            "return_form": ReturnForm(),
            "actions": chain.allowed_actions(user=request.user, sub=sub),
            "warnings": validation.check_submission(sub, live.values) if sub.is_submitted else [],
            "reviewer": chain.reviewer_of(sub.unit),
            "q": _q(sub.unit, period),
        },
    )


def _review(request: AuthedRequest, pk: Any, action: str) -> HttpResponse:
    """Apply one reviewing move; a user who is not its actor for this submission gets 404."""
    sub = selectors.submission_get(user=request.user, pk=pk)
    rule = chain.TRANSITIONS[action]
    if not chain.actor_allowed(request.user, sub, sub.unit, rule.actor):
        raise Http404("对象不存在或无权访问")
    form = ReasonForm(
        request.POST, label=f"{rule.label}原因", required=action in chain.NEEDS_REASON
    )
    if not form.is_valid():
        messages.error(request, f"{rule.label}原因：请填写{rule.label}的原因。")
        return redirect("stats:submission_detail", pk=sub.pk)
    move = {
        "accept": lambda: services.submission_accept(by=request.user, submission=sub),
        "return": lambda: services.submission_return(
            by=request.user, submission=sub, reason=form.cleaned_data["reason"]
        ),
        "unapprove": lambda: services.submission_unapprove(
            by=request.user, submission=sub, reason=form.cleaned_data["reason"]
        ),
    }[action]
    try:
        move()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{rule.label} {sub.unit_name} 的统计表。")
    return redirect("stats:submission_detail", pk=sub.pk)


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def submission_accept(request: AuthedRequest, pk: Any) -> HttpResponse:
    """接收: the level above locks a submitted table."""
    return _review(request, pk, "accept")


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def submission_return(request: AuthedRequest, pk: Any) -> HttpResponse:
    """退回: the level above sends a submitted table back, with a reason."""
    return _review(request, pk, "return")


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def submission_unapprove(request: AuthedRequest, pk: Any) -> HttpResponse:
    """撤销接收: the level above the accepting one unlocks an accepted table and sends it back."""
    return _review(request, pk, "unapprove")


@require(kinds=GOV_KINDS, roles=BUSINESS_ROLES)
def submission_stamp(request: AuthedRequest, pk: Any) -> HttpResponseBase:
    sub = selectors.submission_get(user=request.user, pk=pk)
    if sub.stamp is None:
        raise Http404("没有盖章扫描件")
    return serve_stored_file(request, sub.stamp, owner=sub, inline=True)
