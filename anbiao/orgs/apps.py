from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "anbiao.orgs"
    verbose_name = "单位与企业"
