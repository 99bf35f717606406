from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from anbiao.core.discovery import app_modules


class Command(BaseCommand):
    help = "生成演示数据（企业、各角色演示账号、专项行动等）。可重复执行，不会重复写入。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="不打印演示账号")

    def handle(self, *args: Any, **options: Any) -> None:
        for module in app_modules("builtin"):
            module.load(stdout=self.stdout)
        for module in app_modules("demo"):
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        if not options["quiet_logins"]:
            # an app's demo module may list its demo accounts (anbiao.orgs.demo does)
            for module in app_modules("demo"):
                print_logins = getattr(module, "print_logins", None)
                if print_logins is not None:
                    print_logins(self.stdout)
