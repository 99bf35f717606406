from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anbiao.notifications.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "发送当天到期的提醒（站内消息和邮件）。可重复执行：同一提醒只发送一次。供 cron 每日调用。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="按指定日期（YYYY-MM-DD，北京时间）计算提醒，默认今天")
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务队列（db_worker）执行"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from anbiao.notifications.tasks import send_daily_reminders

            result = send_daily_reminders.enqueue()
            self.stdout.write(f"已加入后台任务队列：{result.id}")
            return
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        sent = send_due_reminders(day)
        self.stdout.write(f"新发送提醒 {sent} 条。")
