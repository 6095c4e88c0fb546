from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "ocop.reports"
    label = "reports"
    verbose_name = _("Báo cáo định kỳ")

    def ready(self) -> None:
        # The report job kind (ocop/jobs/kinds.py), and the worker's periodic check that makes
        # last month's reports when they are missing (ocop/worker/hooks.py).
        from ocop.reports import jobs, services  # noqa: F401
        from ocop.worker import hooks as worker_hooks

        worker_hooks.periodic.provide(services.periodic_monthly)
