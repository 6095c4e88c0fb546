"""Open data test world: four producers of Bắc Ninh and Hà Nội, each carrying personal data that
must never be published, with certificates that are valid, expired and (in tests) revoked on
``TODAY``.

- coop (HTX, Xã Lục Ngạn): 3★ by the legacy district of Lục Ngạn on 29/02/2024 → expired on TODAY;
- household (hộ kinh doanh, registered under the legacy Xã Đồng Cốc): 4★ by the province → valid;
- enterprise (Phường Bắc Giang): 4★ by the province, with a GTIN → valid (a test revokes it);
- hanoi (HTX, Hà Nội): 3★ by Hà Nội → valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from ocop.certificates import services
from ocop.certificates.models import Certificate
from ocop.registry.models import LegalForm, Producer
from ocop.registry.testing import TAX_CODES, classification, make_producer, make_product
from ocop.units.models import Unit

__all__ = ["classification"]

TODAY = date(2027, 6, 1)
# Strings that must appear in no published file: one per kind of personal data.
SECRETS = {
    "phone": "0912345678", "email": "bimat@example.vn", "street": "Thôn Riêng Tư",
    "representative": "Nguyễn Thị Bí Mật", "title": "Giám đốc Bí Mật",
    "household": "Hộ kinh doanh Nguyễn Văn Chủ Hộ", "reason": "Vi phạm Lý Do Kín",
    "signer": "Trần Văn Ký Tên",
}


@dataclass
class OpenWorld:
    units: object
    producers: dict[str, Producer]
    certificates: dict[str, Certificate]

    def revoke(self, key: str = "enterprise", on: date = TODAY) -> Certificate:
        return services.revoke_certificate(
            actor=None, certificate=self.certificates[key], reason=SECRETS["reason"],
            decision_number="99/QĐ-UBND", revoked_on=on, today=TODAY)


def _private() -> dict[str, str]:
    return {"phone": SECRETS["phone"], "email": SECRETS["email"],
            "street_address": SECRETS["street"], "representative_name": SECRETS["representative"],
            "representative_title": SECRETS["title"]}


@pytest.fixture
def ow(units, classification) -> OpenWorld:
    hoan_kiem = Unit.objects.get(pk="C00070")
    producers = {
        "coop": make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0],
                              **_private()),
        "household": make_producer(SECRETS["household"], units.legacy_dong_coc, TAX_CODES[1],
                                   legal_form=LegalForm.HOUSEHOLD, **_private()),
        "enterprise": make_producer("Công ty Gốm Bắc Giang", units.phuong_bac_giang,
                                    TAX_CODES[2], legal_form=LegalForm.ENTERPRISE, **_private()),
        "hanoi": make_producer("HTX Trà Hoàn Kiếm", hoan_kiem, TAX_CODES[3], **_private()),
    }
    names = {"coop": "Vải thiều sấy", "household": "Mật ong hoa nhãn",
             "enterprise": "Gốm men lam", "hanoi": "Trà sen"}
    products = {key: make_product(p, names[key], classification)
                for key, p in producers.items()}
    products["enterprise"].gtin = "8938500000017"
    products["enterprise"].save(update_fields=["gtin"])

    def decision(number: str, day: date, level: str, unit: Unit):
        return services.create_decision(actor=None, number=number, date=day,
                                        signer_name=SECRETS["signer"], signer_title="Chủ tịch",
                                        level=level, issuing_unit=unit)

    district = decision("1234/QĐ-UBND", date(2024, 2, 29), "district", units.legacy_luc_ngan)
    province = decision("56/QĐ-UBND", date(2025, 9, 1), "province", units.bac_ninh)
    hanoi = decision("78/QĐ-UBND", date(2025, 9, 1), "province", units.ha_noi)

    def issue(key: str, dec, stars: int) -> Certificate:
        return services.issue_certificate(actor=None, decision=dec, product=products[key],
                                          stars=stars, total_score=Decimal("75.00"),
                                          issued_on=dec.date, today=dec.date)

    certificates = {"coop": issue("coop", district, 3),
                    "household": issue("household", province, 4),
                    "enterprise": issue("enterprise", province, 4),
                    "hanoi": issue("hanoi", hanoi, 3)}
    return OpenWorld(units, producers, certificates)
