"""List the accounts whose roles break the 三员 separation rules (data from before the rules)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anbiao.accounts.selectors import role_separation_violations


class Command(BaseCommand):
    help = (
        "列出不符合三员分立规则的账号（业务角色与三员角色并存、兼任两个三员角色、"
        "三员角色不在市安委办）。有这样的账号时以非零状态退出，可接入监控。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = role_separation_violations()
        if not found:
            self.stdout.write("OK：所有账号均符合三员分立规则。")
            return
        for v in found:
            org = v.user.organization.name if v.user.organization else "（无单位）"
            self.stdout.write(f"{v.user.username}（{org}）：{'、'.join(v.roles)}")
            for problem in v.problems:
                self.stdout.write(f"    {problem}")
        raise CommandError(
            f"共 {len(found)} 个账号不符合三员分立规则：其三员角色已暂停使用，"
            "请系统管理员在“用户管理”中改正，或在服务器上执行 manage.py role_set。"
        )
