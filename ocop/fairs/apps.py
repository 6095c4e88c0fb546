from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "ocop.fairs"
    verbose_name = _("Hội chợ, triển lãm, sự kiện")
