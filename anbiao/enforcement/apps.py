from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "anbiao.enforcement"
    verbose_name = "执法典型案例"
