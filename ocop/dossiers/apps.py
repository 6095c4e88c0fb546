from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "ocop.dossiers"
    verbose_name = _("Hồ sơ đánh giá, phân hạng")

    def ready(self) -> None:
        # Registers the dossier permissions with `rules`, the checklist system check and the
        # list's Excel export (ocop/jobs/exports.py).
        from ocop.dossiers import checklist, jobs, permissions  # noqa: F401
        from ocop.dossiers.panels import product_section
        from ocop.registry import hooks as registry_hooks

        # The dossier under way, or the next step, on the registry's product page.
        registry_hooks.product_sections.provide(product_section)
