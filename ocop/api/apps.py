from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ocop.api"
    verbose_name = "API"
