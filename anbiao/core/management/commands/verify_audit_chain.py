"""Verify the audit trail (links, keyed hashes, head, checkpoints). Exit 1 when broken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anbiao.core.audit import check_chain
from anbiao.core.audit_checkpoint import CheckpointError, checkpoint_read


class Command(BaseCommand):
    help = (
        "校验审计日志：每条的密钥哈希、前后链接、链头，以及（--checkpoint）与保存在库外的检查点是否一致。"
        "完好时输出 OK 和条数；发现问题时输出第一处问题并以非零状态退出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="manage.py audit_checkpoint 写出的检查点文件（可重复）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoints = [checkpoint_read(Path(p)) for p in options["checkpoint"]]
        except CheckpointError as exc:
            self.stderr.write(f"BROKEN：{exc}")
            raise SystemExit(1) from exc
        report = check_chain(checkpoints=checkpoints)
        if not report.ok:
            self.stderr.write(f"BROKEN：{report.problem}此前 {report.checked} 条完好。")
            raise SystemExit(1)
        lines = [f"OK：审计日志哈希链完整，共校验 {report.checked} 条，链头一致"]
        if report.unkeyed:
            lines.append(f"其中密钥启用之前的无密钥日志 {report.unkeyed} 条")
        for cp in checkpoints:
            lines.append(f"与检查点 {cp.date}（编号不大于 {cp.last_id} 的 {cp.count} 条）一致")
        self.stdout.write("；".join(lines) + "。")
