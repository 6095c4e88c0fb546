from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ocop.demo"
    verbose_name = "Dữ liệu mẫu"
