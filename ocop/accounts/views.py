"""Account pages: login hardening is done by django-axes, the second factor by django-otp."""

from base64 import b32encode
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.forms import OtpForm
from ocop.accounts.models import ApiToken
from ocop.audit import services as audit


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    nxt = request.GET.get("next") or request.POST.get("next") or default
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "new_token":
        name = (request.POST.get("name") or "").strip()[:100] or _("Khoá API")
        token, new_token = ApiToken.issue(request.user, name)
        audit.record(actor=request.user, action="token.create", obj=token)
    elif request.method == "POST" and request.POST.get("action") == "revoke_token":
        token = request.user.api_tokens.filter(pk=request.POST.get("token_id")).first()
        if token:
            token.revoked = True
            token.save(update_fields=["revoked"])
            audit.record(actor=request.user, action="token.revoke", obj=token)
            messages.success(request, _("Đã thu hồi khoá API."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": request.user.api_tokens.filter(revoked=False),
            "new_token": new_token,
            "has_otp": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        },
    )


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="TOTP", confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(actor=request.user, action="otp.enable", obj=request.user)
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect("accounts:profile")
        form.add_error("token", _("Mã không đúng hoặc đã hết hạn. Hãy thử mã mới trên ứng dụng."))
    secret = b32encode(device.bin_key).decode().rstrip("=")
    uri = (
        f"otpauth://totp/OCOP:{quote(request.user.username)}?secret={secret}&issuer=OCOP"
        f"&digits={device.digits}&period={device.step}"
    )
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4)
    return render(
        request, "accounts/otp_setup.html", {"form": form, "secret": secret, "qr_svg": qr_svg}
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error("token", _("Mã không đúng hoặc đã hết hạn."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})
