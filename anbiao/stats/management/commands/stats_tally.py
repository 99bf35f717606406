"""Check the statistics day tally (ADR 0015) against the rows; rebuild it with --rebuild."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anbiao.stats import tally


class Command(BaseCommand):
    help = (
        "核对附件3 统计日汇总（回头看细则、自查自纠报告按日、单位的条数）与逐条记录是否一致；"
        "不一致时列出并以非零状态退出。--rebuild：按逐条记录重建（请在停止写入时运行）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="按逐条记录重建统计日汇总")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            n = tally.rebuild()
            self.stdout.write(f"已重建统计日汇总：{n} 行。")
            return
        found = tally.differences()
        if not found:
            self.stdout.write("OK：统计日汇总与逐条记录一致。")
            return
        for (source, day, campaign, axis, unit), have, want in found[:50]:
            self.stdout.write(
                f"{source} {day} 专项行动 {campaign} {axis}:{unit}："
                f"汇总 {have[0]} 条 / {have[1]} 个问题，逐条记录 {want[0]} 条 / {want[1]} 个问题"
            )
        raise CommandError(
            f"统计日汇总有 {len(found)} 处与逐条记录不一致；停止写入后运行 "
            "manage.py stats_tally --rebuild 重建。"
        )
