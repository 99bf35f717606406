from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "anbiao.tasks_reporting"
    label = "reporting"
    verbose_name = "报送任务"
