from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ocop.web.nav import menu_for


def site(request: HttpRequest) -> dict:
    # Signed in with the password but not yet with the code (set by StaffSecondFactorMiddleware,
    # which sends such a session only to the code page): every staff link would lead back there,
    # so the header is the public one, with a way to sign out.
    pending = getattr(request, "second_factor_pending", False)
    return {
        "SITE_NAME": _("Hệ thống quản lý OCOP"), "SITE_URL": settings.SITE_URL,
        "second_factor_pending": pending,
        # A callable: the template engine calls it only where the menu is drawn (not in the
        # htmx fragments that render without the base template).
        "menu": lambda: menu_for(AnonymousUser() if pending else request.user, request.path),
    }
