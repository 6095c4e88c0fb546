"""How a TOTP device's secret is shown to its owner: base32 text and an otpauth:// URI."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import quote, urlencode

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in (base32, no padding)."""
    return b32encode(device.bin_key).decode().rstrip("=")


def otpauth_uri(device: TOTPDevice, username: str) -> str:
    """The ``otpauth://totp/…`` URI that a QR code carries to an authenticator app."""
    issuer = settings.OTP_TOTP_ISSUER
    query = urlencode({"secret": secret_base32(device), "issuer": issuer,
                       "digits": device.digits, "period": device.step})
    return f"otpauth://totp/{quote(issuer)}:{quote(username)}?{query}"
