from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "ocop.training"
    verbose_name = _("Đào tạo, hỗ trợ chủ thể")

    def ready(self) -> None:
        # Adds "what this producer received" to the registry's producer page.
        from ocop.registry import hooks as registry_hooks
        from ocop.training import jobs  # noqa: F401 — the lists' Excel exports
        from ocop.training.selectors import producer_section

        registry_hooks.producer_sections.provide(producer_section)
