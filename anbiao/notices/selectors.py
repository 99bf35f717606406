"""Reads of notices and their deliveries, scoped to the issuer or the receiving enterprise.

For the checklist (附件2 item 1, clauses 1 and 2) use :func:`notice_evidence_for_enterprise`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from anbiao.core.access import (
    enterprise_filter,
    enterprises_for_user,
    get_in_scope_or_404,
    own_unit_ids,
)
from anbiao.core.models import StoredFile
from anbiao.notices.models import Commitment, DeliveryState, Notice, NoticeDelivery
from anbiao.orgs.models import Enterprise, OrgKind
from anbiao.orgs.scope import counted_enterprises_q

if TYPE_CHECKING:
    from anbiao.accounts.models import User

ISSUER_KINDS = frozenset({OrgKind.DEPARTMENT, OrgKind.TOWN})


def can_issue(user: User) -> bool:
    org = user.organization
    return org is not None and org.kind in ISSUER_KINDS


def notices_for_gov(user: User) -> QuerySet[Notice]:
    """Notices a government user may see: issued by its own units; the city office sees all."""
    org = user.organization
    if org is None or org.kind == OrgKind.ENTERPRISE:
        return Notice.objects.none()
    qs = Notice.objects.select_related("issuer", "document")
    if org.kind == OrgKind.CITY:
        return qs
    return qs.filter(issuer_id__in=own_unit_ids(user))


def notices_with_counts(user: User) -> QuerySet[Notice]:
    return (
        notices_for_gov(user)
        .annotate(
            n_delivered=Count("deliveries", distinct=True),
            n_acknowledged=Count("deliveries", filter=Q(deliveries__acknowledged_at__isnull=False)),
            n_signed=Count("deliveries", filter=Q(deliveries__signed_at__isnull=False)),
            n_posted=Count("deliveries", filter=Q(deliveries__posted_at__isnull=False)),
        )
        .order_by("-created_at")
    )


def notice_get(*, user: User, pk: Any) -> Notice:
    return get_in_scope_or_404(notices_with_counts(user), pk=pk)


def deliveries_for_enterprise_user(user: User) -> QuerySet[NoticeDelivery]:
    """The notices delivered to the user's own enterprise."""
    org = user.organization
    if org is None or org.kind != OrgKind.ENTERPRISE:
        return NoticeDelivery.objects.none()
    return NoticeDelivery.objects.filter(enterprise_id=org.pk).select_related(
        "notice__issuer", "notice__document", "commitment_file", "commitment", "posted_photo"
    )


def delivery_get_for_enterprise(*, user: User, pk: Any) -> NoticeDelivery:
    return get_in_scope_or_404(deliveries_for_enterprise_user(user), pk=pk)


def deliveries_visible(user: User) -> QuerySet[NoticeDelivery]:
    """Deliveries a user may open: its enterprise's own, or those of notices it may see."""
    org = user.organization
    if org is None:
        return NoticeDelivery.objects.none()
    if org.kind == OrgKind.ENTERPRISE:
        return deliveries_for_enterprise_user(user)
    return NoticeDelivery.objects.filter(notice__in=notices_for_gov(user)).select_related(
        "notice", "commitment_file", "commitment", "posted_photo"
    )


def commitments_visible(user: User) -> QuerySet[Commitment]:
    """The signed 承诺书 a user may read: those of the deliveries it may open — the enterprise
    its own; each issuer (its town and its department alike) those answering its notices; the
    city office all."""
    ids = deliveries_visible(user).filter(commitment__isnull=False).values("commitment_id")
    return Commitment.objects.filter(pk__in=ids).select_related("signature_file", "enterprise")


def commitment_get(*, user: User, pk: Any) -> Commitment:
    return get_in_scope_or_404(commitments_visible(user), pk=pk)


def pending_acknowledgements(user: User) -> int:
    return deliveries_for_enterprise_user(user).filter(acknowledged_at__isnull=True).count()


def pending_commitments(user: User) -> int:
    return (
        deliveries_for_enterprise_user(user)
        .filter(acknowledged_at__isnull=False, signed_at__isnull=True)
        .count()
    )


def notice_document_visible(user: User, notice_pk: Any) -> Notice:
    """The notice if the user issued it (or is the city office) or received it; else 404."""
    org = user.organization
    if org is not None and org.kind == OrgKind.ENTERPRISE:
        delivery = get_in_scope_or_404(deliveries_for_enterprise_user(user), notice_id=notice_pk)
        return delivery.notice
    return get_in_scope_or_404(notices_for_gov(user), pk=notice_pk)


# --- delivery candidates and the ledger --------------------------------------------------------


