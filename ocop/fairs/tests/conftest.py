"""The fairs test world: a Bắc Ninh office and its event, certified and uncertified producers in
and out of the province, and one account per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.certificates.testing import certify
from ocop.fairs import services
from ocop.fairs.models import Event
from ocop.registry.models import Producer, Product
from ocop.registry.testing import TAX_CODES, make_producer, make_product, make_vegetable_set
from ocop.units.models import Unit

BOOTHS = [("Gian tiêu chuẩn", 2), ("Gian góc", 1)]


@dataclass
class FairWorld:
    today: date
    units: object
    event: Event
    luc_ngan: Producer  # Xã Lục Ngạn, certified (vải thiều), also an uncertified product
    bac_giang: Producer  # Phường Bắc Giang, certified (gà đồi)
    uncertified: Producer  # Xã Lục Ngạn, no certificate
    hanoi: Producer  # Hà Nội, certified
    litchi: Product
    honey: Product  # Lục Ngạn's product without a certificate
    chicken: Product
    tea: Product
    users: dict[str, User]

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def event_kwargs(today: date, **extra) -> dict:
    return {"kind": Event.Kind.FAIR, "name": "Hội chợ OCOP tỉnh Bắc Ninh",
            "starts_on": today + timedelta(days=30), "ends_on": today + timedelta(days=33),
            "venue": "Quảng trường 3/2, phường Bắc Giang", "organiser": "Sở Công Thương",
            "applications_open_on": today - timedelta(days=5),
            "applications_close_on": today + timedelta(days=20), "booth_classes": BOOTHS,
            **extra}


@pytest.fixture
def fw(units) -> FairWorld:
    today = timezone.localdate()
    product_set = make_vegetable_set()
    luc_ngan = make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0])
    bac_giang = make_producer("HTX Gà đồi Bắc Giang", units.phuong_bac_giang, TAX_CODES[1])
    uncertified = make_producer("Hộ Mật ong Đồng Cốc", units.xa_luc_ngan, TAX_CODES[2])
    hanoi = make_producer("HTX Trà Hoàn Kiếm", Unit.objects.get(pk="C00070"), TAX_CODES[3])
    litchi = make_product(luc_ngan, "Vải thiều Lục Ngạn", product_set)
    honey = make_product(luc_ngan, "Mật ong vải", product_set)
    chicken = make_product(bac_giang, "Gà đồi Yên Thế", product_set)
    tea = make_product(hanoi, "Trà sen", product_set)
    make_product(uncertified, "Mật ong rừng", product_set)
    issued = today - timedelta(days=800)  # valid from two years ago to next autumn
    for product in (litchi, chicken, tea):
        certify(product, 4, issued_on=issued, today=today)
    users = {
        "office": make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh),
        "hanoi_office": make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi),
        "central": make_user(Role.CENTRAL),
        "admin": make_user(Role.ADMIN),
        "commune": make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan),
        "inspector": make_user(Role.INSPECTOR, unit=units.bac_ninh),
        "council": make_user(Role.COUNCIL_MEMBER, unit=units.bac_ninh),
        "producer": make_user(Role.PRODUCER, producer=luc_ngan),
        "chicken_producer": make_user(Role.PRODUCER, producer=bac_giang),
        "hanoi_producer": make_user(Role.PRODUCER, producer=hanoi),
        "uncertified_producer": make_user(Role.PRODUCER, producer=uncertified),
    }
    event = services.create_event(actor=users["office"], province=units.bac_ninh,
                                  **event_kwargs(today))
    return FairWorld(today, units, event, luc_ngan, bac_giang, uncertified, hanoi, litchi,
                     honey, chicken, tea, users)
