from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "anbiao.dashboards"
    verbose_name = "工作台"

    def ready(self) -> None:
        from anbiao.checklists import hooks
        from anbiao.dashboards.compare import previous_answers

        hooks.previous_answers.register(previous_answers)
