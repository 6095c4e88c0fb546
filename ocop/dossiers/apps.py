from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "ocop.dossiers"
    verbose_name = _("Hồ sơ đánh giá, phân hạng")

    def ready(self) -> None:
        # Registers the dossier permissions with `rules`, the checklist system check and the
        # list's Excel export (ocop/jobs/exports.py).
        from ocop.dossiers import checklist, jobs, permissions  # noqa: F401
