from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ocop.web.nav import menu_for


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": _("Hệ thống quản lý OCOP"), "SITE_URL": settings.SITE_URL,
        # A callable: the template engine calls it only where the menu is drawn (not in the
        # htmx fragments that render without the base template).
        "menu": lambda: menu_for(request.user, request.path),
    }
