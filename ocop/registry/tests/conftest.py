"""Registry test data: one account per role and producers at each position relative to them.

Positions (all seen from the commune officer of Xã Lục Ngạn, Bắc Ninh, and the producer account
of "own"): ``own`` and ``other_producer`` lie in Xã Lục Ngạn (C07582), ``other_commune`` in
Phường Bắc Giang (C07210, same province), ``other_province`` in Hà Nội (P01).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ocop.accounts.models import Role, User
from ocop.registry import services
from ocop.registry.models import (
    LegalForm,
    Producer,
    Product,
    ProductGroup,
    ProductSet,
    ProductSubGroup,
)
from ocop.units.models import Unit

# Valid tax codes (check digit per the official weights), one per producer below.
TAX_CODES = ["0100109106", "0101243150", "0102100740", "0300588569", "0400100457"]


@pytest.fixture
def classification(db) -> ProductSet:
    group = ProductGroup.objects.create(code="1", name_vi="Thực phẩm", name_en="Food")
    sub = ProductSubGroup.objects.create(code="1.1.a", group=group,
                                         name_vi="Rau, củ, quả, hạt tươi")
    ProductSet.objects.create(code="1048-07", group=group, subgroup=None,
                              name_vi="Chế biến từ rau, củ, quả, hạt")
    return ProductSet.objects.create(code="1048-01", group=group, subgroup=sub,
                                     name_vi="Rau, củ, quả, hạt tươi")


def make_producer(name: str, commune: Unit, tax_code: str, **extra) -> Producer:
    data = {
        "legal_form": LegalForm.COOPERATIVE, "name": name, "tax_code": tax_code,
        "commune": commune, "representative_name": "Nguyễn Văn A", **extra,
    }
    return services.create_producer(actor=None, data=data)


def make_product(producer: Producer, name: str, product_set: ProductSet, **extra) -> Product:
    return services.create_product(actor=None, producer=producer,
                                   data={"name": name, "product_set": product_set, **extra})


@dataclass
class World:
    units: object
    product_set: ProductSet
    producers: dict[str, Producer]
    products: dict[str, Product]
    users: dict[str, User]


ROLES = ("admin", "central", "province_office", "commune_officer", "inspector",
         "council_member", "producer")
POSITIONS = ("own", "other_producer", "other_commune", "other_province")


@pytest.fixture
def world(units, classification) -> World:
    hoan_kiem = Unit.objects.get(pk="C00070")
    producers = {
        "own": make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0]),
        "other_producer": make_producer("Hộ kinh doanh Mật ong Đồng Cốc", units.xa_luc_ngan,
                                        TAX_CODES[1], legal_form=LegalForm.HOUSEHOLD),
        "other_commune": make_producer("Công ty Gốm Bắc Giang", units.phuong_bac_giang,
                                       TAX_CODES[2], legal_form=LegalForm.ENTERPRISE),
        "other_province": make_producer("HTX Trà Hoàn Kiếm", hoan_kiem, TAX_CODES[3]),
    }
    products = {
        pos: make_product(p, f"Sản phẩm {p.name}", classification)
        for pos, p in producers.items()
    }
    unit_of = {
        "province_office": units.bac_ninh, "commune_officer": units.xa_luc_ngan,
        "inspector": units.bac_ninh, "council_member": units.bac_ninh,
    }
    users = {}
    for role in ROLES:
        users[role] = User.objects.create_user(
            username=role, password="x-Pass-123456", role=role, unit=unit_of.get(role),
            producer=producers["own"] if role == Role.PRODUCER else None,
        )
    return World(units, classification, producers, products, users)
