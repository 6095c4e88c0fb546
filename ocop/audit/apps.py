from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ocop.audit"
    verbose_name = _("Nhật ký kiểm toán")
