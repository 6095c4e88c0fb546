"""Registry test data, importable from any app's tests (as ``ocop.accounts.testing``).

    from ocop.registry.testing import TAX_CODES, make_producer, make_product
    producer = make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0])

Producers and products go through the services (validation, search text, audit) as for a real
user. ``position_producers`` places one producer at each position seen from the commune officer
of Xã Lục Ngạn (Bắc Ninh) and the producer account of "own": ``own`` and ``other_producer`` lie
in Xã Lục Ngạn (C07582), ``other_commune`` in Phường Bắc Giang (C07210, same province),
``other_province`` in Hà Nội (P01). The ``classification`` and ``world`` fixtures are the
registry's test world; a conftest imports them to use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

# Valid tax codes (check digit per the official weights), one per producer of a test world.
TAX_CODES = ["0100109106", "0101243150", "0102100740", "0300588569", "0400100457"]
POSITIONS = ("own", "other_producer", "other_commune", "other_province")
ROLES = ("admin", "central", "province_office", "commune_officer", "inspector",
         "council_member", "producer")


def make_vegetable_set(*, with_processed: bool = False) -> ProductSet:
    """Product set 1048-01 "Rau, củ, quả, hạt tươi" (group 1, sub-group 1.1.a), the one the
    shipped test sheets cover; ``with_processed`` also adds 1048-07, a set without sub-group."""
    group = ProductGroup.objects.create(code="1", name_vi="Thực phẩm", name_en="Food")
    sub = ProductSubGroup.objects.create(code="1.1.a", group=group,
                                         name_vi="Rau, củ, quả, hạt tươi")
    if with_processed:
        ProductSet.objects.create(code="1048-07", group=group, subgroup=None,
                                  name_vi="Chế biến từ rau, củ, quả, hạt")
    return ProductSet.objects.create(code="1048-01", group=group, subgroup=sub,
                                     name_vi="Rau, củ, quả, hạt tươi")


def make_producer(name: str, commune: Unit, tax_code: str, **extra: Any) -> Producer:
    data = {
        "legal_form": LegalForm.COOPERATIVE, "name": name, "tax_code": tax_code,
        "commune": commune, "representative_name": "Nguyễn Văn A", **extra,
    }
    return services.create_producer(actor=None, data=data)


def make_product(producer: Producer, name: str, product_set: ProductSet, **extra: Any) -> Product:
    return services.create_product(actor=None, producer=producer,
                                   data={"name": name, "product_set": product_set, **extra})


def position_producers(units: Any, **extra: Any) -> dict[str, Producer]:
    """One producer at each of ``POSITIONS``; ``extra`` fields go to all four."""
    hoan_kiem = Unit.objects.get(pk="C00070")
    return {
        "own": make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0],
                             **extra),
        "other_producer": make_producer("Hộ kinh doanh Mật ong Đồng Cốc", units.xa_luc_ngan,
                                        TAX_CODES[1], legal_form=LegalForm.HOUSEHOLD, **extra),
        "other_commune": make_producer("Công ty Gốm Bắc Giang", units.phuong_bac_giang,
                                       TAX_CODES[2], legal_form=LegalForm.ENTERPRISE, **extra),
        "other_province": make_producer("HTX Trà Hoàn Kiếm", hoan_kiem, TAX_CODES[3], **extra),
    }


def products_of(producers: dict[str, Producer], product_set: ProductSet,
                prefix: str = "Sản phẩm") -> dict[str, Product]:
    """One product per producer, named "<prefix> <producer name>"."""
    return {key: make_product(p, f"{prefix} {p.name}", product_set)
            for key, p in producers.items()}


@dataclass
class World:
    units: object
    product_set: ProductSet
    producers: dict[str, Producer]
    products: dict[str, Product]
    users: dict[str, User]


@pytest.fixture
def classification(db) -> ProductSet:
    return make_vegetable_set(with_processed=True)


@pytest.fixture
def world(units, classification) -> World:
    """The producers of ``position_producers`` with a product each, and one account per role
    (the producer account is "own"'s)."""
    producers = position_producers(units)
    products = products_of(producers, classification)
    unit_of = {
        "province_office": units.bac_ninh, "commune_officer": units.xa_luc_ngan,
        "inspector": units.bac_ninh, "council_member": units.bac_ninh,
    }
    users = {}
    for role in ROLES:
        users[role] = User.objects.create_user(
            username=role, password="x-Pass-123456",  # noqa: S106 — test accounts only
            role=role, unit=unit_of.get(role),
            producer=producers["own"] if role == Role.PRODUCER else None,
        )
    return World(units, classification, producers, products, users)
