from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "ocop.criteria"
    verbose_name = "Bộ tiêu chí OCOP"
