from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "anbiao.rectification"
    verbose_name = "问题整改"
