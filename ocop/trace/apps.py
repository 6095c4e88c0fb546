from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "ocop.trace"
    label = "trace"
    verbose_name = _("Truy xuất nguồn gốc (EPCIS)")

    def ready(self) -> None:
        # Registers the stamp-sheet job kind with the jobs app (ocop/jobs/kinds.py) and connects
        # the receiver that fails a capture job whose task failed (worker lost).
        from django.db.models.signals import post_delete, post_save

        from ocop.certificates.models import Certificate
        from ocop.trace import (
            jobs,  # noqa: F401
            partitions,
            scan,
            tasks,  # noqa: F401
        )
        from ocop.worker import hooks as worker_hooks

        # Keeps the monthly partitions ahead of the clock while a worker runs (PostgreSQL).
        worker_hooks.periodic.provide(partitions.periodic_ensure)
        # A revocation, renewal or new certificate clears the scan page's cached copy at once.
        post_save.connect(scan.forget_certificate, sender=Certificate,
                          dispatch_uid="trace.forget_certificate")
        post_delete.connect(scan.forget_certificate, sender=Certificate,
                            dispatch_uid="trace.forget_certificate_deleted")
