from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "ocop.operations"
    label = "operations"
    verbose_name = _("Vận hành")

    def ready(self) -> None:
        # Counts stamp scans for /metrics (ocop.core.metrics.SCANS) as they are logged.
        from ocop.operations import signals  # noqa: F401
