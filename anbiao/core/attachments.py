"""The one shape of a file attached as evidence: a stored file, who added it, when.

``checklists.AnswerEvidence`` (a clause's evidence), ``rectification.ProblemEvidence`` (整改前/
整改后) and ``inspections.FindingPhoto`` (on-site photos) inherit :class:`Attachment` and add
what they attach to. The file itself is a ``core.StoredFile`` (checked by
:mod:`anbiao.core.uploads`, served by :mod:`anbiao.core.downloads`). The base is abstract: each
model keeps its own table; the fields are the ones the tables had (no migration).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Attachment(models.Model):
    stored_file = models.ForeignKey(
        "core.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True
