"""Role/unit consistency, the test helpers, and jurisdiction scoping across the 2025 merger."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from ocop.accounts.jurisdiction import can_see_unit, scope_by_commune
from ocop.accounts.models import Role
from ocop.accounts.testing import DEFAULT_PASSWORD, client_for, make_user
from ocop.registry.models import LegalForm, Producer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "unit_name", "field"),
    [
        (Role.PROVINCE_OFFICE, None, "unit"),
        (Role.PROVINCE_OFFICE, "xa_luc_ngan", "unit"),
        (Role.COMMUNE_OFFICER, "bac_ninh", "unit"),
        (Role.COMMUNE_OFFICER, "legacy_dong_coc", "unit"),  # pre-2025 units are history only
        (Role.CENTRAL, "bac_ninh", "unit"),
        (Role.INSPECTOR, "legacy_luc_ngan", "unit"),
        (Role.PRODUCER, None, "producer"),
    ],
)
def test_inconsistent_accounts_are_refused(units, role, unit_name, field):
    unit = getattr(units, unit_name) if unit_name else None
    with pytest.raises(ValidationError) as excinfo:
        make_user(role, unit=unit)
    assert field in excinfo.value.message_dict


def test_make_user_and_client_for(units, producer):
    user = make_user(Role.PRODUCER, producer=producer, username="chu-the")
    assert user.check_password(DEFAULT_PASSWORD)
    assert user.email == "chu-the@example.vn"
    with pytest.raises(ValidationError):
        make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan, producer=producer)
    admin = make_user(Role.ADMIN)
    assert admin.is_staff and admin.is_superuser and admin.is_nationwide

    client, officer = client_for(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)
    assert client.get("/tai-khoan/").status_code == 200
    assert officer.role == Role.COMMUNE_OFFICER


@pytest.fixture
def producers(units):
    def make(name: str, tax: str, commune) -> Producer:
        return Producer.objects.create(
            legal_form=LegalForm.HOUSEHOLD,
            name=name,
            tax_code=tax,
            commune=commune,
            representative_name="Đại diện",
        )

    return {
        # Registered in 2022 under xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (legacy).
        "legacy": make("Hộ Đồng Cốc", "2400000001", units.legacy_dong_coc),
        "luc_ngan": make("Hộ Lục Ngạn", "2400000002", units.xa_luc_ngan),
        "bac_giang": make("Hộ Bắc Giang", "2400000003", units.phuong_bac_giang),
    }


def names(user) -> set[str]:
    return set(
        scope_by_commune(Producer.objects.all(), user, "commune", "pk").values_list(
            "name", flat=True
        )
    )


def test_scoping_follows_legacy_units_to_today(units, producers):
    everything = {"Hộ Đồng Cốc", "Hộ Lục Ngạn", "Hộ Bắc Giang"}
    assert names(make_user(Role.CENTRAL)) == everything
    assert names(make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)) == everything
    assert names(make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi)) == set()
    # Today's xã Lục Ngạn officer also sees the producer registered under old xã Đồng Cốc.
    commune = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)
    assert names(commune) == {"Hộ Đồng Cốc", "Hộ Lục Ngạn"}
    assert can_see_unit(commune, units.legacy_dong_coc)
    assert not can_see_unit(commune, units.phuong_bac_giang)

    owner = make_user(Role.PRODUCER, producer=producers["legacy"])
    assert names(owner) == {"Hộ Đồng Cốc"}
    # Accounts without a unit see nothing rather than everything.
    assert names(make_user(Role.INSPECTOR)) == set()
    assert names(AnonymousUser()) == set()
    assert not can_see_unit(AnonymousUser(), units.xa_luc_ngan)


def test_inactive_user_sees_nothing(units, producers):
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, is_active=False)
    assert names(user) == set()
