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


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's ``admin_client``, past the second factor that every superuser owes."""
    from ocop.accounts.testing import login_client

    return login_client(admin_user)
