"""Reporting tasks: issuers create and follow tasks; units answer them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbiao.core.access import (
    WRITER_ROLES,
    can_write,
    enterprises_for_user,
    get_in_scope_or_404,
    organizations_for_user,
    own_unit_ids,
    require,
)
from anbiao.core.downloads import serve_generated, serve_stored_file
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.core.versioning import EditConflict, carry_version, keep_for_retry, version_of
from anbiao.orgs.models import Organization, OrgKind
from anbiao.tasks_reporting import deadlines, selectors, services
from anbiao.tasks_reporting.forms import ReturnForm, SubmissionForm, TaskEditForm, TaskForm
from anbiao.tasks_reporting.models import ReportPeriod, ReportSubmission, SubmissionStatus

ISSUERS = frozenset({OrgKind.CITY, OrgKind.DEPARTMENT})


def _is_issuer(request: AuthedRequest) -> bool:
    return request.user.organization.kind in ISSUERS


@require(note="本单位的报送任务；发布单位另见已发布的任务")
def task_list(request: AuthedRequest) -> HttpResponse:
    issued = []
    if _is_issuer(request):
        issued = list(selectors.tasks_issued_by(request.user).prefetch_related("periods"))
    return render(
        request,
        "reporting/task_list.html",
        {
            "items": selectors.my_open_items(request.user),
            "issued": issued,
            "can_issue": _is_issuer(request) and can_write(request.user),
        },
    )


def _unit_choices(request: AuthedRequest):  # noqa: ANN202
    user = request.user
    if user.organization.kind == OrgKind.DEPARTMENT:
        return Organization.objects.filter(
            pk__in=enterprises_for_user(user).values("organization_id")
        ).order_by("kind", "name")
    return organizations_for_user(user).exclude(pk__in=own_unit_ids(user)).order_by("kind", "name")


@require(kinds=ISSUERS, roles=WRITER_ROLES)
def task_create(request: AuthedRequest) -> HttpResponse:
    form = TaskForm(
        request.POST or None,
        units=_unit_choices(request),
        can_link=request.user.organization.kind == OrgKind.CITY,
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已发布报送任务：{task.title}")
            return redirect("reporting:task_detail", pk=task.pk)
    return render(request, "reporting/form.html", {"form": form, "title": "发布报送任务"})


@require(kinds=ISSUERS)
def task_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    task = selectors.issued_task_get(user=request.user, pk=pk)
    periods = services.periods_ensure(task=task, now=timezone.now())
    rows = [(p, selectors.summary(selectors.period_rows(p))) for p in periods]
    return render(
        request,
        "reporting/task_detail.html",
        {"task": task, "rows": rows, "can_edit": can_write(request.user)},
    )


@require(kinds=ISSUERS, roles=WRITER_ROLES)
def task_edit(request: AuthedRequest, pk: str) -> HttpResponse:
    task = selectors.issued_task_get(user=request.user, pk=pk)
    form = TaskEditForm(request.POST or None, task=task)
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.task_update(
                by=request.user, task=task, expected_version=version_of(form), **data
            )
        except EditConflict as exc:
            keep_for_retry(form, exc)
            conflict = exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存报送任务的修改。")
            return redirect("reporting:task_detail", pk=task.pk)
    return render(
        request,
        "reporting/form.html",
        {"form": form, "title": f"修改报送任务：{task.title}", "conflict": conflict},
        status=409 if conflict else 200,
    )


@require(kinds=ISSUERS)
def period_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    period = selectors.issued_period_get(user=request.user, pk=pk)
    rows = selectors.period_rows(period)
    return render(
        request,
        "reporting/period_detail.html",
        {
            "period": period,
            "task": period.task,
            "rows": rows,
            "summary": selectors.summary(rows),
            "can_return": can_write(request.user),
            "return_form": ReturnForm(),
            "left": deadlines.time_left_text(period.deadline, timezone.now()),
            "obligation_url": _obligation_url(period),
        },
    )


def _obligation_url(period: ReportPeriod) -> str:
    """The period's page of rates and units behind (the monthly case report's, if linked)."""
    if period.task.is_case_monthly:
        return reverse("obligations:detail", args=["case_month", f"{period.deadline:%Y-%m}"])
    return reverse("obligations:detail", args=["task", str(period.pk)])


@require(kinds=ISSUERS)
def period_zip(request: AuthedRequest, pk: str) -> HttpResponse:
    period = selectors.issued_period_get(user=request.user, pk=pk)
    data = services.period_zip(period=period)
    name = services.safe_zip_name(f"{period.task.title}-{period.label}") + ".zip"
    return serve_generated(
        request, data, filename=name, content_type="application/zip", owner=period
    )


@require(kinds=ISSUERS, roles=WRITER_ROLES)
@require_POST
def submission_return(request: AuthedRequest, pk: str) -> HttpResponse:
    sub = selectors.issued_submission_get(user=request.user, pk=pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.submission_return(
                by=request.user, submission=sub, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已退回：{sub.organization.name}")
    else:
        messages.error(request, "退回原因：请填写退回原因。")
    return redirect("reporting:period_detail", pk=sub.period_id)


@require(kinds=ISSUERS)
def issued_file(request: AuthedRequest, pk: str, file_id: str) -> HttpResponseBase:
    sub = selectors.issued_submission_get(user=request.user, pk=pk)
    stored = get_in_scope_or_404(sub.files.all(), pk=file_id)
    return serve_stored_file(request, stored, owner=sub)


# --- the unit's side ---------------------------------------------------------------------------


@require()
def my_period(request: AuthedRequest, pk: str) -> HttpResponse:
    period = selectors.my_period_get(user=request.user, pk=pk)
    if period.task.is_case_monthly:
        # one obligation, one place to report it: the monthly case report
        return redirect("enforcement:report_submit", period.deadline.year, period.deadline.month)
    org = request.user.organization
    # Reading creates nothing; the unit's submission row appears with its first save.
    sub = ReportSubmission.objects.filter(period=period, organization=org).first()
    if sub is None:
        sub = ReportSubmission(period=period, organization=org)
    editable = can_write(request.user) and sub.status != SubmissionStatus.SUBMITTED
    form = SubmissionForm(
        request.POST or None,
        request.FILES or None,
        initial={"text": sub.text, "version": sub.version},
    )
    conflict: EditConflict | None = None
    if request.method == "POST":
        if not editable:
            messages.error(request, "当前不能修改报送材料。")
            return redirect("reporting:my_period", pk=period.pk)
        if form.is_valid():
            sub = services.submission_for(period=period, organization=org)
            try:
                saved = services.submission_save(
                    by=request.user,
                    submission=sub,
                    text=form.cleaned_data["text"],
                    uploads=form.cleaned_data["files"],
                    expected_version=version_of(form),
                )
                # The save stands even if submitting is refused: the form carries its version.
                carry_version(form, saved.version)
                if "submit" in request.POST:
                    services.submission_submit(by=request.user, submission=sub)
            except EditConflict as exc:
                keep_for_retry(form, exc)
                conflict = exc
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已提交。" if "submit" in request.POST else "已保存。")
                return redirect("reporting:my_period", pk=period.pk)
    now = timezone.now()
    due = selectors.own_deadline(period=period, org=org)
    return render(
        request,
        "reporting/my_period.html",
        {
            "period": period,
            "task": period.task,
            "sub": sub,
            "files": list(sub.files.all()) if sub.pk else [],
            "form": form,
            "editable": editable,
            "deadline": due,
            "extended": due != period.deadline,
            "left": deadlines.time_left_text(due, now),
            "overdue": sub.status != SubmissionStatus.SUBMITTED and deadlines.is_overdue(due, now),
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@require(roles=WRITER_ROLES)
@require_POST
def my_file_remove(request: AuthedRequest, pk: str, file_id: str) -> HttpResponse:
    period = selectors.my_period_get(user=request.user, pk=pk)
    sub = get_in_scope_or_404(
        ReportSubmission.objects.filter(period=period), organization=request.user.organization
    )
    try:
        services.submission_file_remove(by=request.user, submission=sub, file_id=file_id)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("reporting:my_period", pk=period.pk)


@require()
def my_file(request: AuthedRequest, pk: str, file_id: str) -> HttpResponseBase:
    period = selectors.my_period_get(user=request.user, pk=pk)
    sub = get_in_scope_or_404(
        ReportSubmission.objects.filter(period=period), organization=request.user.organization
    )
    stored = get_in_scope_or_404(sub.files.all(), pk=file_id)
    return serve_stored_file(request, stored, owner=sub)
