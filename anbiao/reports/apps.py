from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "anbiao.reports"
    verbose_name = "自查自纠报告"
