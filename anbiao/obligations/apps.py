from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "anbiao.obligations"
    verbose_name = "报送事项"