def delivery_candidates(
    *, user: User, notice: Notice, town: str = "", size_class: str = "", q: str = ""
) -> QuerySet[Enterprise]:
    """Enterprises in the issuer's scope (filtered), excluding those already delivered."""
    qs = enterprises_for_user(user).filter(is_closed=False)
    if town:
        # The stubs want a UUID here; Django takes its text form as well.
        qs = qs.filter(town_id=town)  # type: ignore[misc]
    if size_class:
        qs = qs.filter(size_class=size_class)
    if q:
        qs = qs.filter(Q(organization__name__icontains=q) | Q(credit_code__icontains=q))
    delivered = notice.deliveries.values("enterprise_id")
    return qs.exclude(pk__in=delivered).order_by("organization__name")


STATE_FILTERS = {
    "not_acknowledged": Q(acknowledged_at__isnull=True),
    "not_signed": Q(signed_at__isnull=True),
    "not_posted": Q(posted_at__isnull=True),
    "posted": Q(posted_at__isnull=False),
}


def ledger(*, notice: Notice, state: str = "", town: str = "") -> QuerySet[NoticeDelivery]:
    """Per enterprise: delivered / acknowledged / signed / posted."""
    qs = notice.deliveries.select_related(
        "enterprise__organization", "enterprise__town", "acknowledged_by", "signed_by"
    )
    if state in STATE_FILTERS:
        qs = qs.filter(STATE_FILTERS[state])
    if town:
        qs = qs.filter(counted_enterprises_q(OrgKind.TOWN, [town], "enterprise"))
    return qs.order_by("enterprise__organization__name")


@dataclass(frozen=True)
class LedgerCounts:
    delivered: int
    acknowledged: int
    signed: int
    posted: int


def ledger_counts(qs: QuerySet[NoticeDelivery]) -> LedgerCounts:
    agg = qs.aggregate(
        delivered=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        signed=Count("pk", filter=Q(signed_at__isnull=False)),
        posted=Count("pk", filter=Q(posted_at__isnull=False)),
    )
    return LedgerCounts(**agg)


LEDGER_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "乡镇/街道",
    "送达时间",
    "签收时间",
    "签收人",
    "承诺书签订时间",
    "签订方式",
    "公示时间",
    "状态",
]


def _t(value: Any) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def ledger_rows(qs: QuerySet[NoticeDelivery]) -> Iterator[list[Any]]:
    for d in qs:
        yield [
            d.enterprise.organization.name,
            d.enterprise.credit_code,
            d.enterprise.town.name,
            _t(d.delivered_at),
            _t(d.acknowledged_at),
            d.acknowledged_by.display_name if d.acknowledged_by else "",
            _t(d.signed_at),
            d.get_sign_method_display() if d.sign_method else "",
            _t(d.posted_at),
            d.state_label,
        ]


# --- evidence suggestions for the checklist ----------------------------------------------------


@dataclass(frozen=True)
class NoticeEvidence:
    """One suggestion: a delivery and the files that prove a 附件2 item 1 clause."""

    clause: int  # 1: 公示告知书; 2: 签订承诺书并公示
    delivery: NoticeDelivery
    label: str
    files: tuple[StoredFile, ...]
    complete: bool  # the clause is fully met by this delivery


def notice_evidence_for_enterprise(enterprise: Enterprise | Any) -> list[NoticeEvidence]:
    """Evidence suggestions for 附件2 item 1 clause 1 (notices posted on the bulletin board)
    and clause 2 (commitments signed and posted), from the notices delivered to ``enterprise``.

    The caller must already have checked that the user may see ``enterprise``. Clause 1 offers
    the notice document and the posting photo; clause 2 the signed commitment and the photo.
    """
    pk: Any = getattr(enterprise, "pk", enterprise)
    out: list[NoticeEvidence] = []
    deliveries = NoticeDelivery.objects.filter(enterprise_id=pk).select_related(
        "notice__issuer", "notice__document", "commitment_file", "posted_photo"
    )
    for d in deliveries.order_by("notice__kind", "notice__created_at"):
        photo = (d.posted_photo,) if d.posted_photo_id else ()
        out.append(
            NoticeEvidence(
                clause=1,
                delivery=d,
                label=f"{d.notice.issuer.name}《{d.notice.title}》· {d.state_label}",
                files=(d.notice.document, *photo),
                complete=d.posted_at is not None,
            )
        )
        if d.signed_at:
            commit = (d.commitment_file,) if d.commitment_file_id else ()
            out.append(
                NoticeEvidence(
                    clause=2,
                    delivery=d,
                    label=f"《{d.notice.commitment_title}》· {d.get_sign_method_display()}",
                    files=(*commit, *photo),
                    complete=d.posted_at is not None,
                )
            )
    return out


def scope_delivery_q(user: User) -> Q:
    return enterprise_filter(user, "enterprise__")


STATE_LABELS = dict(DeliveryState.choices)
