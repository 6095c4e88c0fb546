"""Signed-in sessions: their time limits, and the second factor (an account with a confirmed
TOTP device, or one that must have one, passes the OTP step before it reaches any page)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from ocop.accounts.policy import second_factor_required
from ocop.accounts.session_limits import session_expired

# /verify/ and the stamp scans are public and need no account at all.
PUBLIC_PREFIXES = (
    "/static/", "/healthz", "/readyz", "/metrics", "/i18n/", "/verify/",
    # Public stamp scans: GS1 Digital Link paths and the platform's own stamp URIs.
    "/01/", "/t/",
)
# The API checks the second factor itself (ocop.api.auth).
EXEMPT_PREFIXES = (*PUBLIC_PREFIXES, "/api/")


def second_factor_step(user) -> str | None:
    """What the signed-in ``user`` still owes: ``"verify"``, ``"setup"`` or ``None``.

    ``user.is_verified`` is set by django-otp's OTPMiddleware for the current session.
    """
    if not user.is_authenticated or user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    if second_factor_required(user):
        return "setup"
    return None


def _login_url(request: HttpRequest) -> str:
    return reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})


class SessionLimitsMiddleware:
    """Sign out a session that has been idle too long or has reached its absolute lifetime.

    A page request then goes to the login page (and back afterwards); an API request simply
    continues without a user, so the API answers 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PUBLIC_PREFIXES) or not request.user.is_authenticated:
            return self.get_response(request)
        if session_expired(request):
            logout(request)
            if not request.path.startswith("/api/"):
                messages.info(request, _("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."))
                return redirect(_login_url(request))
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Path first: public pages (verification, scans) must not touch the session at all.
        if request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            step = second_factor_step(user)
            if step is not None:
                allowed = {reverse("accounts:logout"), reverse(f"accounts:otp_{step}")}
                if request.path not in allowed:
                    target = reverse(f"accounts:otp_{step}")
                    if step == "verify" and request.method == "GET":
                        target += "?" + urlencode({"next": request.get_full_path()})
                    return redirect(target)
        return self.get_response(request)
