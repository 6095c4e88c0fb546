from django.apps import AppConfig


class TraceConfig(AppConfig):
    name = "ocop.trace"
    label = "trace"
    verbose_name = "Truy xuất nguồn gốc (EPCIS)"
