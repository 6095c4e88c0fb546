from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TourismConfig(AppConfig):
    name = "ocop.tourism"
    verbose_name = _("Du lịch cộng đồng gắn với OCOP")

    def ready(self) -> None:
        # Registers the Django permissions (``rules``) of the app.
        from ocop.tourism import permissions  # noqa: F401
