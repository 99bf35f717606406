"""Verify the audit trail's hash chain; report the first broken link. Exit 1 when broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from anbiao.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链：完好时输出 OK 和条数；被篡改时输出第一处断链（编号、时间）并以非零状态退出。"

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain()
        if broken is None:
            self.stdout.write(f"OK：审计日志哈希链完整，共校验 {checked} 条。")
            return
        when = timezone.localtime(broken.created_at).strftime("%Y-%m-%d %H:%M:%S")
        self.stderr.write(
            f"BROKEN：审计日志哈希链在编号 {broken.pk}（时间 {when}）处断开；"
            f"此前 {checked} 条完好。"
        )
        raise SystemExit(1)
