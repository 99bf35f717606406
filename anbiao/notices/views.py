"""Notices and commitments: issue and deliver, the enterprise's inbox, the issuer's ledger."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbiao.accounts.models import Role
from anbiao.core.access import GOV_KINDS, WRITER_ROLES, enterprises_for_user, require
from anbiao.core.audit import log_action
from anbiao.core.downloads import serve_generated, serve_stored_file
from anbiao.core.form_errors import add_service_errors
from anbiao.core.types import AuthedRequest
from anbiao.core.xlsx import table_workbook, workbook_response
from anbiao.notices import selectors, services
from anbiao.notices.forms import (
    CandidateFilterForm,
    LedgerFilterForm,
    NoticeForm,
    PhotoForm,
    ScanForm,
)
from anbiao.notices.models import Commitment, SignMethod
from anbiao.orgs.models import OrgKind

ISSUERS = frozenset({OrgKind.DEPARTMENT, OrgKind.TOWN})
ENT = frozenset({OrgKind.ENTERPRISE})


# --- issuer side -------------------------------------------------------------------------------


@require(kinds=GOV_KINDS)
def issued_list(request: AuthedRequest) -> HttpResponse:
    notices = selectors.notices_with_counts(request.user)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/issued_list.html",
        {
            "page": page,
            "can_issue": selectors.can_issue(request.user) and request.user.has_role(*WRITER_ROLES),
        },
    )


@require(kinds=ISSUERS, roles=WRITER_ROLES)
def notice_create(request: AuthedRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_issue(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "告知书已上传，请选择送达的企业。")
            return redirect("notices:deliver", pk=notice.pk)
    return render(request, "notices/notice_form.html", {"form": form})


@require(kinds=ISSUERS, roles=WRITER_ROLES)
def notice_deliver(request: AuthedRequest, pk: str) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=pk)
    if notice.issuer_id != request.user.organization_id:
        raise Http404("对象不存在或无权访问")
    scope = enterprises_for_user(request.user)
    town_ids = scope.values("town_id")
    params = request.POST if request.method == "POST" else request.GET
    filter_form = CandidateFilterForm(params or None, town_ids=town_ids)
    data = filter_form.cleaned_data if filter_form.is_valid() else {}
    candidates = selectors.delivery_candidates(
        user=request.user,
        notice=notice,
        town=str(data["town"].pk) if data.get("town") else "",
        size_class=data.get("size_class") or "",
        q=data.get("q") or "",
    )
    if request.method == "POST":
        mode = request.POST.get("mode")
        if mode == "filtered":
            chosen = list(candidates)
        else:
            picked = request.POST.getlist("enterprises")
            # The stubs want a UUID here; Django takes its text form as well.
            chosen = list(candidates.filter(pk__in=picked))  # type: ignore[misc]
        try:
            n = services.notice_deliver(by=request.user, notice=notice, enterprises=chosen)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已送达 {n} 家企业。")
            return redirect("notices:ledger", pk=notice.pk)
    page = Paginator(candidates, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/deliver.html",
        {"notice": notice, "filter_form": filter_form, "page": page},
    )


def _ledger_filters(request: HttpRequest, notice) -> tuple[LedgerFilterForm, str, str]:  # noqa: ANN001
    form = LedgerFilterForm(
        request.GET or None, town_ids=notice.deliveries.values("enterprise__town_id")
    )
    if not form.is_valid():
        return form, "", ""
    town = form.cleaned_data.get("town")
    return form, form.cleaned_data.get("state") or "", str(town.pk) if town else ""


@require(kinds=GOV_KINDS)
def notice_ledger(request: AuthedRequest, pk: str) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=pk)
    form, state, town = _ledger_filters(request, notice)
    qs = selectors.ledger(notice=notice, state=state, town=town)
    counts = selectors.ledger_counts(selectors.ledger(notice=notice))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/ledger.html",
        {
            "notice": notice,
            "form": form,
            "page": page,
            "counts": counts,
            "can_deliver": notice.issuer_id == request.user.organization_id
            and request.user.has_role(*WRITER_ROLES),
        },
    )


@require(kinds=GOV_KINDS)
def ledger_export(request: AuthedRequest, pk: str) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=pk)
    _, state, town = _ledger_filters(request, notice)
    qs = selectors.ledger(notice=notice, state=state, town=town)
    wb = table_workbook(
        title=f"{notice.title}送达台账",
        headers=selectors.LEDGER_HEADERS,
        rows=selectors.ledger_rows(qs),
        widths=[32, 22, 14, 18, 18, 10, 18, 18, 18, 12],
        sheet_title="送达台账",
    )
    log_action(
        notice,
        "anbiao.notice.ledger_exported",
        request=request,
        data={"state": state, "town": town},
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    return workbook_response(wb, filename=f"告知书送达台账_{stamp}.xlsx")


@require()
def notice_document(request: AuthedRequest, pk: str) -> HttpResponseBase:
    notice = selectors.notice_document_visible(request.user, pk)
    return serve_stored_file(request, notice.document, owner=notice)


@require()
def delivery_file(request: AuthedRequest, pk: str, what: str) -> HttpResponseBase:
    from anbiao.core.access import get_in_scope_or_404

    delivery = get_in_scope_or_404(selectors.deliveries_visible(request.user), pk=pk)
    signed = delivery.commitment
    if what == "commitment" and signed is not None and signed.sign_method == SignMethod.CANVAS:
        # the signed 承诺书 is the document, not the bare signature image
        return _commitment_pdf_response(request, signed)
    stored = {"commitment": delivery.commitment_file, "photo": delivery.posted_photo}.get(what)
    if stored is None:
        raise Http404("文件不存在")
    return serve_stored_file(request, stored, owner=delivery, inline=stored.is_image)


def _commitment_pdf_response(request: AuthedRequest, commitment: Commitment) -> HttpResponse:
    from anbiao.notices.documents import render_commitment_pdf

    return serve_generated(
        request,
        render_commitment_pdf(commitment),
        filename=f"{commitment.title}-{commitment.enterprise_name}.pdf",
        content_type="application/pdf",
        owner=commitment,
    )


@require()
def commitment_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    """The signed 承诺书, printable (the enterprise, its issuers, the city office)."""
    from anbiao.notices.documents import commitment_context

    commitment = selectors.commitment_get(user=request.user, pk=pk)
    return render(request, "notices/commitment.html", commitment_context(commitment))


@require()
def commitment_pdf(request: AuthedRequest, pk: str) -> HttpResponse:
    commitment = selectors.commitment_get(user=request.user, pk=pk)
    return _commitment_pdf_response(request, commitment)


@require()
def commitment_file(request: AuthedRequest, pk: str) -> HttpResponseBase:
    """The signature image or the signed and sealed scan, as uploaded."""
    commitment = selectors.commitment_get(user=request.user, pk=pk)
    stored = commitment.signature_file
    return serve_stored_file(request, stored, owner=commitment, inline=stored.is_image)


# --- enterprise side ---------------------------------------------------------------------------


@require(kinds=ENT)
def inbox(request: AuthedRequest) -> HttpResponse:
    deliveries = selectors.deliveries_for_enterprise_user(request.user).order_by("-delivered_at")
    return render(request, "notices/inbox.html", {"deliveries": deliveries})


@require(kinds=ENT)
def delivery_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    d = selectors.delivery_get_for_enterprise(user=request.user, pk=pk)
    return render(
        request,
        "notices/delivery.html",
        {
            "d": d,
            "can_write": request.user.has_role(*WRITER_ROLES),
            "can_sign": request.user.has_role(Role.PRINCIPAL),
            "scan_form": ScanForm(),
            "photo_form": PhotoForm(),
        },
    )


def _act(request: AuthedRequest, pk: str, action, ok: str, **kwargs) -> HttpResponse:  # noqa: ANN001
    d = selectors.delivery_get_for_enterprise(user=request.user, pk=pk)
    try:
        action(by=request.user, delivery=d, **kwargs)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, ok)
    return redirect("notices:delivery", pk=d.pk)


@require(kinds=ENT, roles=WRITER_ROLES)
@require_POST
def delivery_acknowledge(request: AuthedRequest, pk: str) -> HttpResponse:
    return _act(request, pk, services.delivery_acknowledge, "已签收告知书。")


@require(kinds=ENT, roles={Role.PRINCIPAL})
@require_POST
def delivery_sign(request: AuthedRequest, pk: str) -> HttpResponse:
    return _act(
        request,
        pk,
        services.delivery_sign_canvas,
        "承诺书已签订。请张贴后上传公示照片。",
        data_url=request.POST.get("signature", ""),
    )


@require(kinds=ENT, roles=WRITER_ROLES)
@require_POST
def delivery_sign_scan(request: AuthedRequest, pk: str) -> HttpResponse:
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        selectors.delivery_get_for_enterprise(user=request.user, pk=pk)
        messages.error(request, "承诺书扫描件：请选择要上传的文件。")
        return redirect("notices:delivery", pk=pk)
    return _act(
        request,
        pk,
        services.delivery_sign_scan,
        "承诺书扫描件已上传。请张贴后上传公示照片。",
        upload=form.cleaned_data["scan"],
    )


@require(kinds=ENT, roles=WRITER_ROLES)
@require_POST
def delivery_post(request: AuthedRequest, pk: str) -> HttpResponse:
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        selectors.delivery_get_for_enterprise(user=request.user, pk=pk)
        messages.error(request, "公示照片：请上传图片文件（JPG、PNG）。")
        return redirect("notices:delivery", pk=pk)
    return _act(
        request, pk, services.delivery_post, "公示照片已上传。", photo=form.cleaned_data["photo"]
    )
