import pytest

from ocop.units import selectors
from ocop.units.models import Unit


def test_legacy_luc_ngan_commune_resolves_to_bac_ninh(units):
    legacy = Unit.objects.get(key="LC07591")  # Xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang
    assert legacy.parent == units.legacy_luc_ngan
    now = selectors.resolve(legacy)
    assert now.commune == units.xa_luc_ngan
    assert now.province == units.bac_ninh
    assert now.commune.parent == units.bac_ninh


def test_every_legacy_luc_ngan_commune_lands_in_today_bac_ninh(units):
    legacy = Unit.objects.filter(parent=units.legacy_luc_ngan).select_related("current_commune")
    assert legacy.count() == 19
    assert {u.current_commune.parent_id for u in legacy} == {"P24"}
    assert {u.current_province_id for u in legacy} == {"P24"}


def test_address_related_prefix():
    assert selectors.address_related("producer__commune") == [
        "producer__commune__parent__parent",
        "producer__commune__current_commune",
        "producer__commune__current_province",
    ]


def test_listing_selectors(units):
    assert [p.key for p in selectors.provinces()] == ["P24", "P01"]  # Bắc Ninh < Hà Nội
    communes = list(selectors.communes("P24"))
    assert len(communes) == 99
    assert all(c.is_current and c.level == "commune" for c in communes)
    assert [p.key for p in selectors.legacy_provinces()] == ["LP24", "LP27"]
    districts = list(selectors.legacy_districts("LP24"))
    assert "LD219" in {d.key for d in districts}
    assert len(selectors.legacy_communes("LD219")) == 19
    assert selectors.legacy_communes_of_province("LP27").count() > 100


@pytest.mark.parametrize("query", ["luc ngan", "Lục Ngạn", "LỤC NGẠN", "xa luc  ngan"])
def test_search_ignores_diacritics(units, query):
    assert units.xa_luc_ngan in selectors.search(query)


def test_search_legacy_era(units):
    found = selectors.search("dong coc", era=Unit.Era.LEGACY)
    assert [u.key for u in found] == ["LC07591"]
