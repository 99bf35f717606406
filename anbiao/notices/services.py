"""Writes of notices and deliveries: issue, deliver, acknowledge, sign, post (all audited)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.core.access import WRITER_ROLES
from anbiao.core.audit import log_action
from anbiao.core.signature import decode_canvas_signature
from anbiao.core.uploads import store_upload
from anbiao.notices.commitments import commitment_text, commitment_title
from anbiao.notices.models import Commitment, Notice, NoticeDelivery, NoticeKind, SignMethod
from anbiao.notices.selectors import can_issue
from anbiao.orgs.models import Enterprise
from anbiao.orgs.visibility import enterprises_for_user, own_unit_ids

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.core.models import StoredFile


def _store(upload: UploadedFile, *, by: User, purpose: str, field: str, images_only: bool = False):  # noqa: ANN202
    try:
        return store_upload(
            upload, by=by, organization=by.organization, purpose=purpose, images_only=images_only
        )
    except ValidationError as exc:
        raise ValidationError({field: "；".join(exc.messages)}) from exc


@transaction.atomic
def notice_issue(*, by: User, kind: str, title: str, document: UploadedFile) -> Notice:
    """Create a notice of the user's department or town with its uploaded document."""
    if not can_issue(by) or not by.has_role(*WRITER_ROLES):
        raise ValidationError("只有行业主管部门或乡镇（街道）可以下发告知书。")
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": "请选择告知书种类。"})
    from anbiao.campaigns.selectors import current_campaign

    stored = _store(document, by=by, purpose="告知书", field="document")
    notice = Notice(
        issuer=by.organization,
        kind=kind,
        title=title.strip() or NoticeKind(kind).label,
        document=stored,
        issued_by=by,
        campaign=current_campaign(),
    )
    notice.full_clean()
    notice.save()
    log_action(notice, "anbiao.notice.issued", user=by, data={"kind": kind, "title": notice.title})
    return notice


@transaction.atomic
def notice_deliver(*, by: User, notice: Notice, enterprises: Iterable[Enterprise]) -> int:
    """Deliver the notice to enterprises in the issuer's scope; returns how many were new."""
    if notice.issuer_id not in own_unit_ids(by) or not by.has_role(*WRITER_ROLES):
        raise ValidationError("只能送达本单位下发的告知书。")
    # Serialize deliveries of one notice: two clicks at once must not collide on the unique pair.
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    wanted = {e.pk for e in enterprises}
    if not wanted:
        raise ValidationError({"enterprises": "请至少选择一家企业。"})
    in_scope = set(enterprises_for_user(by).filter(pk__in=wanted).values_list("pk", flat=True))
    if in_scope != wanted:
        raise ValidationError({"enterprises": "所选企业中有不在本单位范围内的企业。"})
    already = set(notice.deliveries.values_list("enterprise_id", flat=True))
    now = timezone.now()
    new = [
        NoticeDelivery(notice=notice, enterprise_id=pk, delivered_at=now)
        for pk in sorted(wanted - already, key=str)
    ]
    NoticeDelivery.objects.bulk_create(new)
    # an enterprise that signed this campaign's commitment (on another unit's notice of the
    # same kind) has signed it for this notice too
    fresh = [d.enterprise_id for d in new]
    list(Enterprise.objects.select_for_update().filter(pk__in=fresh).order_by("pk").values("pk"))
    signed = Commitment.objects.filter(
        _in_campaign("", notice.campaign_id), enterprise_id__in=fresh, kind=notice.kind
    )
    for commitment in signed:
        _cover(commitment)
    log_action(
        notice,
        "anbiao.notice.delivered",
        user=by,
        data={"new": len(new), "already": len(wanted & already)},
    )
    return len(new)


def _lock_enterprise(by: User) -> None:
    """Serialize an enterprise's signatures (one commitment per kind and campaign), taken before
    any delivery row: signing covers the enterprise's other deliveries too."""
    list(Enterprise.objects.select_for_update().filter(pk=by.organization_id))


def _own_delivery(by: User, delivery: NoticeDelivery) -> NoticeDelivery:
    locked = NoticeDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.enterprise_id != by.organization_id:
        raise ValidationError("只能处理送达本企业的告知书。")
    return locked


@transaction.atomic
def delivery_acknowledge(*, by: User, delivery: NoticeDelivery) -> NoticeDelivery:
    """已送达 → 已签收, recording the time and the user."""
    if not by.has_role(*WRITER_ROLES):
        raise ValidationError("查看账号不能签收。")
    delivery = _own_delivery(by, delivery)
    if delivery.acknowledged_at is not None:
        raise ValidationError("该告知书已签收。")
    delivery.acknowledged_at = timezone.now()
    delivery.acknowledged_by = by
    delivery.save(update_fields=["acknowledged_at", "acknowledged_by"])
    log_action(delivery, "anbiao.notice.acknowledged", user=by)
    return delivery


