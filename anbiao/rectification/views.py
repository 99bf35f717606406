"""隐患清单, 整改清单 (ledger + export + bulk verify), problem page (五定, evidence, timeline,
延期申请), 动态清零.

The 五定 form and the transition buttons carry the problem's version; a stale one answers 409
with the user's text kept (``anbiao.core.versioning``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anbiao.core.access import GOV_KINDS, WRITER_ROLES, get_in_scope_or_404, require
from anbiao.core.audit import log_action
from anbiao.core.downloads import serve_stored_file
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.core.versioning import VERSION_ERROR, EditConflict, keep_for_retry, version_of
from anbiao.core.xlsx import workbook_response
from anbiao.orgs.models import OrgKind
from anbiao.rectification import deadlines, selectors, services
from anbiao.rectification.exports import ledger_workbook
from anbiao.rectification.forms import (
    EvidenceForm,
    ExtensionDecisionForm,
    ExtensionForm,
    PlanForm,
    ProblemFilterForm,
    TransitionForm,
)
from anbiao.rectification.models import (
    DeadlineExtension,
    EvidenceStage,
    Problem,
    ProblemEvidence,
    ProblemGrade,
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


def _detail(
    request: AuthedRequest, problem: Problem, *, status: int = 200, **extra: object
) -> HttpResponse:
    """The problem page; ``extra`` carries a bound form kept after a refused post."""
    user = request.user
    evidence = list(
        problem.evidence.select_related("stored_file__organization", "added_by__organization")
    )
    actions = [
        (name, services.TRANSITIONS[name].label)
        for name in services.allowed_actions(user=user, problem=problem)
    ]
    owner = services.is_owner_writer(user, problem)
    extensions = list(problem.extensions.select_related("requested_by", "decided_by"))
    # A request left pending when the problem was closed is history, not a task.
    open_for_decision = problem.status in deadlines.OPEN_FOR_DECISION
    pending = next((e for e in extensions if e.is_pending), None) if open_for_decision else None
    context: dict[str, object] = {
        "p": problem,
        "inspection": problem.inspections.select_related("inspector").first(),
        "timeline": problem.transitions.select_related("by", "by_org"),
        "event_labels": services.EVENT_LABELS,
        "before": [e for e in evidence if e.stage == EvidenceStage.BEFORE],
        "after": [e for e in evidence if e.stage == EvidenceStage.AFTER],
        "actions": actions,
        "rejection": selectors.last_rejection(problem),
        "can_plan": owner and problem.status in services.PLAN_EDITABLE,
        "can_upload": owner and problem.status in services.PLAN_EDITABLE,
        "can_remove_after": owner and problem.status == ProblemStatus.IN_PROGRESS,
        "evidence_form": EvidenceForm(
            initial={
                "stage": EvidenceStage.AFTER
                if problem.status == ProblemStatus.IN_PROGRESS
                else EvidenceStage.BEFORE
            }
        ),
        "extensions": extensions,
        "pending_extension": pending,
        "can_request_extension": owner and deadlines.needs_extension(problem) and pending is None,
        "extension_form": ExtensionForm(),
        "can_decide_extension": pending is not None and services.is_verifier(user, problem),
        "decision_form": ExtensionDecisionForm(),
        "top_error": "",
        "typed_action": "",
        "typed_text": "",
    }
    context.update(extra)
    return render(request, "rectification/problem_detail.html", context, status=status)


@require()
def problem_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    return _detail(request, selectors.problem_get(user=request.user, pk=pk))


PLAN_TYPED = (
    ("grade", "问题等级"),
    ("measures", "整改措施"),
    ("responsible_person", "责任人"),
    ("deadline", "整改期限"),
    ("funds", "资金（万元）"),
    ("contingency_plan", "应急预案"),
)


def _plan_locked(
    request: AuthedRequest, problem: Problem, *, conflict: EditConflict | None = None
) -> HttpResponse:
    """五定 once locked: read-only text, no fields and no 保存; a post that arrives anyway
    (a page opened before the lock) gets 409 and its own text back to copy."""
    typed: list[tuple[str, str]] = []
    if request.method == "POST":
        grades = dict(ProblemGrade.choices)
        for name, label in PLAN_TYPED:
            value = request.POST.get(name, "")
            if value.strip():
                typed.append((label, grades.get(value, value) if name == "grade" else value))
    return render(
        request,
        "rectification/problem_plan.html",
        {"p": problem, "locked": True, "typed": typed, "conflict": conflict},
        status=409 if request.method == "POST" else 200,
    )


def _error_codes(exc: ValidationError) -> set[str]:
    if not hasattr(exc, "error_dict"):
        return set()
    return {e.code for errors in exc.error_dict.values() for e in errors if e.code}


@require(roles=WRITER_ROLES)
def problem_plan(request: AuthedRequest, pk: str) -> HttpResponse:
    """五定 form for the responsible unit's writers (待整改/整改中); read-only once locked."""
    problem = selectors.problem_get(user=request.user, pk=pk)
    if not services.is_owner_writer(request.user, problem):
        raise Http404("对象不存在或无权访问")
    if problem.status not in services.PLAN_EDITABLE:
        return _plan_locked(request, problem)
    initial = {
        "version": problem.lock_version,
        "grade": problem.grade,
        "measures": problem.measures,
        "responsible_person": problem.responsible_person,
        "deadline": problem.deadline,
        "funds": problem.funds,
        "contingency_plan": problem.contingency_plan,
    }
    form = PlanForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        lock_deadline=deadlines.needs_extension(problem),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.problem_plan_save(
                    by=request.user,
                    problem=problem,
                    data=form.to_input(),
                    contingency_upload=form.cleaned_data.get("contingency_file"),
                    expected_version=version_of(form),
                )
            except EditConflict as exc:
                keep_for_retry(form, exc)
                problem = selectors.problem_get(user=request.user, pk=pk)
                if problem.status not in services.PLAN_EDITABLE:
                    return _plan_locked(request, problem, conflict=exc)
                return render(
                    request,
                    "rectification/problem_plan.html",
                    {"p": problem, "form": form, "conflict": exc},
                    status=409,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                form.ask_for(_error_codes(exc))
            else:
                messages.success(request, "五定已保存。")
                return redirect("rectification:problem_detail", pk=problem.pk)
    return render(
        request, "rectification/problem_plan.html", {"p": problem, "form": form}, status=status
    )


@require(roles=WRITER_ROLES)
@require_POST
def problem_transition(request: AuthedRequest, pk: str) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "lock_version" in form.errors and "action" not in form.errors:
            messages.error(request, VERSION_ERROR)
        else:
            messages.error(request, "操作不完整，请重试。")
        return redirect("rectification:problem_detail", pk=problem.pk)
    action = form.cleaned_data["action"]
    reason = form.cleaned_data.get("reason") or ""
    try:
        services.problem_transition(
            by=request.user,
            problem=problem,
            action=action,
            reason=reason,
            lock_version=form.cleaned_data["lock_version"],
        )
    except EditConflict as exc:
        # The page again, as it is now, with the conflict named and the typed reason kept.
        fresh = selectors.problem_get(user=request.user, pk=pk)
        return _detail(
            request, fresh, status=409, conflict=exc, typed_action=action, typed_text=reason
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
def extension_request(request: AuthedRequest, pk: str) -> HttpResponse:
    """延期申请 of the responsible enterprise (整改中): the new deadline and the reason."""
    problem = selectors.problem_get(user=request.user, pk=pk)
    if not services.is_owner_writer(request.user, problem):
        raise Http404("对象不存在或无权访问")
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            deadlines.extension_request(
                by=request.user,
                problem=problem,
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
                confirm_far=form.cleaned_data["confirm_far"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "延期申请已提交，待验收单位审批；审批前仍按原整改期限计算。")
            return redirect("rectification:problem_detail", pk=problem.pk)
    return _detail(
        request,
        problem,
        status=400,
        extension_form=form,
        top_error="延期申请未提交：" + _first_error(form),
    )


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def extension_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """The verifier grants or refuses an extension request (from the problem page or the list)."""
    scoped = DeadlineExtension.objects.filter(
        problem__in=selectors.problems_for_user(request.user).values("pk")
    )
    extension = get_in_scope_or_404(scoped, pk=pk)
    problem = selectors.problem_get(user=request.user, pk=extension.problem_id)
    if not services.is_verifier(request.user, problem):  # towns, co-supervisors: not theirs
        raise Http404("对象不存在或无权访问")
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        grant = form.cleaned_data["decision"] == "grant"
        try:
            deadlines.extension_decide(
                by=request.user,
                extension=extension,
                grant=grant,
                reason=form.cleaned_data.get("reason") or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if grant:
                messages.success(
                    request,
                    f"已同意延期：{problem.organization.name}的整改期限改为 "
                    f"{extension.new_deadline:%Y-%m-%d}。",
                )
            else:
                messages.success(request, f"已不同意{problem.organization.name}的延期申请。")
            return redirect(
                _safe_next(request, reverse("rectification:problem_detail", args=[problem.pk]))
            )
    return _detail(
        request,
        problem,
        status=400,
        decision_form=form,
        top_error="审批未完成：" + _first_error(form),
    )


def _first_error(form: Any) -> str:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return ""


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
def extension_list(request: AuthedRequest) -> HttpResponse:
    """延期申请 waiting for this unit's decision, and the ones it decided lately."""
    decided = (
        DeadlineExtension.objects.filter(
            decided_org=request.user.organization,
            problem__in=selectors.problems_for_user(request.user).values("pk"),
        )
        .exclude(status="pending")
        .select_related("problem__organization", "requested_by", "decided_by")
        .order_by("-decided_at", "-id")[:50]
    )
    return render(
        request,
        "rectification/extension_list.html",
        {
            "pending": list(selectors.extensions_to_decide(request.user)[:200]),
            "decided": list(decided),
            "decision_form": ExtensionDecisionForm(),
        },
    )


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
    return serve_stored_file(request, evidence.stored_file, owner=evidence.problem, inline=True)


@require()
def contingency_download(request: AuthedRequest, pk: str) -> HttpResponseBase:
    problem = selectors.problem_get(user=request.user, pk=pk)
    if problem.contingency_file is None:  # no query without one, as for the id
        raise Http404("没有应急预案文件")
    return serve_stored_file(request, problem.contingency_file, owner=problem, inline=True)


def _safe_next(request: AuthedRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def bulk_verify(request: AuthedRequest) -> HttpResponse:
    """验收通过并销号 several problems: all or nothing, failing ones named."""
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
