from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": _("Hệ thống quản lý OCOP"), "SITE_URL": settings.SITE_URL}
