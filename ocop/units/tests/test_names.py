from datetime import date

from ocop.units import selectors
from ocop.units.models import Unit
from ocop.units.names import full_address, official_name

BEFORE_CITY = date(2025, 12, 1)  # Bắc Ninh a province (1 July 2025 – 19 September 2026)
AFTER_CITY = date(2026, 11, 30)  # a centrally-run city from 20 September 2026


def test_official_name_follows_the_type_change_of_bac_ninh(units):
    assert official_name(units.bac_ninh, on=BEFORE_CITY) == "Tỉnh Bắc Ninh"
    assert official_name(units.bac_ninh, on=date(2026, 9, 19), lowercase_type=True) == (
        "tỉnh Bắc Ninh")
    assert official_name(units.bac_ninh, on=date(2026, 9, 20)) == "Thành phố Bắc Ninh"
    assert official_name(units.bac_ninh, on=AFTER_CITY, lowercase_type=True) == (
        "thành phố Bắc Ninh")


def test_official_name_lowercases_only_the_type(units):
    assert official_name(units.ha_noi, lowercase_type=True) == "thành phố Hà Nội"
    assert official_name(units.legacy_luc_ngan, lowercase_type=True) == "huyện Lục Ngạn"
    assert official_name(units.legacy_bac_giang) == "Tỉnh Bắc Giang"
    assert official_name(units.phuong_bac_giang, lowercase_type=True) == "phường Bắc Giang"


def test_full_address_of_a_legacy_commune_names_its_successor(units, django_assert_num_queries):
    legacy = selectors.get_unit("LC07591")
    with django_assert_num_queries(0):
        assert full_address(legacy, on=BEFORE_CITY) == (
            "xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là xã Lục Ngạn, tỉnh Bắc Ninh)")
        assert full_address(legacy, on=AFTER_CITY) == (
            "xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là xã Lục Ngạn, thành phố Bắc Ninh)")
        assert full_address(legacy, legacy=False, on=BEFORE_CITY) == "xã Lục Ngạn, tỉnh Bắc Ninh"


def test_full_address_of_current_units_and_districts(units):
    current = selectors.get_unit("C07582")
    assert full_address(current, on=BEFORE_CITY) == "xã Lục Ngạn, tỉnh Bắc Ninh"
    assert full_address(current, legacy=False, on=BEFORE_CITY) == "xã Lục Ngạn, tỉnh Bắc Ninh"
    assert full_address(selectors.get_unit("P01")) == "thành phố Hà Nội"
    # A district became several communes: it lies in today's province, it is not one of them.
    assert full_address(selectors.get_unit("LD219"), on=BEFORE_CITY) == (
        "huyện Lục Ngạn, tỉnh Bắc Giang (nay thuộc tỉnh Bắc Ninh)")
    assert full_address(None) == ""


def test_full_address_never_capitalises_a_type_mid_sentence(units, django_assert_num_queries):
    qs = Unit.objects.filter(era="legacy", level="commune").select_related(
        *selectors.address_related())
    with django_assert_num_queries(1):
        addresses = [full_address(u, on=BEFORE_CITY) for u in qs]
    assert len(addresses) > 300
    for address in addresses:
        assert address.endswith(", tỉnh Bắc Ninh)"), address
        assert " (nay là " in address, address
        for part in address.replace(" (nay là ", ", ").split(", "):
            assert part.split(" ")[0].islower(), address
