from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anbiao.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from anbiao.core import signals  # noqa: F401
        from anbiao.core.zh_messages import install

        install()
