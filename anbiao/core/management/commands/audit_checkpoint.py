"""Write a signed checkpoint of the audit trail (run daily; keep the files off the database host)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from anbiao.core.audit import check_chain, log_action
from anbiao.core.audit_checkpoint import checkpoint_make, checkpoint_write


class Command(BaseCommand):
    help = (
        "校验审计日志后写出当日的签名检查点文件 audit-checkpoint-日期.json"
        "（日期、最后一条编号和哈希、条数、HMAC 签名）。请每日执行，并把文件复制到数据库服务器以外保存。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="DIR",
            default=None,
            help="写到哪个目录（默认 AUDIT_CHECKPOINT_DIR，即 var/audit-checkpoints）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_chain()
        if not report.ok:
            self.stderr.write(f"BROKEN：{report.problem}未写检查点：请先查明原因。")
            raise SystemExit(1)
        cp = checkpoint_make()
        path = checkpoint_write(cp, Path(options["output"] or settings.AUDIT_CHECKPOINT_DIR))
        log_action(
            None,
            "anbiao.audit.checkpoint",
            data={"date": cp.date, "last_id": cp.last_id, "count": cp.count, "file": path.name},
        )
        self.stdout.write(
            f"已写出检查点 {path}：最后一条编号 {cp.last_id}，共 {cp.count} 条，密钥 {cp.key_id}。"
        )
