from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "ocop.exchange"
    verbose_name = _("Trao đổi dữ liệu với cơ sở dữ liệu OCOP quốc gia")

    def ready(self) -> None:
        from ocop.audit.models import AuditEntry
        from ocop.exchange import (
            jobs,  # noqa: F401  registers the import job kind (ocop/jobs/kinds.py)
            services,
        )

        # The change feed follows the audit log (ocop/exchange/services.py says why).
        post_save.connect(services.on_audit_entry, sender=AuditEntry,
                          dispatch_uid="exchange.on_audit_entry")
