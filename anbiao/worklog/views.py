"""Work records, review results (评审达标) and star rating (星级评定)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbiao.core.access import (
    GOV_KINDS,
    WRITER_ROLES,
    can_write,
    enterprises_for_user,
    get_in_scope_or_404,
    require,
)
from anbiao.core.downloads import serve_generated, serve_stored_file
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.orgs.models import OrgKind
from anbiao.worklog import selectors, services, starflow
from anbiao.worklog.forms import (
    LinkForm,
    PlaqueForm,
    RecordForm,
    ReviewForm,
    StarApplyForm,
    StarMoveForm,
)
from anbiao.worklog.models import (
    EvidenceLink,
    Grade,
    RecordKind,
    ReviewOutcome,
    StarStatus,
    TraineeCategory,
    WorkRecord,
)

ENTERPRISE = frozenset({OrgKind.ENTERPRISE})
DEPARTMENT = frozenset({OrgKind.DEPARTMENT})
CITY = frozenset({OrgKind.CITY})


# --- work records ------------------------------------------------------------------------------


@require()
def record_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.records_for_user(request.user).prefetch_related("headcounts")
    kind = request.GET.get("kind", "")
    if kind in RecordKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "worklog/record_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": RecordKind.choices,
            "can_write": can_write(request.user),
        },
    )


@require(roles=WRITER_ROLES)
def record_create(request: AuthedRequest) -> HttpResponse:
    is_ent = request.user.organization.kind == OrgKind.ENTERPRISE
    form = RecordForm(
        request.POST or None,
        request.FILES or None,
        enterprise=is_ent,
        initial={"kind": request.GET.get("kind", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("n_")}
        uploads = data.pop("files")
        try:
            record = services.record_create(
                by=request.user, headcounts=form.headcounts(), uploads=uploads, **data
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "headcounts" in exc.error_dict:
                form.add_error(f"n_{TraineeCategory.values[0]}", exc.message_dict["headcounts"][0])
                del exc.error_dict["headcounts"]
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记：{record}")
            return redirect("worklog:record_detail", pk=record.pk)
    return render(request, "worklog/form.html", {"form": form, "title": "登记工作记录"})


def _own_record(request: AuthedRequest, pk: str) -> WorkRecord:
    qs = WorkRecord.objects.filter(organization=request.user.organization)
    return get_in_scope_or_404(qs, pk=pk)


@require()
def record_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    record = selectors.record_get(user=request.user, pk=pk)
    own = record.organization_id == request.user.organization.pk and can_write(request.user)
    link_form = None
    if own:
        answers = services.linkable_answers(record)
        if answers:
            link_form = LinkForm(answers=answers)
    return render(
        request,
        "worklog/record_detail.html",
        {
            "r": record,
            "headcounts": record.headcounts.all(),
            "links": record.links.select_related(
                "answer__clause__item", "answer__checklist__template_version__template"
            ),
            "own": own,
            "link_form": link_form,
        },
    )


@require()
def record_file(request: AuthedRequest, pk: str, file_id: str) -> HttpResponseBase:
    record = selectors.record_get(user=request.user, pk=pk)
    stored = get_in_scope_or_404(record.files.all(), pk=file_id)
    return serve_stored_file(request, stored, owner=record, inline=True)


@require(roles=WRITER_ROLES)
@require_POST
def record_link(request: AuthedRequest, pk: str) -> HttpResponse:
    record = _own_record(request, pk)
    form = LinkForm(request.POST, answers=services.linkable_answers(record))
    if form.is_valid():
        try:
            services.record_link(
                by=request.user, record=record, answer=form.answers[form.cleaned_data["answer"]]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已关联为该条细则的佐证。")
    else:
        messages.error(request, "关联到细则条款：请选择本单位可编辑的“回头看”细则条款。")
    return redirect("worklog:record_detail", pk=record.pk)


@require(roles=WRITER_ROLES)
@require_POST
def record_unlink(request: AuthedRequest, pk: str, link_id: int) -> HttpResponse:
    record = _own_record(request, pk)
    link = EvidenceLink.objects.filter(record=record, pk=link_id).first()
    if link is None:  # already removed (a second click): nothing to do
        messages.info(request, "该关联已取消。")
        return redirect("worklog:record_detail", pk=record.pk)
    try:
        services.record_unlink(by=request.user, link=link)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("worklog:record_detail", pk=record.pk)


# --- review results ----------------------------------------------------------------------------


@require(kinds=GOV_KINDS)
def review_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.reviews_for_user(request.user)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "outcome", "grade", "expiring")}
    if f["q"]:
        qs = qs.filter(
            Q(enterprise__organization__name__icontains=f["q"])
            | Q(certificate_number__icontains=f["q"])
        )
    if f["outcome"] in ReviewOutcome.values:
        qs = qs.filter(outcome=f["outcome"])
    if f["grade"] in Grade.values:
        qs = qs.filter(grade=f["grade"])
    today = timezone.localdate()
    if f["expiring"]:
        qs = qs.filter(valid_until__lte=today + timedelta(days=selectors.EXPIRY_WARNING_DAYS))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [(r, selectors.expiring(r, today)) for r in page]
    return render(
        request,
        "worklog/review_list.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "outcomes": ReviewOutcome.choices,
            "grades": Grade.choices,
            "can_write": request.user.organization.kind == OrgKind.DEPARTMENT
            and can_write(request.user),
        },
    )


@require(kinds=DEPARTMENT, roles=WRITER_ROLES)
def review_create(request: AuthedRequest) -> HttpResponse:
    enterprises = enterprises_for_user(request.user).filter(
        department_id=request.user.organization.pk
    )
    form = ReviewForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记评审结果。")
            return redirect("worklog:review_list")
    return render(request, "worklog/form.html", {"form": form, "title": "登记评审达标结果"})


# --- star rating -------------------------------------------------------------------------------


@require()
def star_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.applications_for_user(request.user)
    status = request.GET.get("status", "")
    if status in StarStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    org = request.user.organization
    return render(
        request,
        "worklog/star_list.html",
        {
            "page": page,
            "status": status,
            "statuses": StarStatus.choices,
            "can_apply": org.kind == OrgKind.ENTERPRISE and can_write(request.user),
            "rated": selectors.current_rating_counts(request.user),
        },
    )


@require(kinds=ENTERPRISE, roles=WRITER_ROLES)
def star_apply(request: AuthedRequest) -> HttpResponse:
    form = StarApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            app = services.star_apply(by=request.user, uploads=data.pop("files"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存申请草稿；确认无误后请点击“提交申请”。")
            return redirect("worklog:star_detail", pk=app.pk)
    return render(request, "worklog/form.html", {"form": form, "title": "申请星级评定"})


def _star_context(request: AuthedRequest, app, forms=None) -> dict:  # noqa: ANN001
    moves = starflow.allowed_moves(request.user, app)
    forms = forms or {}
    return {
        "app": app,
        "moves": [
            (m, forms.get(m.action) or StarMoveForm(initial={"action": m.action})) for m in moves
        ],
        "decisions": app.decisions.select_related("decided_by"),
        "plaque": getattr(app, "plaque", None) if hasattr(app, "plaque") else None,
        "can_plaque": request.user.organization.kind == OrgKind.CITY
        and can_write(request.user)
        and app.is_current
        and app.decided_level == 3
        and not hasattr(app, "plaque"),
        "can_flag": app.status == StarStatus.REJECTED
        and request.user.organization.kind in GOV_KINDS
        and can_write(request.user),
        "plaque_form": forms.get("plaque") or PlaqueForm(),
    }


@require()
def star_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=pk)
    return render(request, "worklog/star_detail.html", _star_context(request, app))


@require(roles=WRITER_ROLES)
@require_POST
def star_move(request: AuthedRequest, pk: str) -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=pk)
    form = StarMoveForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            services.star_move(
                by=request.user,
                application=app,
                action=action,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            response = render(
                request, "worklog/star_detail.html", _star_context(request, app, {action: form})
            )
            response.status_code = 400
            return response
        messages.success(request, f"已{starflow.MOVES[action].label}。")
    return redirect("worklog:star_detail", pk=app.pk)


@require()
def star_file(request: AuthedRequest, pk: str, file_id: str) -> HttpResponseBase:
    app = selectors.application_get(user=request.user, pk=pk)
    stored = get_in_scope_or_404(app.files.all(), pk=file_id)
    return serve_stored_file(request, stored, owner=app, inline=True)


@require(kinds=CITY, roles=WRITER_ROLES)
@require_POST
def plaque_create(request: AuthedRequest, pk: str) -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=pk)
    form = PlaqueForm(request.POST)
    if form.is_valid():
        try:
            services.plaque_create(by=request.user, application=app, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记授牌。")
            return redirect("worklog:star_detail", pk=app.pk)
    response = render(
        request, "worklog/star_detail.html", _star_context(request, app, {"plaque": form})
    )
    response.status_code = 400
    return response


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def star_flag(request: AuthedRequest, pk: str) -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=pk)
    try:
        services.star_flag_priority(by=request.user, application=app)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已标记为执法重点对象。")
    return redirect("worklog:star_detail", pk=app.pk)


@require(note="公示：本市已登录用户可见，不对匿名用户开放")
def announcement(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [
        (a, a.announce_from and a.announce_until and a.announce_from <= today <= a.announce_until)
        for a in selectors.announcements()
    ]
    return render(request, "worklog/announcement.html", {"rows": rows})


def _certified(request: AuthedRequest, pk: str):  # noqa: ANN202
    app = selectors.application_get(user=request.user, pk=pk)
    if not app.is_current or app.decided_level != 3:  # superseded: no longer certified
        raise Http404("该企业没有有效的三星证书")
    return app


@require()
def certificate(request: AuthedRequest, pk: str) -> HttpResponse:
    app = _certified(request, pk)
    return render(
        request,
        "worklog/certificate.html",
        {"app": app, "plaque": getattr(app, "plaque", None) if hasattr(app, "plaque") else None},
    )


@require()
def certificate_pdf(request: AuthedRequest, pk: str) -> HttpResponse:
    from weasyprint import HTML

    app = _certified(request, pk)
    html = render_to_string(
        "worklog/certificate_pdf.html",
        {"app": app, "plaque": getattr(app, "plaque", None) if hasattr(app, "plaque") else None},
    )
    return serve_generated(
        request,
        HTML(string=html).write_pdf(),
        filename=f"三星证书-{app.enterprise.name}.pdf",
        content_type="application/pdf",
        owner=app,
    )
