"""Remove a user's second-factor device from the command line (when no 安全管理员 can log in)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from anbiao.accounts.models import TOTPDevice, User
from anbiao.core.audit import log_action


class Command(BaseCommand):
    help = "重置指定用户的动态口令（该用户下次登录时重新绑定）。操作记入审计日志。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", help="用户名")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        with transaction.atomic():
            deleted, _ = TOTPDevice.objects.filter(user=user).delete()
            if deleted:
                log_action(user, "anbiao.auth.totp_reset", data={"via": "manage.py totp_reset"})
        if deleted:
            self.stdout.write(f"已重置 {username} 的动态口令，下次登录时须重新绑定。")
        else:
            self.stdout.write(f"{username} 尚未绑定动态口令，无需重置。")
