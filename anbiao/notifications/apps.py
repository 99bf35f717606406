from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "anbiao.notifications"
    verbose_name = "消息提醒"
