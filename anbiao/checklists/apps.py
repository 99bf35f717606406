from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "anbiao.checklists"
    verbose_name = "回头看细则"
