"""Filling, signing, submitting and reviewing look-back checklists.

Every view starts from the user's scope (:mod:`anbiao.checklists.selectors`); another
organization's checklist, answer or file answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbiao.campaigns.selectors import campaign_list, open_campaigns
from anbiao.checklists import clause_form, fill_page, selectors, services, supervision
from anbiao.checklists.models import (
    AnswerEvidence,
    AnswerResult,
    Checklist,
    Signature,
)
from anbiao.core.access import (
    ALL_KINDS,
    GOV_KINDS,
    WRITER_ROLES,
    can_sign,
    can_write,
    get_in_scope_or_404,
    require,
)
from anbiao.core.downloads import serve_stored_file
from anbiao.core.links import link
from anbiao.core.types import AuthedRequest
from anbiao.core.uploads import ALLOWED_TEXT
from anbiao.orgs.models import Organization, OrgKind, SizeClass

if TYPE_CHECKING:
    from anbiao.checklists.clause_form import FormAnswer

REVIEWERS = selectors.REVIEWER_ROLES


# --- the unit's own checklists ----------------------------------------------------------------


@require(kinds=ALL_KINDS)
def my_checklists(request: AuthedRequest) -> HttpResponse:
    """Open campaigns and this unit's checklist in each (start one if none)."""
    rows = selectors.my_rows(request.user)
    return render(
        request,
        "checklists/my.html",
        {"rows": rows, "can_write": can_write(request.user), "today": timezone.localdate()},
    )


