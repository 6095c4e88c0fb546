from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.certificates.testing import certify
from ocop.registry import selectors, services
from ocop.registry.selectors import RegistryFilter
from ocop.registry.testing import make_producer, make_product


def names(qs) -> set[str]:
    return {o.name for o in qs}


def test_search_ignores_diacritics(world):
    admin = world.users["admin"]
    product = make_product(world.producers["own"], "Vải thiều Lục Ngạn sấy khô", world.product_set)
    found = selectors.product_list(admin, RegistryFilter(q="vai thieu luc ngan"))
    assert product in found
    # Also with diacritics, other case and word order.
    assert product in selectors.product_list(admin, RegistryFilter(q="LỤC NGẠN  vải"))
    assert not selectors.product_list(admin, RegistryFilter(q="vai thieu ha noi")).exists()
    producers = selectors.producer_list(admin, RegistryFilter(q="htx vai thieu"))
    assert names(producers) == {"HTX Vải thiều Lục Ngạn"}


def test_search_by_tax_code_gtin_and_commune(world):
    admin = world.users["admin"]
    services.update_product(actor=None, product=world.products["own"],
                            data={"gtin": "8934567890120"})
    assert names(selectors.product_list(admin, RegistryFilter(q="8934567890120"))) == {
        world.products["own"].name}
    assert names(selectors.producer_list(admin, RegistryFilter(q="0102100740"))) == {
        "Công ty Gốm Bắc Giang"}
    # By commune name: "phuong bac giang".
    assert "Công ty Gốm Bắc Giang" in names(
        selectors.producer_list(admin, RegistryFilter(q="phuong bac giang")))


def test_legacy_producer_found_by_todays_commune_name(world):
    legacy = make_producer("HTX Đồng Cốc", world.units.legacy_dong_coc, "0636083770")
    found = selectors.producer_list(world.users["admin"], RegistryFilter(q="xa luc ngan dong coc"))
    assert legacy in found
    # And by the commune filter on today's commune.
    by_commune = selectors.producer_list(world.users["admin"], RegistryFilter(commune="C07582"))
    assert legacy in by_commune


def test_filters(world):
    admin = world.users["admin"]
    own = world.producers["own"]
    services.update_producer(actor=None, producer=own, data={"woman_owner": True})
    services.update_product(actor=None, product=world.products["own"],
                            data={"gtin": "8934567890120"})
    assert names(selectors.producer_list(admin, RegistryFilter(province="P01"))) == {
        "HTX Trà Hoàn Kiếm"}
    assert names(selectors.producer_list(admin, RegistryFilter(woman_owner=True))) == {own.name}
    assert names(selectors.producer_list(admin, RegistryFilter(legal_form="enterprise"))) == {
        "Công ty Gốm Bắc Giang"}
    assert names(selectors.product_list(admin, RegistryFilter(has_gtin=True))) == {
        world.products["own"].name}
    assert selectors.product_list(admin, RegistryFilter(has_gtin=False)).count() == 3
    assert selectors.product_list(admin, RegistryFilter(product_group="1")).count() == 4
    assert selectors.product_list(admin, RegistryFilter(product_set="1048-07")).count() == 0
    p = world.products["other_commune"]
    certify(p, 4, issued_on=timezone.localdate())
    assert names(selectors.product_list(admin, RegistryFilter(stars=4))) == {p.name}
    # Producers having a 4-star product.
    assert names(selectors.producer_list(admin, RegistryFilter(stars=4))) == {p.producer.name}
    ordered = list(selectors.product_list(admin, RegistryFilter(ordering="stars")))
    assert ordered[0] == p


def test_filter_from_query_params_ignores_junk():
    f = RegistryFilter.from_params({"stars": "abc", "has_gtin": "maybe", "q": " vai ",
                                    "woman_owner": "1", "unknown": "x"})
    assert f.stars is None and f.has_gtin is None and f.q == "vai" and f.woman_owner is True


def test_documents_expired_annotation(world):
    producer = world.producers["own"]
    today = timezone.localdate()
    old = services.create_document(actor=None, producer=producer, data={
        "doc_type": "food_safety", "issued_on": today - timedelta(days=800),
        "expires_on": today - timedelta(days=1)})
    services.create_document(actor=None, producer=producer, data={
        "doc_type": "test_report", "issued_on": today, "expires_on": today})
    services.create_document(actor=None, producer=producer, data={"doc_type": "other"})
    docs = {d.pk: d.expired for d in selectors.document_list(world.users["admin"], producer)}
    assert docs[old.pk] is True
    assert sum(docs.values()) == 1
    assert old.is_expired


def _add_products(world, n: int) -> None:
    for i in range(n):
        producer = make_producer(f"HTX số {i}", world.units.xa_luc_ngan,
                                 _tax_codes[i])
        make_product(producer, f"Sản phẩm số {i}", world.product_set)


def _valid_tax_codes(n: int) -> list[str]:
    from ocop.registry.validators import tax_code_check_digit

    out = []
    for k in range(1, 10**6):
        nine = f"{500000000 + k:09d}"
        check = tax_code_check_digit(nine)
        if check is not None:
            out.append(nine + str(check))
        if len(out) == n:
            return out
    raise AssertionError


_tax_codes = _valid_tax_codes(40)


@pytest.mark.parametrize("path", ["registry:producer_list", "registry:product_list"])
def test_list_page_query_count_is_constant(world, client, settings, path):
    # One page holds every row, so that the 30-row page really renders 30 rows.
    settings.PAGE_SIZE = 100
    login_client(world.users["province_office"], client)
    url = reverse(path)
    _add_products(world, 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add_products_more(world, 25)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 33  # 30 new + 3 of the world in P24
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def _add_products_more(world, n: int) -> None:
    for i in range(5, 5 + n):
        producer = make_producer(f"HTX số {i}", world.units.xa_luc_ngan, _tax_codes[i])
        make_product(producer, f"Sản phẩm số {i}", world.product_set)


@pytest.mark.parametrize("path", ["/api/v1/producers", "/api/v1/products"])
def test_api_list_query_count_is_constant(world, client, path):
    login_client(world.users["admin"], client)
    _add_products(world, 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path, {"page_size": 100}).status_code == 200
    _add_products_more(world, 25)
    with CaptureQueriesContext(connection) as large:
        data = client.get(path, {"page_size": 100}).json()
    assert data["count"] >= 34
    assert len(data["results"]) == data["count"]
    assert len(large) == len(small)
