"""Notices (告知书) issued to enterprises and the commitments (承诺书) they sign and post.

附件1 item 4 (3): deliver the two notices to every enterprise and have it sign the two
commitments; 附件2 item 1 clauses (1)(2): post the notices and the signed commitments on the
enterprise's bulletin board (公示). A :class:`NoticeDelivery` tracks one notice at one
enterprise through 已送达 → 已签收 → 已签订承诺书 → 已公示.
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
