from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ocop.accounts"
    verbose_name = _("Tài khoản")

    def ready(self) -> None:
        # Registers the deployment check and the login-time session stamp.
        from ocop.accounts import checks, session_limits  # noqa: F401
