from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "ocop.inspections"
    label = "inspections"
    verbose_name = _("Kiểm tra, giám sát sau công nhận")

    def ready(self) -> None:
        # The certificate page (a lower app) asks which inspection visit a revocation came from.
        from ocop.certificates import hooks as certificate_hooks
        from ocop.inspections import jobs, selectors  # noqa: F401 — jobs: the Excel exports

        certificate_hooks.revocation_evidence.provide(selectors.revocation_evidence)
