from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "ocop.trace"
    label = "trace"
    verbose_name = _("Truy xuất nguồn gốc (EPCIS)")

    def ready(self) -> None:
        # Connects the receiver that fails a capture job whose task failed (worker lost).
        from ocop.trace import tasks  # noqa: F401
