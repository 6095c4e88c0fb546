"""A realistic slice of the administrative map for tests (used by the ``units`` fixture).

Loads current Bắc Ninh (P24, with its 99 communes) and Hà Nội (P01, 126 communes), and the legacy
provinces that became today's Bắc Ninh: Bắc Giang (LP24, with huyện Lục Ngạn LD219) and the old
Bắc Ninh (LP27), with their districts, communes and successions (about 560 units).
"""

from __future__ import annotations

from dataclasses import dataclass

from ocop.units.models import Unit
from ocop.units.services import load_units

CURRENT_CODES = (1, 24)
LEGACY_CODES = (24, 27)


@dataclass(frozen=True)
class TestUnits:
    """Handy units from the loaded slice; any other key can be fetched by ``Unit.objects``."""

    __test__ = False  # not a pytest test class despite its name

    ha_noi: Unit  # P01, Thành phố Hà Nội
    bac_ninh: Unit  # P24, today's Bắc Ninh (former Bắc Giang + Bắc Ninh)
    phuong_bac_giang: Unit  # C07210, Phường Bắc Giang (P24)
    xa_luc_ngan: Unit  # C07582, Xã Lục Ngạn (P24)
    legacy_bac_giang: Unit  # LP24, Tỉnh Bắc Giang
    legacy_bac_ninh: Unit  # LP27, Tỉnh Bắc Ninh (before 1 July 2025)
    legacy_luc_ngan: Unit  # LD219, Huyện Lục Ngạn
    legacy_dong_coc: Unit  # LC07591, Xã Đồng Cốc (huyện Lục Ngạn) → Xã Lục Ngạn


_KEYS = {
    "ha_noi": "P01",
    "bac_ninh": "P24",
    "phuong_bac_giang": "C07210",
    "xa_luc_ngan": "C07582",
    "legacy_bac_giang": "LP24",
    "legacy_bac_ninh": "LP27",
    "legacy_luc_ngan": "LD219",
    "legacy_dong_coc": "LC07591",
}


def load_test_units() -> TestUnits:
    load_units(current_codes=CURRENT_CODES, legacy_codes=LEGACY_CODES)
    found = Unit.objects.in_bulk(list(_KEYS.values()))
    return TestUnits(**{name: found[key] for name, key in _KEYS.items()})
