"""In-app notifications (the bell) and each user's choice of which reminders to receive.

A notification carries a ``dedupe_key``: the daily reminder job may run any number of times a
day; the unique (user, dedupe_key) pair makes sure nothing is sent twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    DEADLINE = "deadline", "填报截止提醒"
    RETURNED = "returned", "退回修改"
    PROBLEM_ASSIGNED = "problem_assigned", "新问题待整改"
    PROBLEM_DUE = "problem_due", "整改即将到期"
    PROBLEM_OVERDUE = "problem_overdue", "整改已逾期"
    PROBLEM_REJECTED = "problem_rejected", "验收未通过"
    CASE_REPORT = "case_report", "典型案例月报"
    NOTICE = "notice", "告知书待签收"
    EXTENSION = "extension", "延期申请与审批"
    GENERAL = "general", "其他通知"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    dedupe_key = models.CharField("去重键", max_length=200)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_unique_key")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A kind of reminder the user turned off (absent row = on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    in_app = models.BooleanField("站内消息", default=True)
    email = models.BooleanField("邮件", default=True)

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = "提醒设置"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"
