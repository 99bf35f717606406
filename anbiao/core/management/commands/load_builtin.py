from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from anbiao.core.discovery import app_modules


class Command(BaseCommand):
    help = "载入内置数据（单位、乡镇街道、回头看细则模板等）。可重复执行，不会重复写入。"

    def handle(self, *args: Any, **options: Any) -> None:
        for module in app_modules("builtin"):
            module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("内置数据已就绪。"))
