"""Test-data helpers for accounts, importable from any app's tests.

    from ocop.accounts.testing import make_user, client_for
    officer = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)
    client, user = client_for(Role.PROVINCE_OFFICE, unit=units.bac_ninh)

Accounts that must use two-step verification (ocop.accounts.policy) get a confirmed TOTP device
and a session that has passed it, as after a real sign-in; ``totp_code`` gives the code an
authenticator app would show, for tests that go through the sign-in pages themselves.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.models import Role, User
from ocop.accounts.policy import second_factor_required
from ocop.core.browser_testing import as_phone

DEFAULT_PASSWORD = "Ocop@2026!"  # noqa: S105 — test accounts only
_serial = itertools.count(1)


def make_user(
    role: Role | str,
    *,
    unit=None,
    producer=None,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    **extra,
) -> User:
    """Create an active user of ``role`` bound to ``unit``/``producer``.

    The combination is checked with ``User.clean`` (e.g. a commune officer needs a current
    commune), so a test cannot silently build an account the platform would refuse.
    ``role=Role.ADMIN`` also gets Django admin access (is_staff, is_superuser).
    """
    role = Role(role)
    username = username or f"{role.value.replace('_', '-')}-{next(_serial)}"
    fields = {"email": f"{username}@example.vn", **extra}
    if role == Role.ADMIN:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
    user = User(username=username, role=role, unit=unit, producer=producer, **fields)
    user.clean()
    user.set_password(password)
    user.save()
    return user


def confirmed_device(user: User, *, create: bool = True) -> TOTPDevice | None:
    """The user's confirmed TOTP device; one is created when there is none (with ``create``)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows right now for ``device``."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, 0):0{device.digits}d}"


def login_client(user: User, client: Client | None = None, *, verified: bool = True) -> Client:
    """A test client signed in as ``user`` (no password round-trip).

    With ``verified`` (the default) the session has also passed the second factor when the
    account needs one, so pages behave as for a fully signed-in user; ``verified=False`` leaves
    the session half signed-in, for tests of the 2FA gate itself.
    """
    client = client or Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = confirmed_device(user, create=second_factor_required(user)) if verified else None
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def pass_second_factor(client: Client, user: User) -> None:
    """After a password sign-in, type the current code on the verification page, as the user
    would (a code is accepted once: call it at most once per 30-second step for a user)."""
    code = totp_code(confirmed_device(user))
    response = client.post(reverse("accounts:otp_verify"), {"token": code})
    assert response.status_code == 302, response.content.decode()


def client_for(role: Role | str, **make_user_kwargs) -> tuple[Client, User]:
    """A new user of ``role`` (see ``make_user``) and a client signed in as that user."""
    user = make_user(role, **make_user_kwargs)
    return login_client(user), user


def signed_in_context(new_context: Any, live_server: Any, user: User, **options: Any) -> Any:
    """A fresh browser context (pytest-playwright's ``new_context``; ``options`` such as
    ``viewport`` or ``accept_downloads`` go to it) signed in as ``user`` through a session made
    server-side: the login page has its own browser tests, and a sign-in per actor would double
    the browser tests' time."""
    session = login_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    context = new_context(base_url=live_server.url, **options)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session,
                          "url": live_server.url}])
    return context


def signed_in_phone(new_context: Any, live_server: Any, user: User) -> Any:
    """A page of a fresh browser at the phone's size (``ocop.core.browser_testing``), signed
    in as ``user`` (``signed_in_context``)."""
    return as_phone(signed_in_context(new_context, live_server, user).new_page())
