from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "anbiao.stats"
    verbose_name = "统计表"
