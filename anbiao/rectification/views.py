"""隐患清单, 整改清单 (ledger + export + bulk verify), problem page (五定, evidence, timeline), 动态清零."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anbiao.core.access import GOV_KINDS, WRITER_ROLES, get_in_scope_or_404, require
from anbiao.core.audit import log_action
from anbiao.core.types import AuthedRequest
from anbiao.core.uploads import stored_file_response
from anbiao.core.xlsx import workbook_response
from anbiao.orgs.models import OrgKind
from anbiao.rectification import selectors, services
from anbiao.rectification.exports import ledger_workbook
from anbiao.rectification.forms import EvidenceForm, PlanForm, ProblemFilterForm, TransitionForm
from anbiao.rectification.models import (
    EvidenceStage,
    ProblemEvidence,
    ProblemStatus,
    local_today,
)

PAGE_SIZE = 50


def _filters(request: AuthedRequest) -> tuple[ProblemFilterForm, selectors.ProblemFilter]:
    supervisor = request.user.organization.kind in GOV_KINDS
    form = ProblemFilterForm(request.GET or None, supervisor=supervisor)
    data = form.cleaned_data if form.is_valid() else {}
    f = selectors.ProblemFilter(
        q=data.get("q") or "",
        status=data.get("status") or "",
        grade=data.get("grade") or "",
        source=data.get("source") or "",
        town=str(data["town"].pk) if data.get("town") else "",
        department=str(data["department"].pk) if data.get("department") else "",
        size_class=data.get("size_class") or "",
        overdue=data.get("overdue") or "",
        sort=data.get("sort") or selectors.DEFAULT_SORT,
    )
    return form, f


def _list(request: AuthedRequest, *, mode: str) -> HttpResponse:
    form, f = _filters(request)
    today = local_today()
    base = selectors.problem_filter(selectors.problems_for_user(request.user), f, today=today)
    counts = selectors.status_counts(base, today=today)
    qs = selectors.problem_list(user=request.user, filters=f, today=today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for p in page:
        # Only rows this user could verify get a checkbox (bulk 验收销号).
        p.can_verify = p.status == ProblemStatus.AWAITING and services.is_verifier(request.user, p)
    states = [
        (s.value, s.label, counts[s.value]) for s in ProblemStatus if s != ProblemStatus.WITHDRAWN
    ]
    can_bulk = (
        mode == "ledger"
        and request.user.organization.kind in GOV_KINDS
        and request.user.has_role(*WRITER_ROLES)
    )
    return render(
        request,
        "rectification/problem_list.html",
        {
            "mode": mode,
            "title": "整改清单" if mode == "ledger" else "隐患清单",
            "form": form,
            "filters": f,
            "page": page,
            "counts": counts,
            "states": states,
            "can_bulk": can_bulk,
            "supervisor": request.user.organization.kind in GOV_KINDS,
        },
    )


@require()
def problem_list(request: AuthedRequest) -> HttpResponse:
    """隐患清单: every active problem in scope (登记的隐患), with counts per state."""
    return _list(request, mode="hazards")


@require()
def ledger(request: AuthedRequest) -> HttpResponse:
    """整改清单: the rectification ledger with the 五定 columns; supervisors bulk-verify here."""
    return _list(request, mode="ledger")


@require()
def ledger_export(request: AuthedRequest) -> HttpResponse:
    _, f = _filters(request)
    qs = selectors.problem_list(user=request.user, filters=f)
    log_action(None, "anbiao.problem.exported", request=request, data={"filters": f.__dict__})
    stamp = timezone.localtime().strftime("%Y%m%d")
    return workbook_response(ledger_workbook(qs), filename=f"隐患整改台账_{stamp}.xlsx")


@require()
def problem_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    user = request.user
    evidence = list(
        problem.evidence.select_related("stored_file__organization", "added_by__organization")
    )
    actions = [
        (name, services.TRANSITIONS[name].label)
        for name in services.allowed_actions(user=user, problem=problem)
    ]
    return render(
        request,
        "rectification/problem_detail.html",
        {
            "p": problem,
            "inspection": problem.inspections.select_related("inspector").first(),
            "timeline": problem.transitions.select_related("by", "by_org"),
            "event_labels": services.EVENT_LABELS,
            "before": [e for e in evidence if e.stage == EvidenceStage.BEFORE],
            "after": [e for e in evidence if e.stage == EvidenceStage.AFTER],
            "actions": actions,
            "can_plan": services.is_owner_writer(user, problem)
            and problem.status in services.PLAN_EDITABLE,
            "can_upload": services.is_owner_writer(user, problem)
            and problem.status in services.PLAN_EDITABLE,
            "can_remove_after": services.is_owner_writer(user, problem)
            and problem.status == ProblemStatus.IN_PROGRESS,
            "evidence_form": EvidenceForm(
                initial={
                    "stage": EvidenceStage.AFTER
                    if problem.status == ProblemStatus.IN_PROGRESS
                    else EvidenceStage.BEFORE
                }
            ),
        },
    )


@require(roles=WRITER_ROLES)
def problem_plan(request: AuthedRequest, pk: str) -> HttpResponse:
    """五定 form for the responsible unit's writers (待整改/整改中)."""
    problem = selectors.problem_get(user=request.user, pk=pk)
    if not services.is_owner_writer(request.user, problem):
        raise Http404("对象不存在或无权访问")
    initial = {
        "grade": problem.grade,
        "measures": problem.measures,
        "responsible_person": problem.responsible_person,
        "deadline": problem.deadline,
        "funds": problem.funds,
        "contingency_plan": problem.contingency_plan,
    }
    form = PlanForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_plan_save(
                by=request.user,
                problem=problem,
                data=form.to_input(),
                contingency_upload=form.cleaned_data.get("contingency_file"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "五定已保存。")
            return redirect("rectification:problem_detail", pk=problem.pk)
    return render(request, "rectification/problem_plan.html", {"p": problem, "form": form})


def _add_errors(form: PlanForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require(roles=WRITER_ROLES)
@require_POST
def problem_transition(request: AuthedRequest, pk: str) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作不完整，请重试。")
        return redirect("rectification:problem_detail", pk=problem.pk)
    action = form.cleaned_data["action"]
    try:
        services.problem_transition(
            by=request.user,
            problem=problem,
            action=action,
            reason=form.cleaned_data.get("reason") or "",
            lock_version=form.cleaned_data.get("lock_version"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        label = services.TRANSITIONS[action].label
        messages.success(request, f"已{label}。")
    return redirect("rectification:problem_detail", pk=problem.pk)


@require(roles=WRITER_ROLES)
@require_POST
def evidence_add(request: AuthedRequest, pk: str) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for e in errors:
                messages.error(request, f"{label}：{e}" if label else str(e))
        return redirect("rectification:problem_detail", pk=problem.pk)
    try:
        services.problem_evidence_add(
            by=request.user,
            problem=problem,
            stage=form.cleaned_data["stage"],
            upload=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"文件：{message}")
    else:
        messages.success(request, "佐证材料已上传。")
    return redirect("rectification:problem_detail", pk=problem.pk)


@require(roles=WRITER_ROLES)
@require_POST
def evidence_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    scoped = ProblemEvidence.objects.filter(
        problem__in=selectors.problems_for_user(request.user).values("pk")
    ).select_related("stored_file")
    evidence = get_in_scope_or_404(scoped, pk=pk)
    try:
        services.problem_evidence_remove(by=request.user, evidence=evidence)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已删除：{evidence.stored_file.original_name}")
    return redirect("rectification:problem_detail", pk=evidence.problem_id)


@require()
def evidence_download(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """Serve a before/after file after checking the scope of its problem."""
    scoped = ProblemEvidence.objects.filter(
        problem__in=selectors.problems_for_user(request.user, include_withdrawn=True).values("pk")
    ).select_related("stored_file")
    evidence = get_in_scope_or_404(scoped, pk=pk)
    return stored_file_response(evidence.stored_file, inline=True)


@require()
def contingency_download(request: AuthedRequest, pk: str) -> HttpResponseBase:
    problem = selectors.problem_get(user=request.user, pk=pk)
    if problem.contingency_file is None:  # no query without one, as for the id
        raise Http404("没有应急预案文件")
    return stored_file_response(problem.contingency_file, inline=True)


def _safe_next(request: AuthedRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def bulk_verify(request: AuthedRequest) -> HttpResponse:
    """验收通过并销号 several problems: all or nothing, failing ones named."""
    from django.urls import reverse

    back = _safe_next(request, reverse("rectification:ledger"))
    ids = request.POST.getlist("ids")
    scoped = selectors.problems_for_user(request.user)
    try:
        problems = list(scoped.filter(pk__in=ids)) if ids else []
    except ValidationError:
        problems = []
    if len(problems) != len(set(ids)):
        messages.error(request, "所选问题中有不在本单位范围内的记录，全部未处理。")
        return redirect(back)
    try:
        done = services.problem_bulk_verify(
            by=request.user, problems=problems, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已验收销号 {len(done)} 个问题。")
    return redirect(back)


@require(kinds=GOV_KINDS)
def zeroing(request: AuthedRequest) -> HttpResponse:
    """动态清零: open problems by town/department/unit, overdue first, and the trend to zero."""
    by = request.GET.get("by") or (
        "enterprise" if request.user.organization.kind != OrgKind.CITY else "town"
    )
    if by not in selectors.GROUPINGS:
        by = "town"
    today = local_today()
    qs = selectors.problems_for_user(request.user)
    rows = selectors.zeroing_rows(qs, by=by, today=today)
    counts = selectors.status_counts(qs, today=today)
    start = _trend_start(qs, today)
    span = (today - start).days + 1
    step = 1 if span <= 45 else 7
    trend = selectors.open_trend(qs, start=start, end=today, step_days=step)
    overdue = (
        selectors.problem_list(
            user=request.user, filters=selectors.ProblemFilter(overdue="1"), today=today
        )
    )[:20]
    return render(
        request,
        "rectification/zeroing.html",
        {
            "by": by,
            "groupings": selectors.GROUPING_LABELS,
            "rows": rows,
            "counts": counts,
            "trend": trend,
            "chart": _chart(trend),
            "step": step,
            "overdue": overdue,
        },
    )


def _trend_start(qs, today):  # noqa: ANN001, ANN202
    """Where the data starts: the first problem (not before the open campaign's start),
    at least two weeks and at most a year back."""
    from anbiao.campaigns.models import Campaign

    first = qs.order_by("recorded_at").values_list("recorded_at", flat=True).first()
    start = timezone.localtime(first).date() if first is not None else today
    campaign = Campaign.objects.filter(status="open").order_by("-period_start").first()
    if campaign is not None and campaign.period_start <= today:
        start = max(start, campaign.period_start)
    start = min(start, today - timedelta(days=13))
    return max(start, today - timedelta(days=365))


def _chart(trend: list[selectors.TrendPoint]) -> dict[str, object]:
    """An SVG polyline (presentation attributes only: CSP forbids inline styles)."""
    width, height, pad = 600, 160, 20
    top = max([p.open for p in trend] + [1])
    n = max(len(trend) - 1, 1)
    points = " ".join(
        f"{pad + (width - 2 * pad) * i / n:.1f},{height - pad - (height - 2 * pad) * p.open / top:.1f}"
        for i, p in enumerate(trend)
    )
    return {"width": width, "height": height, "points": points, "top": top, "pad": pad}
