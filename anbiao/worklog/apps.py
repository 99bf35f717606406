from django.apps import AppConfig


class WorklogConfig(AppConfig):
    name = "anbiao.worklog"
    verbose_name = "培训宣传与星级评定"
