from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "ocop.market"
    verbose_name = _("Kênh bán hàng, quà tặng")

    def ready(self) -> None:
        # Registers market.* permissions with `rules`, the curator's notification verb, the
        # follow-up of a lost certificate and the "Kênh bán hàng" section of a producer's page.
        from ocop.certificates import hooks as certificate_hooks
        from ocop.market import notices, permissions, services  # noqa: F401
        from ocop.registry import hooks as registry_hooks

        certificate_hooks.certificate_lapsed.provide(services.certificate_lapsed)
        registry_hooks.producer_sections.provide(notices.producer_section)
