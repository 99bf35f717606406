"""Demo notices: 应急管理局 issues both notices, 溪美街道 one, with mixed delivery states.

Deterministic and idempotent (notices keyed by issuer and title). The demo enterprise keeps
two notices unacknowledged so its home page shows “2 份告知书待签收”. Enterprises without
demo accounts get their states written directly (no user to act for them).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anbiao.core.uploads import store_upload
from anbiao.notices import services
from anbiao.notices.commitments import commitment_text, commitment_title
from anbiao.notices.models import Commitment, Notice, NoticeKind, SignMethod
from anbiao.orgs.demo import demo_organizations
from anbiao.orgs.models import Enterprise
from anbiao.records.demo_files import demo_pdf, demo_png, demo_signature_png

MAX_RECIPIENTS = 24


def seed(stdout: Any = None) -> None:
    User = get_user_model()
    orgs = demo_organizations()
    made = 0
    for issuer_key, username, kind in (
        ("dept", "yjj_filler", NoticeKind.STANDARDIZATION),
        ("dept", "yjj_filler", NoticeKind.RESPONSIBILITY),
        ("town", "xm_filler", NoticeKind.RESPONSIBILITY),
    ):
        issuer = orgs[issuer_key]
        title = NoticeKind(kind).label
        if Notice.objects.filter(issuer=issuer, title=title).exists():
            continue
        user = User.objects.get(username=username)
        notice = services.notice_issue(
            by=user,
            kind=kind,
            title=title,
            document=SimpleUploadedFile(f"{title}.pdf", demo_pdf(f"notice {kind}")),
        )
        field = "department" if issuer_key == "dept" else "town"
        recipients = list(
            Enterprise.objects.filter(**{field: issuer}, is_closed=False).order_by("credit_code")[
                :MAX_RECIPIENTS
            ]
        )
        demo_ent = orgs["enterprise"].enterprise
        if demo_ent not in recipients:
            recipients.append(demo_ent)
        services.notice_deliver(by=user, notice=notice, enterprises=recipients)
        _mix_states(notice, skip=demo_ent.pk)
        if issuer_key == "town":
            # The demo enterprise has acknowledged and signed the town's notice already.
            principal = User.objects.get(username="qy_principal")
            own = notice.deliveries.get(enterprise=demo_ent)
            services.delivery_acknowledge(by=principal, delivery=own)
            services.delivery_sign_canvas(
                by=principal,
                delivery=own,
                data_url="data:image/png;base64,"
                + base64.b64encode(demo_signature_png(7)).decode(),
            )
        made += 1
    if stdout is not None:
        stdout.write(f"告知书：新增 {made} 份并送达。")


def _mix_states(notice: Notice, *, skip: Any) -> None:
    """By position: 1/4 posted, 1/4 signed, 1/4 acknowledged, 1/4 only delivered."""
    base = timezone.now() - dt.timedelta(days=10)
    deliveries = list(
        notice.deliveries.exclude(enterprise_id=skip).order_by("enterprise__credit_code")
    )
    for i, d in enumerate(deliveries):
        step = 3 - i % 4  # 3 posted, 2 signed, 1 acknowledged, 0 delivered
        org = d.enterprise.organization
        d.delivered_at = base
        if step >= 1:
            d.acknowledged_at = base + dt.timedelta(days=1, hours=i)
        if step >= 2:
            commitment = _demo_commitment(notice, d, i, at=base + dt.timedelta(days=2, hours=i))
            d.commitment = commitment
            d.signed_at = commitment.signed_at
            d.sign_method = commitment.sign_method
            d.commitment_file = commitment.signature_file
        if step >= 3:
            d.posted_at = base + dt.timedelta(days=3, hours=i)
            d.posted_photo = store_upload(
                SimpleUploadedFile("公示栏照片.png", demo_png(200 + i)),
                by=None,
                organization=org,
                purpose="公示照片",
                images_only=True,
            )
        d.save()


def _demo_commitment(notice: Notice, d: Any, i: int, *, at: Any) -> Commitment:
    """The enterprise's commitment of the notice's kind and campaign (one for the town's and the
    department's notice alike), signed by scan or on screen by position."""
    found = Commitment.objects.filter(
        enterprise_id=d.enterprise_id, kind=notice.kind, campaign=notice.campaign
    ).first()
    if found is not None:
        return found
    org = d.enterprise.organization
    if i % 2:
        method = SignMethod.SCAN
        upload = SimpleUploadedFile("承诺书扫描件.pdf", demo_pdf(f"commitment {i}"))
        stored = store_upload(upload, by=None, organization=org, purpose="承诺书扫描件")
    else:
        method = SignMethod.CANVAS
        upload = SimpleUploadedFile("承诺书签名.png", demo_signature_png(i))
        stored = store_upload(
            upload, by=None, organization=org, purpose="承诺书签名", images_only=True
        )
    return Commitment.objects.create(
        enterprise_id=d.enterprise_id,
        kind=notice.kind,
        campaign=notice.campaign,
        title=commitment_title(notice.kind),
        text=commitment_text(notice.kind),
        enterprise_name=org.name,
        credit_code=d.enterprise.credit_code or "",
        sign_method=method,
        signature_file=stored,
        signer_name=d.enterprise.principal or "主要负责人",
        signed_at=at,
    )
