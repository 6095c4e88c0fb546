from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "ocop.units"
    verbose_name = "Đơn vị hành chính"
