from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "anbiao.records"
    verbose_name = "经验做法与工作机制"
