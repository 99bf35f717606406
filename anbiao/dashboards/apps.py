from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "anbiao.dashboards"
    verbose_name = "工作台"
