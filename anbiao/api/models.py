"""Personal API tokens: a user calls the JSON API with ``Authorization: Bearer <token>``.

Only a SHA-256 of the token is stored; the token itself is shown once, when it is created.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One named token of one user. Revoked tokens stay for the record and never work again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("名称", max_length=50)
    prefix = models.CharField("前缀", max_length=12, help_text="令牌开头几位，便于辨认")
    key_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"
