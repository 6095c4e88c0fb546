"""The map's test world: the registry's world (producers at each position seen from Xã Lục
Ngạn, Bắc Ninh) with certificates in every state, a producer registered under a pre-2025
commune, and raw-material zones with and without a boundary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.registry.testing import (  # noqa: F401
    TAX_CODES,
    World,
    classification,
    make_producer,
    make_product,
    world,
)
from ocop.trace.models import Zone
from ocop.units.models import Unit

# The platform's day is Vietnam's (timezone.localdate); the machine's date.today() is UTC here
# and differs from it between 17:00 and 24:00 UTC.
TODAY = timezone.localdate()
SQUARE = {"type": "Polygon", "coordinates": [[[106.55, 21.40], [106.56, 21.40], [106.56, 21.41],
                                             [106.55, 21.41], [106.55, 21.40]]]}


@dataclass
class MapWorld:
    world: World
    certificates: dict[str, Certificate]
    zones: dict[str, Zone]
    users: dict[str, User]


def certify(product, number: str, *, stars: int = 4, issued: date | None = None,
            valid_until: date | None = None, revoked: date | None = None) -> Certificate:
    decision, _ = RecognitionDecision.objects.get_or_create(
        number="12/QĐ-UBND", defaults={
            "date": TODAY - timedelta(days=400), "signer_name": "Trần Văn Ký",
            "signer_title": "Chủ tịch", "level": "province",
            "issuing_unit": Unit.objects.get(pk="P24")})
    issued = issued or TODAY - timedelta(days=100)
    return Certificate.objects.create(
        number=number, product=product, producer=product.producer, decision=decision,
        stars=stars, total_score=Decimal("75"), issued_on=issued,
        valid_until=valid_until or issued + timedelta(days=3 * 365), revoked_on=revoked,
        administered_by=product.producer.commune.current_province)


def zone(code: str, producer, commune: Unit, boundary: dict | None = None) -> Zone:
    return Zone.objects.create(code=code, name=f"Vùng vải {code}", producer=producer,
                               commune=commune, crop="Vải thiều", crop_kind="perennial",
                               declared_area_ha=Decimal("5"), boundary=boundary)


@pytest.fixture
def map_world(world) -> MapWorld:  # noqa: F811 — the registry's fixture, used by name
    units = world.units
    p = world.products
    # Registered under Xã Đồng Cốc (abolished 2025): shown at Xã Lục Ngạn, which it became.
    legacy = make_producer("HTX Mật ong Đồng Cốc cũ", units.legacy_dong_coc, TAX_CODES[4])
    legacy_product = make_product(legacy, "Mật ong hoa vải Đồng Cốc", world.product_set)
    certificates = {
        "own": certify(p["own"], "OCOP-24-2025-00001", stars=4),
        "own_older": certify(p["own"], "OCOP-24-2022-00009", stars=3,
                             issued=TODAY - timedelta(days=900)),
        "revoked": certify(p["other_producer"], "OCOP-24-2025-00002",
                           revoked=TODAY - timedelta(days=3)),
        "expired": certify(p["other_commune"], "OCOP-24-2021-00003",
                           issued=TODAY - timedelta(days=1200),
                           valid_until=TODAY - timedelta(days=1)),
        "hanoi": certify(p["other_province"], "OCOP-01-2025-00004", stars=5),
        "legacy": certify(legacy_product, "OCOP-24-2024-00005", stars=3),
    }
    zones = {
        "own": zone("VN-24-001", world.producers["own"], units.xa_luc_ngan, SQUARE),
        "own_no_boundary": zone("VN-24-002", world.producers["own"], units.xa_luc_ngan),
        "other_commune": zone("VN-24-003", world.producers["other_commune"],
                              units.phuong_bac_giang),
        "hanoi": zone("VN-01-001", world.producers["other_province"],
                      Unit.objects.get(pk="C00070")),
    }
    users = {**world.users, "other_province_office": make_user(Role.PROVINCE_OFFICE,
                                                               unit=units.ha_noi)}
    return MapWorld(world, certificates, zones, users)