@require_POST
@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def checklist_start(request: AuthedRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_in_scope_or_404(open_campaigns(), pk=campaign_pk)
    try:
        checklist = services.checklist_start(
            by=request.user, campaign=campaign, organization=request.user.organization
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("checklists:mine")
    return redirect("checklists:detail", pk=checklist.pk)


# --- the fill page ----------------------------------------------------------------------------


def _export_links(checklist: Checklist) -> dict[str, str]:
    links = {
        fmt: link(f"checklist_exports:{fmt}", checklist.pk) for fmt in ("docx", "xlsx", "print")
    }
    links["submit"] = link("checklists:submit", checklist.pk)
    links["compare"] = link("dashboards:compare", checklist.pk)
    links["mine"] = link("checklists:mine")
    return links


def _page_context(request: AuthedRequest, checklist: Checklist) -> dict[str, Any]:
    user = request.user
    can_fill = selectors.can_fill(user, checklist)
    edit = request.GET.get("edit") if can_fill else None
    page = fill_page.checklist_page(checklist, user=user, edit=edit, can_fill=can_fill)
    # A checklist never submitted (lock_version 0) has no submissions: skip the query.
    submissions = (
        list(checklist.submissions.select_related("submitted_by", "reviewed_by"))
        if checklist.lock_version
        else []
    )
    return {
        "checklist": checklist,
        "page": page,
        "progress": page.progress,
        "can_fill": can_fill,
        "can_review": selectors.can_review(user, checklist) and checklist.status == "submitted",
        "is_own": checklist.organization_id == user.organization.pk,
        "submissions": submissions,
        "results": AnswerResult.choices,
        "deadline": selectors.checklist_deadline(checklist),
        "allowed_text": ALLOWED_TEXT,
        "exports": _export_links(checklist),
    }


@require(kinds=ALL_KINDS)
def checklist_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """The checklist: every clause as a compact row; its own unit's writers open one clause's
    form at a time (htmx, or ``?edit=<clause id>`` without JavaScript) while draft/returned."""
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    return render(request, "checklists/checklist.html", _page_context(request, checklist))


def _clause_context(
    request: AuthedRequest, checklist: Checklist, answer: FormAnswer, **extra: Any
) -> dict[str, Any]:
    return {
        "checklist": checklist,
        "a": answer,
        "can_fill": selectors.can_fill(request.user, checklist),
        "results": AnswerResult.choices,
        "allowed_text": ALLOWED_TEXT,
        "problem_prefix": clause_form.problem_prefix(),
        **extra,
    }


def _clause_response(
    request: AuthedRequest, checklist: Checklist, answer: FormAnswer, **extra: Any
) -> HttpResponse:
    # htmx swaps only 2xx responses: rule violations and conflicts answer 200 with the message.
    ctx = _clause_context(request, checklist, answer, **extra)
    ctx.update({"oob_progress": True, "progress": fill_page.progress_summary(checklist)})
    return render(request, "checklists/checklist.html#clause_response", ctx)


@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def clause_edit(request: AuthedRequest, pk: str, clause_id: int) -> HttpResponse:
    """One clause's edit form (htmx fragment); ``?row=1`` gives its compact row back (收起).

    Without htmx: the page with that clause's form open in place.
    """
    user = request.user
    checklist = selectors.own_checklist_get(user=user, pk=pk)
    can_fill = selectors.can_fill(user, checklist)
    if request.GET.get("row") or not can_fill:
        row = fill_page.row_for_clause(checklist, clause_id, user=user)
        if request.htmx:
            ctx = {
                "r": row,
                "can_fill": can_fill,
                "base": clause_form.checklist_prefix(checklist.pk),
                "problem_prefix": clause_form.problem_prefix(),
            }
            return render(request, "checklists/checklist.html#row", ctx)
        return redirect(reverse("checklists:detail", args=[checklist.pk]) + f"#c{clause_id}")
    answer = clause_form.answer_view(checklist, clause_id, user=user)
    if not request.htmx:
        url = reverse("checklists:detail", args=[checklist.pk])
        return redirect(f"{url}?edit={answer.clause_id}#c{answer.clause_id}")
    ctx = _clause_context(request, checklist, answer)
    return render(request, "checklists/checklist.html#clause", ctx)


@require_POST
@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def answer_save(request: AuthedRequest, pk: str, clause_id: int) -> HttpResponse:
    """Save one clause (htmx). A stale version re-renders it with the user's text kept."""
    checklist = selectors.own_checklist_get(user=request.user, pk=pk)
    answer = selectors.answer_for_clause(checklist, clause_id)
    data, typed = _typed_answer(request)
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = -1
    user = request.user
    try:
        if data is None:
            raise ValidationError(
                {"problems": ["存在问题的提交内容不完整，请刷新页面后重新填写。"]}
            )
        answer = services.answer_save(by=user, answer=answer, expected_version=expected, data=data)
    except (services.AnswerConflict, ValidationError) as exc:
        problem: dict[str, Any]
        if isinstance(exc, services.AnswerConflict):
            problem = {"conflict": exc.message}
        elif hasattr(exc, "error_dict"):
            problem = {"errors": exc.message_dict}
        else:
            problem = {"errors": {"__all__": exc.messages}}
        kept = clause_form.answer_view(checklist, clause_id, user=user, typed=typed)
        if not request.htmx:  # no JavaScript: the clause on its own page, the typed text kept
            ctx = _clause_context(request, checklist, kept, **problem)
            status = 409 if "conflict" in problem else 400
            return render(request, "checklists/clause_page.html", ctx, status=status)
        return _clause_response(request, checklist, kept, **problem)
    if not request.htmx:
        messages.success(request, "已保存。")
        return redirect(reverse("checklists:detail", args=[checklist.pk]) + f"#c{clause_id}")
    fresh = clause_form.answer_view(checklist, clause_id, user=user)
    return _clause_response(request, checklist, fresh, saved=True)


def _typed_answer(request: AuthedRequest) -> tuple[services.AnswerInput | None, dict[str, Any]]:
    """The clause form as posted: the input for the service, and what to show again if it is
    refused. Each line is its problem's id (hidden, "" for an added line) and its text, in
    form order; None when the two lists do not pair up (a form not sent by the page)."""
    texts = request.POST.getlist("problem")
    ids = request.POST.getlist("problem_id") or [""] * len(texts)
    result, remarks = request.POST.get("result", ""), request.POST.get("remarks", "")
    typed = {
        "result": result,
        "remarks": remarks,
        "problems": list(zip(ids, texts, strict=False)),
    }
    if len(ids) != len(texts):
        return None, typed
    lines = [services.LineInput(text, pid) for pid, text in zip(ids, texts, strict=True)]
    return services.AnswerInput(result, remarks, lines), typed


@require_POST
@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def problem_reopen(request: AuthedRequest, pk: str, clause_id: int) -> HttpResponse:
    """重新打开 a 已销号 problem from its line in the clause form (a reason is required), so its
    text can be corrected; the rest of the form comes back as the user typed it."""
    from anbiao.rectification import services as rectification

    checklist = selectors.own_checklist_get(user=request.user, pk=pk)
    if not selectors.can_fill(request.user, checklist):
        raise Http404("对象不存在或无权访问")
    answer = selectors.answer_for_clause(checklist, clause_id)
    problem_id = request.POST.get("reopen", "")
    problem = selectors.answer_problem(answer, problem_id)
    _, typed = _typed_answer(request)
    extra: dict[str, Any]
    try:
        rectification.problem_transition(
            by=request.user,
            problem=problem,
            action="reopen",
            reason=request.POST.get(f"reopen_reason_{problem.pk}", ""),
        )
    except ValidationError as exc:
        extra = {"errors": {"problems": [f"重新打开失败：{m}" for m in exc.messages]}}
    else:
        n = next((i for i, (pid, _) in enumerate(typed["problems"], 1) if pid == problem_id), 0)
        which = f"第 {n} 条存在问题" if n else "该问题"
        extra = {"notice": f"{which}已重新打开（整改中），现在可以修改其内容，改完请点“保存本条”。"}
    kept = clause_form.answer_view(checklist, clause_id, user=request.user, typed=typed)
    if not request.htmx:
        ctx = _clause_context(request, checklist, kept, **extra)
        return render(request, "checklists/clause_page.html", ctx, status=200)
    return _clause_response(request, checklist, kept, **extra)


@require_POST
@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def evidence_upload(request: AuthedRequest, pk: str, clause_id: int) -> HttpResponse:
    checklist = selectors.own_checklist_get(user=request.user, pk=pk)
    answer = selectors.answer_for_clause(checklist, clause_id)
    upload = request.FILES.get("file")
    error = ""
    if upload is None:
        error = "请选择要上传的文件。"
    else:
        try:
            services.evidence_attach(by=request.user, answer=answer, upload=upload)
        except ValidationError as exc:
            error = f"佐证材料“{upload.name}”：{'；'.join(exc.messages)}"
    fresh = clause_form.answer_view(checklist, clause_id, user=request.user)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("checklists:detail", args=[checklist.pk]) + f"#c{clause_id}")
    return render(
        request,
        "checklists/checklist.html#evidence",
        {
            "checklist": checklist,
            "a": fresh,
            "can_fill": selectors.can_fill(request.user, checklist),
            "evidence_error": error,
            "allowed_text": ALLOWED_TEXT,
        },
    )


@require_POST
@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def evidence_delete(request: AuthedRequest, pk: str, evidence_id: int) -> HttpResponse:
    checklist = selectors.own_checklist_get(user=request.user, pk=pk)
    evidence = get_in_scope_or_404(
        AnswerEvidence.objects.select_related("answer__checklist", "stored_file"),
        pk=evidence_id,
        answer__checklist=checklist,
    )
    error = ""
    try:
        services.evidence_remove(by=request.user, evidence=evidence)
    except ValidationError as exc:
        error = "；".join(exc.messages)
    fresh = clause_form.answer_view(checklist, evidence.answer.clause_id, user=request.user)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(reverse("checklists:detail", args=[checklist.pk]))
    return render(
        request,
        "checklists/checklist.html#evidence",
        {
            "checklist": checklist,
            "a": fresh,
            "can_fill": selectors.can_fill(request.user, checklist),
            "evidence_error": error,
            "allowed_text": ALLOWED_TEXT,
        },
    )


@require(kinds=ALL_KINDS)
def evidence_download(request: AuthedRequest, pk: str, evidence_id: int) -> HttpResponseBase:
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    evidence = get_in_scope_or_404(
        AnswerEvidence.objects.select_related("stored_file"),
        pk=evidence_id,
        answer__checklist=checklist,
    )
    return serve_stored_file(request, evidence.stored_file, owner=evidence)


@require(kinds=ALL_KINDS)
def submission_file(request: AuthedRequest, pk: str, file_id: str) -> HttpResponseBase:
    """An evidence file recorded in a submission snapshot (it may since have been detached)."""
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    ids = {
        f
        for s in checklist.submissions.all()
        for row in s.snapshot.get("answers", [])
        for f in row.get("evidence", [])
    }
    if str(file_id) not in ids:
        raise Http404("文件不存在")
    from anbiao.core.models import StoredFile

    stored = get_in_scope_or_404(
        StoredFile.objects.filter(organization_id=checklist.organization_id), pk=file_id
    )
    return serve_stored_file(request, stored, owner=checklist)


@require(kinds=ALL_KINDS)
def signature_image(request: AuthedRequest, pk: str, signature_id: int) -> HttpResponseBase:
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    signature = get_in_scope_or_404(
        Signature.objects.select_related("stored_file"), pk=signature_id, checklist=checklist
    )
    return serve_stored_file(request, signature.stored_file, owner=checklist, inline=True)


# --- signing and submitting -------------------------------------------------------------------


@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def checklist_submit(request: AuthedRequest, pk: str) -> HttpResponse:
    """Sign (主要负责人 on screen, or a signed paper scan) and submit."""
    checklist = selectors.own_checklist_get(user=request.user, pk=pk)
    if not checklist.is_editable:
        messages.info(request, "该细则已提交，不能重复提交。")
        return redirect("checklists:detail", pk=checklist.pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.checklist_submit(
                by=request.user,
                checklist=checklist,
                signature_data_url=request.POST.get("signature", ""),
                scan=request.FILES.get("scan"),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "已签字提交，等待主管部门审核。")
            return redirect("checklists:detail", pk=checklist.pk)
    missing = services.missing_clauses(checklist)
    answered, total = selectors.progress(checklist)
    return render(
        request,
        "checklists/submit.html",
        {
            "checklist": checklist,
            "missing": missing,
            "answered": answered,
            "total": total,
            "errors": errors,
            "can_sign": can_sign(request.user),
        },
    )


# --- review -----------------------------------------------------------------------------------


def _lock_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return None


@require_POST
@require(kinds=GOV_KINDS, roles=REVIEWERS)
def checklist_accept(request: AuthedRequest, pk: str) -> HttpResponse:
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    if not selectors.can_review(request.user, checklist):
        raise Http404("对象不存在或无权访问")
    try:
        services.checklist_accept(
            by=request.user, checklist=checklist, lock_version=_lock_version(request)
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已通过：{checklist.organization.name}")
    return redirect("checklists:detail", pk=checklist.pk)


@require(kinds=GOV_KINDS, roles=REVIEWERS)
def checklist_return(request: AuthedRequest, pk: str) -> HttpResponse:
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    if not selectors.can_review(request.user, checklist):
        raise Http404("对象不存在或无权访问")
    if request.method != "POST":
        return redirect("checklists:detail", pk=checklist.pk)
    reason = request.POST.get("reason", "")
    try:
        services.checklist_return(
            by=request.user, checklist=checklist, reason=reason, lock_version=_lock_version(request)
        )
    except ValidationError as exc:
        ctx = _page_context(request, checklist)
        ctx.update({"return_error": "；".join(exc.messages), "reason": reason})
        return render(request, "checklists/checklist.html", ctx, status=400)
    messages.success(request, f"已退回：{checklist.organization.name}")
    return redirect("checklists:detail", pk=checklist.pk)


@require(kinds=ALL_KINDS)
def submission_detail(request: AuthedRequest, pk: str, number: int) -> HttpResponse:
    """One submitted version, rendered from its snapshot."""
    checklist = selectors.checklist_get(user=request.user, pk=pk)
    submission = get_in_scope_or_404(
        checklist.submissions.select_related("signature", "submitted_by", "reviewed_by"),
        number=number,
    )
    clauses = {
        c.pk: c
        for c in checklist.template_version.clauses.select_related("item__section").order_by(
            "position"
        )
    }
    rows = []
    for row in submission.snapshot.get("answers", []):
        names = row.get("evidence_names") or []
        files = [
            (f, names[i] if i < len(names) else f"文件{i + 1}")
            for i, f in enumerate(row.get("evidence", []))
        ]
        rows.append({**row, "clause_obj": clauses.get(row["clause"]), "files": files})
    return render(
        request,
        "checklists/submission.html",
        {"checklist": checklist, "submission": submission, "rows": rows},
    )


@require(kinds=GOV_KINDS)
def review_list(request: AuthedRequest) -> HttpResponse:
    """Who has submitted, not submitted, been returned or accepted; overdue marked red."""
    campaigns = list(campaign_list().exclude(status="draft"))
    campaign = None
    wanted = request.GET.get("campaign", "")
    for c in campaigns:
        if str(c.pk) == wanted or (not wanted and c.is_open and campaign is None):
            campaign = c
    if campaign is None and campaigns:
        campaign = campaigns[0]
    user = request.user
    org = user.organization
    kind = request.GET.get("kind", "enterprise")
    if kind not in ("enterprise", "government"):
        kind = "enterprise"
    state = request.GET.get("state", "submitted")
    if state not in supervision.STATES:
        state = "submitted"
    filters = {
        "town": request.GET.get("town", ""),
        "department": request.GET.get("department", ""),
        "size_class": request.GET.get("size_class", ""),
    }
    for key in ("town", "department"):
        try:
            import uuid

            uuid.UUID(filters[key]) if filters[key] else None
        except ValueError:
            filters[key] = ""
    if filters["size_class"] not in SizeClass.values:
        filters["size_class"] = ""
    rows = (
        supervision.supervision_rows(user=user, campaign=campaign, kind=kind, **filters)
        if campaign
        else []
    )
    counts = {key: 0 for key in supervision.STATES}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    counts["all"] = len(rows)
    shown = rows if state == "all" else [r for r in rows if r.state == state]
    page = Paginator(shown, 50).get_page(request.GET.get("page"))
    towns = Organization.objects.filter(kind=OrgKind.TOWN).order_by("sort_order", "name")
    departments = Organization.objects.filter(kind=OrgKind.DEPARTMENT).order_by(
        "sort_order", "name"
    )
    if org.kind == OrgKind.TOWN:
        towns = towns.filter(pk=org.pk)
    if org.kind == OrgKind.DEPARTMENT:
        departments = departments.filter(pk=org.pk)
    query = request.GET.copy()
    query.pop("state", None)
    query.pop("page", None)
    return render(
        request,
        "checklists/review_list.html",
        {
            "campaigns": campaigns,
            "campaign": campaign,
            "kind": kind,
            "state": state,
            "states": supervision.STATES,
            "counts": counts,
            "page": page,
            "towns": towns,
            "departments": departments,
            "size_classes": SizeClass.choices,
            "filters": filters,
            "query": query.urlencode(),
            "reviewer": user.has_role(*REVIEWERS)
            and (
                org.kind == OrgKind.CITY
                or (org.kind == OrgKind.DEPARTMENT and kind == "enterprise")
            ),
        },
    )
