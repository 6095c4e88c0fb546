"""Account pages: login hardening is done by django-axes, the second factor by django-otp."""

import segno
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts import services
from ocop.accounts.forms import ApiTokenForm, LoginForm, OtpForm
from ocop.accounts.otp import otpauth_uri, secret_base32
from ocop.accounts.policy import second_factor_required


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes lockout page (AXES_LOCKOUT_CALLABLE), telling how long the lock lasts."""
    cool_off = get_cool_off(request)
    minutes = round(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "failure_limit": get_failure_limit(request, credentials)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    new_token = None
    form = ApiTokenForm()
    action = request.POST.get("action")
    if request.method == "POST" and action == "new_token":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            name = form.cleaned_data["name"].strip() or _("Khoá API")
            # Rendered directly (no redirect): the secret is shown this once and never again.
            _token, new_token = services.issue_api_token(
                user=request.user, name=name, second_factor_passed=request.user.is_verified()
            )
            form = ApiTokenForm()
    elif request.method == "POST" and action == "revoke_token":
        if services.revoke_api_token(user=request.user, token_id=request.POST.get("token_id", "")):
            messages.success(request, _("Đã thu hồi khoá API."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": request.user.api_tokens.filter(revoked=False).order_by("-created_at"),
            "new_token": new_token,
            "token_form": form,
            "has_otp": user_has_device(request.user, confirmed=True),
        },
    )


def _check_code(device: TOTPDevice, token: str) -> str | None:
    """``None`` when ``token`` is accepted, otherwise the message to show.

    django-otp throttles a device after a wrong code (1 s, 2 s, 4 s… before the next try); a
    code typed during that pause is refused even when right, so say so instead of "wrong code".
    """
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return _("Vừa có mã nhập sai. Vui lòng đợi vài giây rồi thử lại với mã mới.")
    if device.verify_token(token):
        return None
    return _("Mã không đúng hoặc đã hết hạn. Hãy thử mã mới trên ứng dụng.")


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    # Adding a device must not become a way around the existing one: a session that has not
    # passed its current second factor has to do that first.
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        return redirect("accounts:otp_verify")
    device = services.pending_totp_device(user=request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _check_code(device, form.cleaned_data["token"])
        if error is None:
            services.confirm_totp_device(user=request.user, device=device)
            otp_login(request, device)
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect("accounts:profile")
        form.add_error("token", error)
    uri = otpauth_uri(device, request.user.get_username())
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "secret": secret_base32(device),
            "required": second_factor_required(request.user),
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title=_("Mã QR")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified() or not user_has_device(request.user, confirmed=True):
        return redirect(_safe_next(request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = None
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            error = _check_code(device, form.cleaned_data["token"])
            if error is None:
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error("token", error)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})
