from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "ocop.dossiers"
    verbose_name = _("Hồ sơ đánh giá, phân hạng")

    def ready(self) -> None:
        # Registers the dossier permissions with `rules` and the checklist system check.
        from ocop.dossiers import checklist, permissions  # noqa: F401
