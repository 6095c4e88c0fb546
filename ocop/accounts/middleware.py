"""Second factor for staff: an account with a confirmed TOTP device (or one that must have one)
must pass the OTP step before it reaches any page."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

# The API checks the second factor itself (ocop.api.auth); /verify/ and the stamp scans are
# public and need no account at all.
EXEMPT_PREFIXES = (
    "/static/", "/healthz", "/api/", "/i18n/", "/verify/",
    # Public stamp scans: GS1 Digital Link paths and the platform's own stamp URIs.
    "/01/", "/t/",
)


def second_factor_step(user) -> str | None:
    """What the signed-in ``user`` still owes: ``"verify"``, ``"setup"`` or ``None``.

    ``user.is_verified`` is set by django-otp's OTPMiddleware for the current session.
    """
    if not user.is_authenticated or user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    if user.require_otp:
        return "setup"
    return None


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
