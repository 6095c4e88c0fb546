from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradeConfig(AppConfig):
    name = "ocop.trade"
    verbose_name = _("Kết nối cung cầu")

    def ready(self) -> None:
        from ocop.trade import notices, permissions  # noqa: F401 — registers the rules

        notices.register()
