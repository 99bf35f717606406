"""Set a user's roles from the server (the first 三员 of a new installation); audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anbiao.accounts.models import Role, User
from anbiao.accounts.services import roles_set_on_server


class Command(BaseCommand):
    help = (
        "在服务器上设置用户的角色（替换原有角色），例如新安装时指定第一批三员："
        "manage.py role_set sec_op secadmin。三员分立规则照样适用；操作记入审计日志。"
        f"角色代码：{'、'.join(f'{v}={label}' for v, label in Role.choices)}"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("roles", nargs="+", help="角色代码，可写多个")

    def handle(self, *args: Any, username: str, roles: list[str], **options: Any) -> None:
        user = User.objects.select_related("organization").filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        try:
            roles_set_on_server(user=user, roles=roles, via="manage.py role_set")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        labels = dict(Role.choices)
        self.stdout.write(f"{username} 的角色现为：{'、'.join(labels[r] for r in sorted(roles))}")
