from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "ocop.trace"
    label = "trace"
    verbose_name = _("Truy xuất nguồn gốc (EPCIS)")

    def ready(self) -> None:
        # Registers the stamp-sheet job kind with the jobs app (ocop/jobs/kinds.py) and connects
        # the receiver that fails a capture job whose task failed (worker lost).
        from ocop.trace import (
            jobs,  # noqa: F401
            partitions,
            tasks,  # noqa: F401
        )
        from ocop.worker import hooks as worker_hooks

        # Keeps the monthly partitions ahead of the clock while a worker runs (PostgreSQL).
        worker_hooks.periodic.provide(partitions.periodic_ensure)
