from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anbiao.accounts"
    verbose_name = "账号"
