from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "ocop.jobs"
    label = "jobs"
    verbose_name = _("Tác vụ nền")

    def ready(self) -> None:
        # The list export kind; the lists themselves are registered by their apps.
        from ocop.jobs import exports  # noqa: F401
