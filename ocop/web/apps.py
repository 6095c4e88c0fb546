from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ocop.web"
    verbose_name = _("Giao diện")

    def ready(self) -> None:
        # The empty choice of every select built from a model or a ModelChoiceField. Django 6.1
        # shows "- Select an option -", which its Vietnamese catalogue does not translate; the
        # documented way to change it is to override the constant when the apps are ready.
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("— Chọn —")
