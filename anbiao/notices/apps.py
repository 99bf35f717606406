from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "anbiao.notices"
    verbose_name = "告知书与承诺书"
