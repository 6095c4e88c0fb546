"""TOTP second factor: set-up with a QR code, the code asked at later logins, require_otp."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.models import Role
from ocop.accounts.testing import DEFAULT_PASSWORD, make_user
from ocop.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app shows right now for ``device``."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, 0):0{device.digits}d}"


def password_login(client: Client, username: str) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


def test_setup_shows_qr_and_confirms_with_a_valid_code(client, officer):
    password_login(client, officer.username)
    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "Bật xác thực hai bước" in html
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    # Reloading the page keeps the same secret (the QR the user already scanned stays valid).
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=officer).count() == 1

    wrong_code = "000000" if code_for(device) != "000000" else "111111"
    wrong = client.post(SETUP, {"token": wrong_code})
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    # django-otp throttles the device after a failure: even the right code must wait…
    throttled = client.post(SETUP, {"token": code_for(device)})
    assert "Vừa có mã nhập sai. Vui lòng đợi vài giây" in throttled.content.decode()
    # …so let the pause pass (move the failure back in time) instead of sleeping.
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(minutes=1)
    device.save(update_fields=["throttling_failure_timestamp"])

    ok = client.post(SETUP, {"token": code_for(device)})
    assert ok.status_code == 302 and ok["Location"] == reverse("accounts:profile")
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="otp.enable", object_id=str(officer.pk)).exists()
    assert "Xác thực hai bước: đang bật" in client.get(reverse("accounts:profile")).content.decode()


def test_later_login_asks_for_the_code(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="TOTP", confirmed=True)
    password_login(client, officer.username)

    # Any page sends the half-signed-in user to the code page, remembering where they were going.
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Ftai-khoan%2F"
    # Setting up a new device is no way around the existing one.
    assert client.get(SETUP)["Location"].startswith(VERIFY)

    for wrong in ("12345a", "12ab", "1234567"):
        bad = client.post(VERIFY, {"token": wrong, "next": "/tai-khoan/"}).content.decode()
        assert "Mã xác thực gồm đúng 6 chữ số." in bad and "kí tự" not in bad, wrong
    # Before the code: the public header (no staff links, name or notifications, which would
    # only lead back here) and a visible way to sign out instead.
    page = client.get(VERIFY).content.decode()
    assert reverse("registry:producer_list") not in page and "nav-user" not in page
    assert officer.get_full_name() not in page
    assert page.count(f'action="{reverse("accounts:logout")}"') == 2  # header and code form

    good = client.post(VERIFY, {"token": code_for(device), "next": "/tai-khoan/"})
    assert good.status_code == 302 and good["Location"] == "/tai-khoan/"
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert reverse("registry:producer_list") in profile.content.decode()  # the staff menu now


def test_a_code_is_accepted_once_only(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="TOTP", confirmed=True)
    code = code_for(device)
    password_login(client, officer.username)
    assert client.post(VERIFY, {"token": code})["Location"] == "/"

    other = Client()
    password_login(other, officer.username)
    replay = other.post(VERIFY, {"token": code})
    assert replay.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn" in replay.content.decode()


def test_require_otp_forces_setup_before_anything_else(client, units):
    user = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan, require_otp=True)
    password_login(client, user.username)
    for path in (reverse("web:home"), reverse("accounts:profile"), "/quan-tri/", VERIFY):
        assert client.get(path)["Location"] == SETUP, path
    assert client.get(SETUP).status_code == 200
    # Logging out stays possible.
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_require_otp_user_reaches_pages_after_setup(client, units):
    user = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan, require_otp=True)
    password_login(client, user.username)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    client.post(SETUP, {"token": code_for(device)})
    assert client.get(reverse("web:home")).status_code == 200


def test_api_session_needs_the_second_factor_too(client, officer):
    TOTPDevice.objects.create(user=officer, name="TOTP", confirmed=True)
    password_login(client, officer.username)
    assert client.get("/api/v1/me").status_code == 401


def test_healthz_and_static_are_not_gated(client, units):
    user = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan, require_otp=True)
    password_login(client, user.username)
    assert client.get("/healthz").status_code == 200