def _check_can_sign(delivery: NoticeDelivery) -> None:
    if delivery.acknowledged_at is None:
        raise ValidationError("请先签收告知书，再签订承诺书。")
    if delivery.signed_at is not None:
        raise ValidationError("承诺书已签订。")
    if commitment_of(delivery) is not None:
        raise ValidationError("本企业已在本专项行动中签订该承诺书（同一种告知书只签一份）。")


def commitment_of(delivery: NoticeDelivery) -> Commitment | None:
    """The commitment the delivery's enterprise signed for its notice's kind and campaign."""
    notice = delivery.notice
    return Commitment.objects.filter(
        _in_campaign("", notice.campaign_id),
        enterprise_id=delivery.enterprise_id,
        kind=notice.kind,
    ).first()


def _in_campaign(prefix: str, campaign_id: Any) -> Q:
    """Of that campaign, or of none when ``campaign_id`` is None (notices before campaigns)."""
    if campaign_id is None:
        return Q(**{f"{prefix}campaign__isnull": True})
    return Q(**{f"{prefix}campaign_id": campaign_id})


def _cover(commitment: Commitment) -> int:
    """Mark every delivery of that kind and campaign to the enterprise as signed with
    ``commitment`` (the town's and the department's alike); returns how many."""
    return NoticeDelivery.objects.filter(
        _in_campaign("notice__", commitment.campaign_id),
        enterprise_id=commitment.enterprise_id,
        notice__kind=commitment.kind,
        commitment__isnull=True,
    ).update(
        commitment=commitment,
        signed_at=commitment.signed_at,
        signed_by=commitment.signed_by,
        sign_method=commitment.sign_method,
        commitment_file=commitment.signature_file,
    )


def _sign(*, by: User, delivery: NoticeDelivery, method: str, stored: StoredFile) -> Commitment:
    enterprise = delivery.enterprise
    commitment = Commitment(
        enterprise=enterprise,
        kind=delivery.notice.kind,
        campaign=delivery.notice.campaign,
        title=commitment_title(delivery.notice.kind),
        text=commitment_text(delivery.notice.kind),
        enterprise_name=enterprise.organization.name,
        credit_code=enterprise.credit_code or "",
        sign_method=method,
        signature_file=stored,
        signer_name=by.display_name,
        signed_by=by,
        signed_at=timezone.now(),
    )
    commitment.full_clean()
    commitment.save()
    covered = _cover(commitment)
    log_action(
        commitment,
        "anbiao.commitment.signed",
        user=by,
        data={
            "method": method,
            "sha256": stored.sha256,
            "delivery": str(delivery.pk),
            "deliveries": covered,
        },
    )
    return commitment


@transaction.atomic
def delivery_sign_canvas(*, by: User, delivery: NoticeDelivery, data_url: str) -> NoticeDelivery:
    """The principal signs the commitment on screen; the signature is stored as a PNG and the
    signed 承诺书 (:class:`Commitment`) covers every delivery of that kind in the campaign."""
    if not by.has_role(Role.PRINCIPAL):
        raise ValidationError("只有主要负责人可以在线签名。")
    _lock_enterprise(by)
    delivery = _own_delivery(by, delivery)
    _check_can_sign(delivery)
    upload = decode_canvas_signature(data_url, filename="承诺书签名.png", noun="签名")
    stored = _store(upload, by=by, purpose="承诺书签名", field="signature", images_only=True)
    _sign(by=by, delivery=delivery, method=SignMethod.CANVAS, stored=stored)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def delivery_sign_scan(
    *, by: User, delivery: NoticeDelivery, upload: UploadedFile
) -> NoticeDelivery:
    """A filler uploads the scan of the commitment signed and sealed on paper (covering every
    delivery of that kind in the campaign, as :func:`delivery_sign_canvas`)."""
    if not by.has_role(*WRITER_ROLES):
        raise ValidationError("查看账号不能上传承诺书。")
    _lock_enterprise(by)
    delivery = _own_delivery(by, delivery)
    _check_can_sign(delivery)
    stored = _store(upload, by=by, purpose="承诺书扫描件", field="scan")
    _sign(by=by, delivery=delivery, method=SignMethod.SCAN, stored=stored)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def delivery_post(*, by: User, delivery: NoticeDelivery, photo: UploadedFile) -> NoticeDelivery:
    """Upload the photo of the notice and commitment on the bulletin board (公示); images only."""
    if not by.has_role(*WRITER_ROLES):
        raise ValidationError("查看账号不能上传公示照片。")
    delivery = _own_delivery(by, delivery)
    if delivery.signed_at is None:
        raise ValidationError("请先签订承诺书，再上传公示照片。")
    stored = _store(photo, by=by, purpose="公示照片", field="photo", images_only=True)
    replaced = delivery.posted_photo_id is not None
    delivery.posted_at = timezone.now()
    delivery.posted_by = by
    delivery.posted_photo = stored
    delivery.save(update_fields=["posted_at", "posted_by", "posted_photo"])
    log_action(
        delivery,
        "anbiao.notice.posted",
        user=by,
        data={"replaced": replaced, "sha256": stored.sha256},
    )
    return delivery
