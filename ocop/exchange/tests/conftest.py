"""Exchange test world: the registry's producers (Bắc Ninh and Hà Nội), a certificate each for
two of them, and one account per role (plus a Hà Nội province office)."""

from __future__ import annotations

from datetime import date

import pytest

from ocop.accounts.models import User
from ocop.certificates.testing import certify
from ocop.registry.testing import classification, world

__all__ = ["classification", "world"]

ISSUED = date(2024, 11, 15)


@pytest.fixture
def xworld(world):
    world.certificates = {
        "own": certify(world.products["own"], 4, issued_on=ISSUED, today=date(2025, 1, 2)),
        "other_province": certify(world.products["other_province"], 3, issued_on=ISSUED,
                                  today=date(2025, 1, 2)),
    }
    world.users["other_province_office"] = User.objects.create_user(
        username="hn_office", password="x-Pass-123456",
        role="province_office", unit=world.units.ha_noi)
    return world
