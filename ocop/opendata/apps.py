from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "ocop.opendata"
    verbose_name = _("Dữ liệu mở")

    def ready(self) -> None:
        # The daily rebuild: every worker checks each hour that today's release exists and
        # enqueues its build when it does not (ocop/worker/hooks.py), so no cron entry is needed.
        # A revocation also rebuilds at once (the certificates app's certificate_lapsed hook).
        from ocop.certificates import hooks as certificate_hooks
        from ocop.opendata import services
        from ocop.worker import hooks as worker_hooks

        worker_hooks.periodic.provide(services.periodic_daily)
        certificate_hooks.certificate_lapsed.provide(services.certificate_lapsed)
