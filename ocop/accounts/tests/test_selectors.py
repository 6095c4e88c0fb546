"""Who holds a post: only active accounts, only the role acting for the unit, only that unit."""

from __future__ import annotations

import pytest

from ocop.accounts import selectors
from ocop.accounts.models import Role
from ocop.accounts.testing import make_user
from ocop.registry.models import LegalForm, Producer

pytestmark = pytest.mark.django_db


def test_province_office_users(units) -> None:
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, is_active=False)
    make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi)
    make_user(Role.INSPECTOR, unit=units.bac_ninh)  # same unit, not the standing office
    make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)  # a commune of the province
    assert selectors.province_office_users(units.bac_ninh) == [office]
    assert selectors.province_office_users(units.bac_ninh.pk) == [office]
    assert selectors.province_office_users(None) == []


def test_commune_officers(units) -> None:
    officer = make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan)
    make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan, is_active=False)
    make_user(Role.COMMUNE_OFFICER, unit=units.phuong_bac_giang)
    make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    assert selectors.commune_officers(units.xa_luc_ngan) == [officer]
    assert selectors.commune_officers(units.phuong_bac_giang.pk) != [officer]
    assert selectors.commune_officers(None) == []


def test_producer_users_and_central_office(units, producer) -> None:
    other = Producer.objects.create(legal_form=LegalForm.HOUSEHOLD, name="Hộ Mật ong",
                                    tax_code="2400654321", commune=units.xa_luc_ngan,
                                    representative_name="Lê Văn Bình")
    own = make_user(Role.PRODUCER, producer=producer)
    make_user(Role.PRODUCER, producer=producer, is_active=False)
    make_user(Role.PRODUCER, producer=other)
    central = make_user(Role.CENTRAL)
    make_user(Role.CENTRAL, is_active=False)
    assert selectors.producer_users(producer) == [own]
    assert selectors.producer_users(producer.pk) == [own]
    assert selectors.producer_users(None) == []
    assert selectors.central_office_users() == [central]
