"""Staff account security: 2FA required by role (pages and API tokens), the deployment check,
session idle timeout and absolute lifetime, the reset e-mail sent from the task queue, and the
demo accounts' published TOTP secrets."""

from __future__ import annotations

import re
from base64 import b32decode
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.tasks import task_backends
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts import services
from ocop.accounts.models import ApiToken, Role
from ocop.accounts.session_limits import LOGIN_AT, SEEN_AT
from ocop.accounts.tasks import send_password_reset
from ocop.accounts.testing import confirmed_device, login_client, make_user
from ocop.demo.world import demo_users

pytestmark = pytest.mark.django_db

HOME = reverse("web:home")
PROFILE = reverse("accounts:profile")
SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")
LOGIN = reverse("accounts:login")


def user_of(role: Role, units, producer=None):
    if role == Role.PRODUCER:
        return make_user(role, producer=producer)
    if role == Role.COMMUNE_OFFICER:
        return make_user(role, unit=units.xa_luc_ngan)
    if role in (Role.ADMIN, Role.CENTRAL):
        return make_user(role)
    return make_user(role, unit=units.bac_ninh)


# --- 2FA required by role -------------------------------------------------------------------

REQUIRED = [Role.ADMIN, Role.CENTRAL, Role.PROVINCE_OFFICE]
OPTIONAL = [Role.COMMUNE_OFFICER, Role.COUNCIL_MEMBER, Role.INSPECTOR, Role.PRODUCER]


@pytest.mark.parametrize("role", REQUIRED)
def test_offices_without_a_device_are_sent_to_set_one_up(role, units):
    client = login_client(user_of(role, units), verified=False)
    for path in (HOME, PROFILE, "/quan-tri/", "/truy-xuat/lo/"):
        assert client.get(path)["Location"] == SETUP, path
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "bắt buộc dùng xác thực hai bước" in page.content.decode()


@pytest.mark.parametrize("role", REQUIRED)
def test_offices_with_a_device_must_verify_before_any_page(role, units):
    user = user_of(role, units)
    confirmed_device(user)
    client = login_client(user, verified=False)
    assert client.get(PROFILE)["Location"] == f"{VERIFY}?next=%2Ftai-khoan%2F"
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.get(VERIFY).status_code == 200
    # Once verified (what login_client does by default) the pages open.
    assert login_client(user).get(PROFILE).status_code == 200


@pytest.mark.parametrize("role", OPTIONAL)
def test_other_roles_need_no_device_by_default(role, units, producer):
    client = login_client(user_of(role, units, producer), verified=False)
    assert client.get(PROFILE).status_code == 200


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.COUNCIL_MEMBER])
def test_the_setting_extends_2fa_to_more_roles(role, units, settings):
    settings.OTP_REQUIRED_ROLES = [*settings.OTP_REQUIRED_ROLES, role.value]
    client = login_client(user_of(role, units), verified=False)
    assert client.get(PROFILE)["Location"] == SETUP


def test_a_superuser_of_any_role_needs_2fa(units, producer):
    boss = make_user(Role.PRODUCER, producer=producer, is_superuser=True)
    assert login_client(boss, verified=False).get(HOME)["Location"] == SETUP


@pytest.mark.parametrize("role", REQUIRED)
def test_token_page_refuses_an_unverified_office(role, units):
    user = user_of(role, units)
    client = login_client(user, verified=False)
    response = client.post(PROFILE, {"action": "new_token", "name": "x"})
    assert response.status_code == 302 and response["Location"] == SETUP
    assert not ApiToken.objects.filter(user=user).exists()
    # The service refuses on its own too, whatever page calls it.
    with pytest.raises(PermissionDenied):
        services.issue_api_token(user=user, name="x", second_factor_passed=False)
    assert not ApiToken.objects.filter(user=user).exists()
    verified = login_client(user).post(PROFILE, {"action": "new_token", "name": "x"})
    assert verified.status_code == 200 and "new-token" in verified.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_an_optional_role_gets_a_token_without_2fa(units):
    officer = user_of(Role.COMMUNE_OFFICER, units)
    _token, raw = services.issue_api_token(user=officer, name="x", second_factor_passed=False)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


# --- Deployment check -----------------------------------------------------------------------


def check(**options) -> None:
    # The security tag only: the test settings trip other deployment checks (e-mail backend).
    call_command("check", tags=["security"], stdout=StringIO(), stderr=StringIO(), **options)


def test_check_deploy_fails_when_2fa_is_switched_off(settings):
    check(deploy=True)  # clean by default
    settings.OTP_REQUIRED_ROLES = ["admin"]
    with pytest.raises(SystemCheckError, match=r"ocop\.accounts\.E002.*central, province_office"):
        check(deploy=True)
    # Only a deployment check: development runs are not blocked.
    check()


