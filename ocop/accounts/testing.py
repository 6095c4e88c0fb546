"""Test-data helpers for accounts, importable from any app's tests.

    from ocop.accounts.testing import make_user, client_for
    officer = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)
    client, user = client_for(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
"""

from __future__ import annotations

import itertools

from django.test import Client

from ocop.accounts.models import Role, User

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


def login_client(user: User, client: Client | None = None) -> Client:
    """A test client signed in as ``user`` (no password round-trip, no second factor)."""
    client = client or Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def client_for(role: Role | str, **make_user_kwargs) -> tuple[Client, User]:
    """A new user of ``role`` (see ``make_user``) and a client signed in as that user."""
    user = make_user(role, **make_user_kwargs)
    return login_client(user), user
