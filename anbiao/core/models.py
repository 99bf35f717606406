"""Audit trail (append-only, hash-chained) and stored evidence files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One recorded action. Never updated or deleted (database triggers refuse it)."""

    created_at = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True, default="")
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=80, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    data = models.JSONField("内容", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The id of the key whose HMAC is ``hash`` (settings.AUDIT_HMAC_KEYS); "" for entries
    # written before the chain was keyed (plain SHA-256, see anbiao.core.audit).
    key_id = models.CharField("密钥编号", max_length=32, blank=True, default="")

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"


class AuditHead(models.Model):
    """A single row holding the hash of the newest audit entry; locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=32, blank=True, default="")  # of the newest entry

    def __str__(self) -> str:
        return self.last_hash


class StoredFile(models.Model):
    """An uploaded evidence file, checked by content and stored under a generated name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField("文件", upload_to="evidence/%Y/%m/", max_length=200)
    original_name = models.CharField("文件名", max_length=220)
    content_type = models.CharField("类型", max_length=120)
    kind = models.CharField("种类", max_length=10)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    purpose = models.CharField("用途", max_length=50, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        related_name="stored_files",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料文件"
        verbose_name_plural = "佐证材料文件"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
