"""Signed-in sessions: their time limits, and the second factor (an account with a confirmed
TOTP device, or one that must have one, passes the OTP step before it reaches any page)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from ocop.accounts.models import Role
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
            # Read by the page header (ocop.web.context_processors): no staff menu before the code.
            request.second_factor_pending = step is not None
            if step is not None:
                allowed = {reverse("accounts:logout"), reverse(f"accounts:otp_{step}")}
                if request.path not in allowed:
                    target = reverse(f"accounts:otp_{step}")
                    if step == "verify" and request.method == "GET":
                        target += "?" + urlencode({"next": request.get_full_path()})
                    return redirect(target)
        return self.get_response(request)


# The office side of the OCOP cycle, by URL namespace: a buyer account (Role.BUYER) has no
# business there. Those pages are scoped by jurisdiction and a buyer has none, so they would
# only show empty lists; refusing them outright keeps a buyer from ever seeing the office's
# pages (and keeps any future list that forgets its scoping closed to buyers).
BUYER_CLOSED_NAMESPACES = frozenset({
    "registry", "dossiers", "certificates", "evaluation", "trace", "inspections", "planning",
    "reports", "dashboards", "jobs", "training", "people",
})
# Pages of those namespaces that anyone may open, signed in or not: a supermarket's buyer
# verifies a certificate, scans a stamp and reports a suspected fake like any consumer. A test
# (ocop/trade/tests/test_pages.py) keeps this list whole: every view of those namespaces without
# login_required is here or in BUYER_CLOSED_PUBLIC_VIEWS.
BUYER_OPEN_VIEWS = frozenset({
    "registry:product_image", "certificates:verify", "certificates:verify_lookup",
    "trace:scan_gs1", "trace:scan_platform", "trace:stamp_keys",
    "inspections:complaint_public",
})
# Views of those namespaces without login_required that stay closed to buyers all the same:
# the offline scripts of the council's and inspectors' pages, and the export jobs (a buyer
# starts none; the views check the job's owner themselves).
BUYER_CLOSED_PUBLIC_VIEWS = frozenset({
    "evaluation:service_worker", "inspections:service_worker", "jobs:status", "jobs:download",
})


class BuyerBoundaryMiddleware:
    """Answer 403 when a buyer account opens an office page of the OCOP cycle."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.role != Role.BUYER:
            return None
        match = request.resolver_match
        if match is None or match.view_name in BUYER_OPEN_VIEWS:
            return None
        if match.namespaces and match.namespaces[0] in BUYER_CLOSED_NAMESPACES:
            raise PermissionDenied(_("Trang này dành cho cơ quan quản lý và chủ thể OCOP, "
                                     "không dành cho tài khoản bên mua."))
        return None
