from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "anbiao.api"
    verbose_name = "接口"
