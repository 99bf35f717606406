from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "anbiao.inspections"
    verbose_name = "督导检查"
