"""The trade app's test world: a certified product of a producer in Xã Lục Ngạn (Bắc Ninh), an
uncertified one, a verified buyer, the producer's account and the province office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.certificates.testing import certify
from ocop.registry.models import Producer, Product
from ocop.registry.testing import TAX_CODES, classification, make_producer, make_product
from ocop.trade import services
from ocop.trade.models import Buyer, BuyerKind
from ocop.units.models import Unit

__all__ = ["classification"]

PASSWORD = "Ocop@2026!"  # test accounts only


@dataclass
class Market:
    units: object
    producer: Producer
    product: Product  # "Vải thiều sấy khô Lục Ngạn", 4 stars, valid today
    uncertified: Product
    other_producer: Producer
    other_product: Product  # certified, of other_producer (Hà Nội), 3 stars
    producer_user: User
    buyer: Buyer
    office: User


def make_buyer(units, name="Công ty CP Siêu thị Thử Nghiệm", email="mua@sieuthi.vn",
               verified=True) -> Buyer:
    buyer = services.register_buyer(
        name=name, kind=BuyerKind.SUPERMARKET, province=units.ha_noi,
        contact_person="Lê Thị Mua", phone="0912345678", email=email, password=PASSWORD)
    if verified:
        buyer.status = Buyer.Status.VERIFIED
        buyer.save(update_fields=["status"])
    return buyer


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def market(units, classification) -> Market:
    producer = make_producer("HTX Vải thiều Phì Điền", units.xa_luc_ngan, TAX_CODES[0],
                             phone="0987000111", email="htx@phidien.vn",
                             representative_name="Nguyễn Văn Hải")
    product = make_product(producer, "Vải thiều sấy khô Lục Ngạn", classification)
    uncertified = make_product(producer, "Mật ong hoa vải", classification)
    today = timezone.localdate()
    certify(product, 4, issued_on=today - timedelta(days=30), today=today)
    hoan_kiem = Unit.objects.get(pk="C00070")
    other = make_producer("HTX Rau Hoàn Kiếm", hoan_kiem, TAX_CODES[3])
    other_product = make_product(other, "Rau cải sấy", classification)
    certify(other_product, 3, issued_on=today - timedelta(days=30), today=today)
    return Market(
        units=units, producer=producer, product=product, uncertified=uncertified,
        other_producer=other, other_product=other_product,
        producer_user=make_user(Role.PRODUCER, producer=producer),
        buyer=make_buyer(units), office=make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh))
