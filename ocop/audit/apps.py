from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ocop.audit"
    verbose_name = "Nhật ký kiểm toán"
