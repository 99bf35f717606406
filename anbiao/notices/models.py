"""Notices (告知书) issued to enterprises and the commitments (承诺书) they sign and post.

附件1 item 4 (3): deliver the two notices to every enterprise and have it sign the two
commitments; 附件2 item 1 clauses (1)(2): post the notices and the signed commitments on the
enterprise's bulletin board (公示). A :class:`NoticeDelivery` tracks one notice at one
enterprise through 已送达 → 已签收 → 已签订承诺书 → 已公示.

A :class:`Commitment` is the signed 承诺书 itself — the commitment text, the enterprise, the
signature and the date — one per enterprise, kind and campaign: an enterprise that received the
same 告知书 from its town and from its department signs once, and both deliveries carry that
commitment (``NoticeDelivery.commitment``; the delivery's ``signed_*`` fields repeat it for the
ledgers and the checklist).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    STANDARDIZATION = "standardization", "关于自主加强安全生产标准化建设告知书"
    RESPONSIBILITY = "responsibility", "关于落实全员安全生产责任制告知书"


COMMITMENT_TITLES = {
    NoticeKind.STANDARDIZATION: "关于自主加强安全生产标准化建设承诺书",
    NoticeKind.RESPONSIBILITY: "关于落实全员安全生产责任制承诺书",
}


class Notice(models.Model):
    """One notice document issued by a department or town."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    issuer = models.ForeignKey(
        "orgs.Organization",
        verbose_name="下发单位",
        on_delete=models.PROTECT,
        related_name="notices",
    )
    kind = models.CharField("告知书种类", max_length=20, choices=NoticeKind.choices)
    title = models.CharField("标题", max_length=200)
    document = models.ForeignKey(
        "core.StoredFile", verbose_name="告知书文件", on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="专项行动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
        help_text="下发时进行中的专项行动；同一专项行动中同一种告知书，企业只签一份承诺书",
    )
    created_at = models.DateTimeField("下发时间", auto_now_add=True)

    class Meta:
        verbose_name = "告知书"
        verbose_name_plural = "告知书"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def commitment_title(self) -> str:
        return COMMITMENT_TITLES[NoticeKind(self.kind)]


class SignMethod(models.TextChoices):
    CANVAS = "canvas", "主要负责人手写签名"
    SCAN = "scan", "上传签字盖章扫描件"


class Commitment(models.Model):
    """The 承诺书 an enterprise signed for one kind of notice in one campaign."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    kind = models.CharField("告知书种类", max_length=20, choices=NoticeKind.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="专项行动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField("标题", max_length=200)
    text = models.TextField("承诺内容", help_text="签订时的承诺书正文（此后不随模板改变）")
    enterprise_name = models.CharField("签订时的企业名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    sign_method = models.CharField("签订方式", max_length=10, choices=SignMethod.choices)
    signature_file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="签名/扫描件",
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField("签订人", max_length=100)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签订账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField("签订时间")

    class Meta:
        verbose_name = "承诺书"
        verbose_name_plural = "承诺书"
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "campaign"],
                condition=models.Q(campaign__isnull=False),
                name="commitment_one_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "kind"],
                condition=models.Q(campaign__isnull=True),
                name="commitment_one_without_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_name}《{self.title}》"


class DeliveryState(models.TextChoices):
    DELIVERED = "delivered", "已送达"
    ACKNOWLEDGED = "acknowledged", "已签收"
    SIGNED = "signed", "已签订承诺书"
    POSTED = "posted", "已公示"


class NoticeDelivery(models.Model):
    """One notice at one enterprise, with its acknowledgement, commitment and posting."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="notice_deliveries",
    )
    delivered_at = models.DateTimeField("送达时间")
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField("承诺书签订时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签订人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sign_method = models.CharField(
        "签订方式", max_length=10, choices=SignMethod.choices, blank=True
    )
    commitment_file = models.ForeignKey(
        "core.StoredFile",
        verbose_name="承诺书签名/扫描件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name="承诺书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    posted_at = models.DateTimeField("公示时间", null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公示上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    posted_photo = models.ForeignKey(
        "core.StoredFile",
        verbose_name="公示照片",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "告知书送达"
        verbose_name_plural = "告知书送达"
        ordering = ["enterprise__organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "enterprise"], name="notice_delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.enterprise}"

    @property
    def state(self) -> str:
        if self.posted_at:
            return DeliveryState.POSTED
        if self.signed_at:
            return DeliveryState.SIGNED
        if self.acknowledged_at:
            return DeliveryState.ACKNOWLEDGED
        return DeliveryState.DELIVERED

    @property
    def state_label(self) -> str:
        return DeliveryState(self.state).label
