"""The catalogue's test world: certified, expired, revoked and never-certified products of
producers in the positions of ``registry.testing``, one pre-2025 record, a zone and lots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from ocop.certificates import services as certificate_services
from ocop.certificates.models import Certificate
from ocop.certificates.testing import certify
from ocop.registry.models import LegalForm, Producer, Product
from ocop.registry.testing import (  # noqa: F401
    TAX_CODES,
    classification,
    make_producer,
    make_product,
    position_producers,
)
from ocop.trace.models import Lot, Zone

SQUARE = {"type": "Polygon", "coordinates": [[
    [106.5500, 21.3800], [106.5512, 21.3800], [106.5512, 21.3811], [106.5500, 21.3811],
    [106.5500, 21.3800]]]}


@dataclass
class Catalogue:
    today: date
    producers: dict[str, Producer]
    vai: Product  # "Vải thiều Lục Ngạn sấy khô", 4★, valid, zone + lots
    mat_ong: Product  # 3★, valid, household
    tra: Product  # 5★, valid, Hà Nội
    legacy: Product  # 3★, valid, producer registered at a legacy commune (huyện Lục Ngạn)
    expired: Product  # its only certificate lapsed
    revoked: Product  # its only certificate revoked
    never: Product  # never certified
    vai_certificate: Certificate
    zone: Zone


def revoke(certificate: Certificate, today: date) -> Certificate:
    return certificate_services.revoke_certificate(
        actor=None, certificate=certificate, reason="Vi phạm an toàn thực phẩm",
        decision_number="99/QĐ-UBND", today=today)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Database ids repeat between tests; a cached page of one must not answer in the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue(units, classification) -> Catalogue:  # noqa: F811
    today = timezone.localdate()
    recent = today - timedelta(days=30)
    producers = position_producers(units, website="https://htx.example.org")
    own, household = producers["own"], producers["other_producer"]
    vai = make_product(own, "Vải thiều Lục Ngạn sấy khô", classification,
                       description="Vải thiều chín cây, sấy bằng lò than hoa theo cách cũ.")
    vai_certificate = certify(vai, 4, issued_on=recent, today=today)
    mat_ong = make_product(household, "Mật ong hoa vải Đồng Cốc", classification)
    certify(mat_ong, 3, issued_on=recent - timedelta(days=10), today=today)
    tra = make_product(producers["other_province"], "Trà sen Hoàn Kiếm", classification)
    certify(tra, 5, issued_on=recent - timedelta(days=20), today=today)
    old = make_producer("HTX Na Đồng Cốc", units.xa_luc_ngan, TAX_CODES[4],
                        legal_form=LegalForm.COOPERATIVE)
    Producer.objects.filter(pk=old.pk).update(commune=units.legacy_dong_coc)
    legacy = make_product(old, "Na dai Đồng Cốc", classification)
    certify(legacy, 3, issued_on=recent, today=today)
    expired = make_product(producers["other_commune"], "Gốm men lam Bắc Giang", classification)
    certify(expired, 3, issued_on=today - timedelta(days=4 * 365),
            today=today - timedelta(days=4 * 365))
    revoked_product = make_product(own, "Vải thiều tươi Lục Ngạn", classification)
    revoke(certify(revoked_product, 3, issued_on=recent, today=today), today)
    never = make_product(own, "Vải thiều đóng lon", classification)
    zone = Zone.objects.create(
        code="VN-24-219-07591-001-23", name="Vùng vải Đồng Cốc", producer=own,
        commune=units.xa_luc_ngan, crop="Vải thiều", crop_kind=Zone.CropKind.PERENNIAL,
        declared_area_ha=Decimal("1.5"), standard=Zone.Standard.VIETGAP, boundary=SQUARE)
    zone.products.add(vai)
    lot = Lot.objects.create(product=vai, code="L2025-01", produced_on=recent,
                             quantity=Decimal("500"), unit="kg")
    lot.zones.add(zone)
    cache.clear()
    return Catalogue(today, producers, vai, mat_ong, tra, legacy, expired, revoked_product,
                     never, vai_certificate, zone)