def test_check_deploy_names_unknown_roles_and_missing_timeouts(settings):
    settings.OTP_REQUIRED_ROLES = ["admin", "central", "province_office", "tinh"]
    settings.STAFF_SESSION_IDLE_MINUTES = 0
    with pytest.raises(SystemCheckError) as failure:
        check(deploy=True)
    assert "ocop.accounts.E001" in str(failure.value) and "tinh" in str(failure.value)
    assert "ocop.accounts.E003" in str(failure.value)


# --- Session limits -------------------------------------------------------------------------


def age(client: Client, key: str, seconds: float) -> None:
    """Move a session stamp back in time, as if that much time had passed."""
    session = client.session
    session[key] -= seconds
    session.save()


def test_staff_session_ends_after_30_idle_minutes(officer):
    client = login_client(officer)
    age(client, SEEN_AT, 29 * 60)
    assert client.get(PROFILE).status_code == 200
    # That request counted as activity: another 29 minutes are fine again.
    age(client, SEEN_AT, 29 * 60)
    assert client.get(PROFILE).status_code == 200
    age(client, SEEN_AT, 31 * 60)
    response = client.get(PROFILE)
    assert response["Location"] == f"{LOGIN}?next=%2Ftai-khoan%2F"
    assert "_auth_user_id" not in client.session
    assert "Phiên làm việc đã hết hạn" in client.get(LOGIN).content.decode()


def test_idle_timeout_is_configurable(officer, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    client = login_client(officer)
    age(client, SEEN_AT, 6 * 60)
    assert client.get(PROFILE).status_code == 302


def test_staff_session_ends_12_hours_after_login_even_when_active(officer):
    client = login_client(officer)
    age(client, LOGIN_AT, 11 * 3600)
    assert client.get(PROFILE).status_code == 200
    age(client, LOGIN_AT, 3600 + 60)
    assert client.get(PROFILE)["Location"].startswith(LOGIN)


def test_producers_keep_a_longer_session(producer):
    client = login_client(make_user(Role.PRODUCER, producer=producer))
    age(client, SEEN_AT, 2 * 3600)
    age(client, LOGIN_AT, 2 * 24 * 3600)
    assert client.get(PROFILE).status_code == 200
    age(client, SEEN_AT, 73 * 3600)
    assert client.get(PROFILE).status_code == 302


def test_an_expired_session_gets_401_from_the_api(officer):
    client = login_client(officer)
    assert client.get("/api/v1/me").status_code == 200
    age(client, SEEN_AT, 31 * 60)
    assert client.get("/api/v1/me").status_code == 401


# --- Password reset from the task queue ------------------------------------------------------


def test_reset_mail_is_enqueued_the_same_way_for_known_and_unknown_addresses(
        client, officer, settings, mailoutbox):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    for email in (officer.email, "khong-co@example.vn"):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response["Location"] == reverse("accounts:password_reset_done")
    queued = task_backends["default"].results
    assert [(r.task.name, r.args[0]) for r in queued] == [
        ("send_password_reset", officer.email), ("send_password_reset", "khong-co@example.vn")]
    assert mailoutbox == []  # nothing sent inside the request

    # The worker then mails the account and nobody else.
    assert [send_password_reset.call(*r.args) for r in queued] == [1, 0]
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert "http://testserver/dat-lai-mat-khau/" in mailoutbox[0].body


# --- Demo accounts -------------------------------------------------------------------------


def test_demo_staff_accounts_verify_with_the_printed_secret(units):
    demo_users({})  # without producers: the staff accounts only
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    lines = {line.split()[0]: line.split() for line in text.splitlines()
             if line.startswith("demo-") and "otpauth://" in line}
    assert set(lines) == {"demo-admin", "demo-trunguong", "demo-tinh", "demo-hoidong1",
                          "demo-hoidong2", "demo-hoidong3", "demo-thanhtra", "demo-hanoi"}
    _username, secret, uri = lines["demo-tinh"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert uri.startswith("otpauth://totp/OCOP:demo-tinh?secret=" + secret)
    # Deterministic: a second load keeps the same secret (the app stays paired).
    demo_users({})
    again = StringIO()
    call_command("demo_logins", stdout=again)
    assert secret in again.getvalue()
    assert TOTPDevice.objects.filter(user__username="demo-tinh").count() == 1

    # What an authenticator app fed with the printed secret shows is accepted.
    key = b32decode(secret + "=" * (-len(secret) % 8))
    client = Client()
    client.post(LOGIN, {"username": "demo-tinh", "password": "ocop-demo-2026"})
    assert client.get(PROFILE)["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"token": f"{totp(key):06d}", "next": PROFILE})
    assert response["Location"] == PROFILE
    assert client.get(PROFILE).status_code == 200

