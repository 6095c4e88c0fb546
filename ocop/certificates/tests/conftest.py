"""Certificates test data: producers in today's Bắc Ninh (one registered under a legacy commune)
and in Hà Nội, one account per role, and decisions of a legacy district and of the province."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.certificates import services
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.registry.models import Producer, Product
from ocop.registry.testing import TAX_CODES, classification, make_producer, products_of
from ocop.units.models import Unit

__all__ = ["classification"]

ROLES = ("admin", "central", "province_office", "other_province_office", "commune_officer",
         "inspector", "council_member", "producer", "other_producer")


@dataclass
class CertWorld:
    units: object
    producers: dict[str, Producer]
    products: dict[str, Product]
    users: dict[str, User]
    district_decision: RecognitionDecision
    province_decision: RecognitionDecision
    hanoi_decision: RecognitionDecision

    def issue(self, key: str = "own", *, stars: int = 3, issued_on: date = date(2024, 2, 29),
              decision: RecognitionDecision | None = None, today: date | None = None,
              score: str = "65.40") -> Certificate:
        return services.issue_certificate(
            actor=None, decision=decision or self.district_decision, product=self.products[key],
            stars=stars, total_score=Decimal(score), issued_on=issued_on,
            today=today or issued_on,
        )


@pytest.fixture
def cw(units, classification) -> CertWorld:
    hoan_kiem = Unit.objects.get(pk="C00070")
    producers = {
        "own": make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0],
                             representative_name="Nguyễn Thị Bí Mật", phone="0912345678",
                             email="bimat@example.vn", street_address="Thôn Riêng Tư"),
        "legacy": make_producer("HTX Mật ong Đồng Cốc", units.legacy_dong_coc, TAX_CODES[1]),
        "hanoi": make_producer("HTX Trà Hoàn Kiếm", hoan_kiem, TAX_CODES[3]),
    }
    products = products_of(producers, classification, prefix="Sản phẩm của")
    users = {
        "admin": make_user(Role.ADMIN),
        "central": make_user(Role.CENTRAL),
        "province_office": make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh),
        "other_province_office": make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi),
        "commune_officer": make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan),
        "inspector": make_user(Role.INSPECTOR, unit=units.bac_ninh),
        "council_member": make_user(Role.COUNCIL_MEMBER, unit=units.bac_ninh),
        "producer": make_user(Role.PRODUCER, producer=producers["own"]),
        "other_producer": make_user(Role.PRODUCER, producer=producers["hanoi"]),
    }
    district = services.create_decision(
        actor=None, number="1234/QĐ-UBND", date=date(2024, 2, 29), signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", level="district", issuing_unit=units.legacy_luc_ngan,
    )
    province = services.create_decision(
        actor=None, number="56/QĐ-UBND", date=date(2025, 9, 1), signer_name="Lê Văn Tỉnh",
        signer_title="Phó Chủ tịch", level="province", issuing_unit=units.bac_ninh,
    )
    hanoi = services.create_decision(
        actor=None, number="78/QĐ-UBND", date=date(2025, 9, 1), signer_name="Phạm Văn Hà",
        signer_title="Phó Chủ tịch", level="province", issuing_unit=units.ha_noi,
    )
    return CertWorld(units, producers, products, users, district, province, hanoi)
