"""Fixtures shared by the apps' tests."""

from __future__ import annotations

import pytest

from ocop.units.testing import TestUnits, load_test_units


@pytest.fixture
def units(db) -> TestUnits:
    """Bắc Ninh (P24), Hà Nội (P01) and legacy Bắc Giang/Bắc Ninh (LP24, LP27), fully linked.

    Function-scoped: loading the ~560 units takes about 0.1 s (the package data is parsed once
    per process and cached).
    """
    return load_test_units()


@pytest.fixture(autouse=True)
def _vietnamese_at_start() -> None:
    """Each test starts on the Vietnamese interface. The locale middleware activates the
    request's language for the whole thread, and Django's test client never deactivates it,
    so an English page would otherwise leak English into the tests that run after it."""
    from django.utils import translation

    translation.activate("vi")


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's ``admin_client``, past the second factor that every superuser owes."""
    from ocop.accounts.testing import login_client

    return login_client(admin_user)
