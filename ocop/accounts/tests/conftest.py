from __future__ import annotations

import pytest
from django.core.cache import cache

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.registry.models import LegalForm, Producer
from ocop.units.testing import TestUnits


@pytest.fixture(autouse=True)
def _clear_cache():
    # django-otp and axes keep nothing in the cache today, but a leak between tests would be
    # invisible; start every test from an empty cache.
    cache.clear()


@pytest.fixture
def producer(units: TestUnits) -> Producer:
    return Producer.objects.create(
        legal_form=LegalForm.COOPERATIVE,
        name="HTX Vải thiều Lục Ngạn",
        tax_code="2400123456",
        commune=units.xa_luc_ngan,
        representative_name="Nguyễn Văn An",
    )


@pytest.fixture
def officer(units: TestUnits) -> User:
    return make_user(
        Role.PROVINCE_OFFICE,
        unit=units.bac_ninh,
        username="can-bo-tinh",
        first_name="Trần Thị Lan",
    )
