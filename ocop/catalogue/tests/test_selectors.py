"""What the catalogue lists: only products holding a certificate valid today, filtered,
searched without diacritics, sorted and paged with a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.catalogue import selectors
from ocop.catalogue.selectors import CatalogueFilter
from ocop.catalogue.tests.conftest import revoke
from ocop.certificates.testing import certify
from ocop.core.refusals import NotFound
from ocop.registry.models import LegalForm
from ocop.registry.testing import make_product

pytestmark = pytest.mark.django_db


def names(today, f: CatalogueFilter | None = None) -> list[str]:
    return [p.name for p in selectors.catalogue_products(today, f or CatalogueFilter())]


def test_only_products_with_a_certificate_valid_today_are_listed(catalogue):
    assert names(catalogue.today) == ["Mật ong hoa vải Đồng Cốc", "Na dai Đồng Cốc",
                                      "Trà sen Hoàn Kiếm", "Vải thiều Lục Ngạn sấy khô"]


def test_a_revoked_certificate_takes_the_product_out_at_once(catalogue):
    f = CatalogueFilter()
    before = selectors.catalogue_page(catalogue.today, f, 1)
    assert catalogue.vai.name in [r["name"] for r in before["rows"]]
    revoke(catalogue.vai_certificate, catalogue.today)
    after = selectors.catalogue_page(catalogue.today, f, 1)  # cached before: the bump forgets it
    assert catalogue.vai.name not in [r["name"] for r in after["rows"]]
    with pytest.raises(NotFound) as refused:
        selectors.product_detail(catalogue.today, catalogue.vai.pk)
    assert "đã hết hiệu lực hoặc đã bị thu hồi" in refused.value.message
    assert refused.value.fields["verify_url"].endswith(catalogue.vai_certificate.number)


def test_an_expiry_takes_the_product_out_on_its_day_without_any_write(catalogue):
    last_day = catalogue.vai_certificate.valid_until
    assert catalogue.vai.name in names(last_day)
    assert catalogue.vai.name not in names(last_day + timedelta(days=1))


@pytest.mark.parametrize(("query", "expected"), [
    ("vai thieu", ["Vải thiều Lục Ngạn sấy khô"]),
    ("VẢI THIỀU", ["Vải thiều Lục Ngạn sấy khô"]),
    ("vai", ["Mật ong hoa vải Đồng Cốc", "Vải thiều Lục Ngạn sấy khô"]),
    ("luc ngan say", ["Vải thiều Lục Ngạn sấy khô"]),
    ("vai thieu dong lon", []),  # never certified
])
def test_search_without_diacritics(catalogue, query, expected):
    assert names(catalogue.today, CatalogueFilter.clean(q=query)) == expected


def test_search_finds_by_producer_name(catalogue):
    assert names(catalogue.today, CatalogueFilter.clean(q="hoan kiem")) == ["Trà sen Hoàn Kiếm"]


@pytest.mark.parametrize("sort", ["stars", "name", "newest"])
def test_products_named_by_the_query_come_before_those_matched_by_their_producer(
        catalogue, classification, sort):
    # A five-star honey of "HTX Vải thiều Lục Ngạn": found by "vai thieu" through its producer,
    # listed after the litchi itself whatever the sort (the sort orders each part).
    honey = make_product(catalogue.producers["own"], "Mật ong rừng", classification)
    certify(honey, 5, issued_on=catalogue.today, today=catalogue.today)
    found = names(catalogue.today, CatalogueFilter.clean(q="vai thieu", sort=sort))
    assert found == ["Vải thiều Lục Ngạn sấy khô", "Mật ong rừng"]
    # "vai" is in both names of the honey of hoa vải: both come first, in the chosen sort.
    found = names(catalogue.today, CatalogueFilter.clean(q="vai", sort=sort))
    assert set(found[:2]) == {"Mật ong hoa vải Đồng Cốc", "Vải thiều Lục Ngạn sấy khô"}
    assert found[2:] == ["Mật ong rừng"]


def test_filters(catalogue, units):
    today = catalogue.today
    assert names(today, CatalogueFilter.clean(stars=5)) == ["Trà sen Hoàn Kiếm"]
    assert names(today, CatalogueFilter.clean(stars="4")) == ["Vải thiều Lục Ngạn sấy khô"]
    assert names(today, CatalogueFilter.clean(province="P01")) == ["Trà sen Hoàn Kiếm"]
    assert "Trà sen Hoàn Kiếm" not in names(today, CatalogueFilter.clean(province="P24"))
    assert names(today, CatalogueFilter.clean(legal_form=LegalForm.HOUSEHOLD)) == [
        "Mật ong hoa vải Đồng Cốc"]
    assert names(today, CatalogueFilter.clean(group="1")) == names(today)
    assert names(today, CatalogueFilter.clean(group="2")) == []
    assert names(today, CatalogueFilter.clean(product_set="1048-07")) == []


def test_commune_filter_includes_records_made_before_the_merger(catalogue):
    # "Na dai" is registered at legacy Xã Đồng Cốc, which became Xã Lục Ngạn (C07582).
    in_commune = names(catalogue.today, CatalogueFilter.clean(commune="C07582"))
    assert in_commune == ["Mật ong hoa vải Đồng Cốc", "Na dai Đồng Cốc",
                          "Vải thiều Lục Ngạn sấy khô"]
    assert names(catalogue.today, CatalogueFilter.clean(district="LD219")) == ["Na dai Đồng Cốc"]
    assert names(catalogue.today, CatalogueFilter.clean(commune="LC07591")) == ["Na dai Đồng Cốc"]


def test_unknown_filter_values_are_dropped_not_errors():
    f = CatalogueFilter.clean(stars="nhiều", legal_form="xyz", sort="price")
    assert (f.stars, f.legal_form, f.sort) == (None, "", "name")
    assert CatalogueFilter.clean(stars=2).stars is None  # 2★ is no OCOP rating


def test_sort_orders(catalogue):
    by_stars = names(catalogue.today, CatalogueFilter.clean(sort="stars"))
    assert by_stars[0] == "Trà sen Hoàn Kiếm" and by_stars[1] == "Vải thiều Lục Ngạn sấy khô"
    newest = names(catalogue.today, CatalogueFilter.clean(sort="newest"))
    assert newest[-1] == "Trà sen Hoàn Kiếm"  # certified 20 days before the others


def test_filter_choices_offer_only_what_certified_products_have(catalogue):
    choices = selectors.filter_choices(catalogue.today, "P24")
    assert {key for key, _n in choices["provinces"]} == {"P24", "P01"}
    assert [key for key, _n in choices["communes"]] == ["C07582"]
    assert [key for key, _n in choices["districts"]] == ["LD219"]
    assert {code for code, _n in choices["product_sets"]} == {"1048-01"}


def test_pages_and_query_count_do_not_grow_with_the_data(catalogue, classification):
    f = CatalogueFilter()

    def measure() -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            selectors.catalogue_page(catalogue.today, f, 1, page_size=2)
        return len(ctx.captured_queries)

    small = measure()
    for i in range(6):
        product = make_product(catalogue.producers["own"], f"Sản phẩm thêm {i}", classification)
        certify(product, 3, issued_on=catalogue.today, today=catalogue.today)
    assert measure() == small
    page = selectors.catalogue_page(catalogue.today, f, 3, page_size=2)
    assert (page["count"], page["num_pages"], page["page"], len(page["rows"])) == (10, 5, 3, 2)
    assert selectors.catalogue_page(catalogue.today, f, 99, page_size=2)["page"] == 5


def test_product_detail_shows_certificate_zones_and_lots(catalogue):
    data = selectors.product_detail(catalogue.today, catalogue.vai.pk)
    assert data["certificate"]["status"] == "valid"
    assert data["certificate"]["stars"] == 4
    assert data["certificate"]["verify_url"] == f"/verify/{catalogue.vai_certificate.number}"
    assert [z["code"] for z in data["zones"]] == [catalogue.zone.code]
    assert data["zones"][0]["svg_path"].startswith("M")
    assert [lot["code"] for lot in data["lots"]] == ["L2025-01"]


def test_never_certified_and_unknown_products_are_plainly_not_found(catalogue):
    for pk in (catalogue.never.pk, 999_999):
        with pytest.raises(NotFound) as refused:
            selectors.product_detail(catalogue.today, pk)
        assert refused.value.fields["verify_url"] == ""
        assert catalogue.never.name not in refused.value.message


def test_producer_page_only_while_a_product_is_certified(catalogue):
    data = selectors.producer_detail(catalogue.today, catalogue.producers["own"].pk)
    assert [p["name"] for p in data["products"]] == ["Vải thiều Lục Ngạn sấy khô"]
    with pytest.raises(NotFound):  # its only product lapsed
        selectors.producer_detail(catalogue.today, catalogue.producers["other_commune"].pk)


def test_sitemap_ids_are_the_certified_products_and_their_producers(catalogue):
    ids = selectors.sitemap_ids(catalogue.today)
    assert set(ids["products"]) == {catalogue.vai.pk, catalogue.mat_ong.pk, catalogue.tra.pk,
                                    catalogue.legacy.pk}
    assert catalogue.producers["other_commune"].pk not in ids["producers"]


def test_demo_catalogue_gives_every_certified_product_a_story(catalogue):
    from ocop.catalogue.demo import build_demo_catalogue

    first = build_demo_catalogue()
    assert first.products == 4 and first.with_story == 4 and first.with_zone == 1
    catalogue.mat_ong.refresh_from_db()
    assert catalogue.mat_ong.description.startswith("Sản phẩm OCOP của Hộ kinh doanh Mật ong")
    assert build_demo_catalogue() == first  # idempotent
    catalogue.never.refresh_from_db()
    assert catalogue.never.description == ""  # not in the catalogue: left alone
