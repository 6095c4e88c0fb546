from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "ocop.registry"
    verbose_name = _("Sổ đăng ký chủ thể và sản phẩm")

    def ready(self) -> None:
        # Registers the Excel export/import job kinds with the jobs app (ocop/jobs/kinds.py) and
        # the registry permissions with `rules` (registry.view_producer, …).
        from ocop.registry import (
            jobs,  # noqa: F401
            permissions,  # noqa: F401
        )
