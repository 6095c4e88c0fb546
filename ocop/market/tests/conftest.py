"""The market's test world: the registry's four producers (own and other_producer in Xã Lục
Ngạn, other_commune in Phường Bắc Giang — all in today's Bắc Ninh — and other_province in Hà
Nội), one account per role, and every product certified a month ago except other_province's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from ocop.accounts.models import User
from ocop.certificates.models import Certificate
from ocop.certificates.testing import certify
from ocop.registry.models import Product
from ocop.registry.testing import World, classification, world

__all__ = ["classification", "world"]


@dataclass
class MarketWorld:
    base: World
    today: date
    certificates: dict[str, Certificate]

    @property
    def products(self) -> dict[str, Product]:
        return self.base.products

    @property
    def users(self) -> dict[str, User]:
        return self.base.users

    @property
    def units(self):
        return self.base.units


@pytest.fixture
def market(world: World) -> MarketWorld:
    today = timezone.localdate()
    issued = today - timedelta(days=30)
    stars = {"own": 4, "other_producer": 3, "other_commune": 5}
    certificates = {key: certify(world.products[key], n, issued_on=issued, today=today)
                    for key, n in stars.items()}
    return MarketWorld(world, today, certificates)
