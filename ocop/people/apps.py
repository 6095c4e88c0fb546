from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "ocop.people"
    verbose_name = _("Tài khoản trong địa bàn")
