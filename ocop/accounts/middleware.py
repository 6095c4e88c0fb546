"""Second factor for staff: an account with a confirmed TOTP device (or one that must have one)
must pass the OTP step before it reaches any page."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

EXEMPT_PREFIXES = ("/static/", "/healthz", "/api/", "/i18n/", "/verify/")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            allowed = {
                reverse("accounts:otp_verify"),
                reverse("accounts:otp_setup"),
                reverse("accounts:logout"),
            }
            if request.path not in allowed and not user.is_verified():
                if user_has_device(user, confirmed=True):
                    return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
                if user.require_otp:
                    return redirect("accounts:otp_setup")
        return self.get_response(request)
