from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ocop.notifications"
    verbose_name = "Thông báo"
