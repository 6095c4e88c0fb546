"""The public pages and the API, as an anonymous visitor and as every role: no login, only
public fields, publicly cacheable answers without cookies for anonymous visitors."""

from __future__ import annotations

import json
from datetime import date
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user
from ocop.catalogue.tests.conftest import revoke

pytestmark = pytest.mark.django_db


def public_urls(catalogue) -> list[str]:
    return [reverse("catalogue:list"), reverse("catalogue:list") + "?q=vai+thieu&sao=4",
            reverse("catalogue:product", args=[catalogue.vai.pk]),
            reverse("catalogue:producer", args=[catalogue.vai.producer_id]),
            reverse("catalogue:map"), reverse("catalogue:agency")]


def test_anonymous_pages_are_public_cacheable_and_set_no_cookie(catalogue):
    client = Client()
    for url in public_urls(catalogue):
        for attempt in ("fresh", "from the page cache"):
            response = client.get(url)
            assert response.status_code == 200, (url, attempt)
            assert response["Cache-Control"] == "public, max-age=60", (url, attempt)
            assert not response.cookies, (url, attempt)
            html = response.content.decode()
            assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
            assert reverse("catalogue:agency") in html  # the footer names the agency


def test_the_page_is_the_same_for_every_anonymous_visitor(catalogue):
    url = reverse("catalogue:product", args=[catalogue.vai.pk])
    first, second = Client().get(url).content, Client().get(url).content
    assert first == second


def test_every_role_sees_the_catalogue_on_a_private_page(catalogue, units):
    """The matrix roles × pages: every page open to everyone; a signed-in person's page carries
    their own header (name, CSRF token), so it is never marked public."""
    unit_of = {Role.PROVINCE_OFFICE: units.bac_ninh, Role.COMMUNE_OFFICER: units.xa_luc_ngan,
               Role.INSPECTOR: units.bac_ninh, Role.COUNCIL_MEMBER: units.bac_ninh}
    for role in Role:
        user = make_user(role, unit=unit_of.get(role),
                         producer=catalogue.producers["own"] if role == Role.PRODUCER else None)
        client = login_client(user)
        for url in public_urls(catalogue):
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            assert "private" in response["Cache-Control"], (role, url)
            assert "public" not in response["Cache-Control"], (role, url)
            assert "csrfmiddlewaretoken" in response.content.decode(), (role, url)


def test_list_page_searches_and_filters(catalogue):
    html = Client().get(reverse("catalogue:list"), {"q": "vai thieu"}).content.decode()
    assert "Vải thiều Lục Ngạn sấy khô" in html and "Trà sen" not in html
    assert "Vải thiều tươi Lục Ngạn" not in html  # revoked
    html = Client().get(reverse("catalogue:list"), {"tinh": "P24", "huyen": "LD219"}) \
        .content.decode()
    assert "Na dai Đồng Cốc" in html and "Mật ong" not in html
    assert "Huyện Lục Ngạn" in html  # the legacy district is offered for the province


def test_revocation_shows_at_once_on_the_cached_pages(catalogue):
    client = Client()
    product_url = reverse("catalogue:product", args=[catalogue.vai.pk])
    assert "Vải thiều Lục Ngạn sấy khô" in client.get(reverse("catalogue:list")).content.decode()
    assert client.get(product_url).status_code == 200
    revoke(catalogue.vai_certificate, catalogue.today)
    assert "Vải thiều Lục Ngạn sấy khô" not in client.get(
        reverse("catalogue:list")).content.decode()
    gone = client.get(product_url)
    assert gone.status_code == 404
    html = gone.content.decode()
    assert "không còn trong danh mục sản phẩm OCOP" in html
    assert f'href="/verify/{catalogue.vai_certificate.number}"' in html
    verify = client.get(f"/verify/{catalogue.vai_certificate.number}").content.decode()
    assert "Vi phạm an toàn thực phẩm" in verify  # the reason is on the verify page


def test_product_page_shows_certificate_story_zone_map_and_share_links(catalogue):
    html = Client().get(reverse("catalogue:product", args=[catalogue.vai.pk])).content.decode()
    assert "Còn hiệu lực" in html
    assert catalogue.vai_certificate.number in html
    assert f'href="/verify/{catalogue.vai_certificate.number}"' in html
    assert "sấy bằng lò than hoa" in html
    assert 'class="zone-map"' in html and catalogue.zone.code in html
    assert "L2025-01" in html  # traceability: the product's lots
    assert "https://www.facebook.com/sharer/sharer.php?u=" in html
    assert "zalo" in html and 'class="copy-link"' in html


def test_places_are_written_as_in_a_sentence(catalogue):
    """Decree 30 style: only the line's first word is capitalised ("Xã Lục Ngạn, thành phố
    Bắc Ninh — đăng ký tại xã Đồng Cốc")."""
    html = Client().get(reverse("catalogue:product", args=[catalogue.legacy.pk])).content.decode()
    assert "Xã Lục Ngạn, thành phố Bắc Ninh — đăng ký tại xã Đồng Cốc" in html
    listing = Client().get(reverse("catalogue:list")).content.decode()
    assert "Xã Lục Ngạn, thành phố Bắc Ninh" in listing
    assert ", Thành phố Bắc Ninh" not in listing + html


def test_producer_page_publishes_no_personal_data(catalogue):
    producer = catalogue.producers["own"]
    producer.phone, producer.email = "0912345678", "nguoi.dai.dien@example.org"
    producer.street_address = "Thôn Kép"
    producer.save()
    html = Client().get(reverse("catalogue:producer", args=[producer.pk])).content.decode()
    assert producer.name in html and "Hợp tác xã" in html and "Xã Lục Ngạn" in html
    for private in ("0912345678", "nguoi.dai.dien@example.org", producer.tax_code,
                    producer.representative_name, "Thôn Kép"):
        assert private not in html
    assert "https://htx.example.org" in html  # a website is published by its owner
    assert "Chủ thể chưa chọn công khai số điện thoại" in html


def test_phone_and_email_are_published_only_when_the_producer_chose_to(catalogue):
    producer = catalogue.producers["own"]
    producer.phone, producer.email = "0912 345 678", "htx@example.org"
    producer.publish_contact = True
    producer.save()
    client = Client()
    page = client.get(reverse("catalogue:producer", args=[producer.pk])).content.decode()
    assert 'href="tel:0912345678"' in page and 'href="mailto:htx@example.org"' in page
    assert "Chủ thể chưa chọn công khai" not in page
    organization = _jsonld(page)
    assert organization["telephone"] == "0912 345 678"
    assert organization["email"] == "htx@example.org"
    product = client.get(reverse("catalogue:product", args=[catalogue.vai.pk])).content.decode()
    assert 'href="tel:0912345678"' in product
    for private in (producer.tax_code, producer.representative_name):
        assert private not in page and private not in product
    # Unticked again: gone at once (the save replaced the cached pages' generation).
    producer.publish_contact = False
    producer.save()
    page = client.get(reverse("catalogue:producer", args=[producer.pk])).content.decode()
    assert "0912 345 678" not in page and "htx@example.org" not in page
    assert "telephone" not in _jsonld(page)


def test_uncertified_producer_and_product_pages_are_404_with_a_clear_message(catalogue):
    response = Client().get(reverse("catalogue:producer",
                                    args=[catalogue.producers["other_commune"].pk]))
    assert response.status_code == 404
    assert "không có sản phẩm nào đang có giấy chứng nhận" in response.content.decode()
    response = Client().get(reverse("catalogue:product", args=[catalogue.never.pk]))
    assert response.status_code == 404
    assert catalogue.never.name not in response.content.decode()


def test_language_switch_is_a_plain_link_to_a_local_page(catalogue):
    html = Client().get(reverse("catalogue:list")).content.decode()
    assert 'href="/ngon-ngu/en/?next=/san-pham-ocop/"' in html
    response = Client().get("/ngon-ngu/en/", {"next": "/san-pham-ocop/"})
    assert response.status_code == 302 and response["Location"] == "/san-pham-ocop/"
    assert response.cookies["django_language"].value == "en"
    evil = Client().get("/ngon-ngu/en/", {"next": "https://evil.example.org/"})
    assert evil["Location"] == reverse("catalogue:list")
    client = Client()
    client.cookies["django_language"] = "en"
    assert "OCOP products" in client.get(reverse("catalogue:list")).content.decode()


def test_agency_page_and_footer(catalogue, settings):
    settings.OCOP_AGENCY_NAME = "Văn phòng Điều phối nông thôn mới tỉnh Bắc Ninh"
    settings.OCOP_AGENCY_PHONE = "0204 1234 567"
    settings.OCOP_AGENCY_EMAIL = "vpdp@bacninh.example.org"
    html = Client().get(reverse("catalogue:agency")).content.decode()
    assert "Văn phòng Điều phối nông thôn mới tỉnh Bắc Ninh" in html
    assert "0204 1234 567" in html and "vpdp@bacninh.example.org" in html
    assert "minh hoạ" not in html
    home = Client().get("/").content.decode()
    assert reverse("catalogue:agency") in home


def test_the_example_agency_is_named_as_the_example_province_is_called(units, settings):
    """Without OCOP_AGENCY_*, the demo's example office: Bắc Ninh has been a city since
    20/09/2026, so the example no longer says "tỉnh" (it did before that day)."""
    settings.OCOP_AGENCY_NAME = settings.OCOP_AGENCY_ADDRESS = ""
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 12, 1)):
        html = Client().get(reverse("catalogue:agency")).content.decode()
    assert ("Văn phòng Điều phối Chương trình xây dựng nông thôn mới thành phố Bắc Ninh "
            "(cơ quan thường trực Chương trình OCOP)") in html
    assert "Phường Kinh Bắc, thành phố Bắc Ninh" in html and "minh hoạ" in html
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 9, 19)):
        html = Client().get(reverse("catalogue:agency")).content.decode()
    assert "nông thôn mới tỉnh Bắc Ninh" in html and "Phường Kinh Bắc, tỉnh Bắc Ninh" in html


def test_home_page_leads_visitors_to_the_catalogue_and_certificate_checking(db):
    html = Client().get("/").content.decode()
    assert f'href="{reverse("catalogue:list")}"' in html
    assert f'href="{reverse("certificates:verify_lookup")}"' in html


def test_sitemap_lists_catalogue_and_producer_pages(catalogue, settings):
    settings.SITE_URL = "https://ocop.example.org"
    index = Client().get("/sitemap.xml")
    assert index["Content-Type"].startswith("application/xml")
    assert "https://ocop.example.org/sitemap-san-pham-1.xml" in index.content.decode()
    assert "https://ocop.example.org/sitemap-chu-the-1.xml" in index.content.decode()
    products = Client().get("/sitemap-san-pham-1.xml").content.decode()
    assert f"https://ocop.example.org/san-pham-ocop/{catalogue.vai.pk}/" in products
    assert f"/san-pham-ocop/{catalogue.expired.pk}/" not in products
    assert "https://ocop.example.org/san-pham-ocop/" in products
    producers = Client().get("/sitemap-chu-the-1.xml").content.decode()
    assert f"/san-pham-ocop/chu-the/{catalogue.producers['own'].pk}/" in producers
    assert f"/chu-the/{catalogue.producers['other_commune'].pk}/" not in producers
    assert Client().get("/sitemap-khac-1.xml").status_code == 404
    assert Client().get("/sitemap-san-pham-9.xml").status_code == 404


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_certified_products_without_login(catalogue):
    response = Client().get("/api/v1/catalogue/products", {"q": "vai thieu"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    body = response.json()
    assert body["count"] == 1 and body["page"] == 1
    row = body["results"][0]
    assert row["name"] == "Vải thiều Lục Ngạn sấy khô" and row["stars"] == 4
    assert set(row["producer"]) == {"id", "name", "legal_form", "legal_form_label", "url"}
    assert "tax_code" not in response.content.decode()
    every = Client().get("/api/v1/catalogue/products").json()
    assert every["count"] == 4
    assert Client().get("/api/v1/catalogue/products", {"district": "LD219"}).json()["count"] == 1
    assert Client().get("/api/v1/catalogue/products",
                        {"sort": "stars"}).json()["results"][0]["stars"] == 5
    past = Client().get("/api/v1/catalogue/products", {"page": 9}).json()
    assert past["results"] == [] and past["count"] == 4


def test_api_refuses_nonsense_filters_with_422(db):
    for params in ({"stars": 2}, {"sort": "price"}, {"page_size": 10_000}):
        assert Client().get("/api/v1/catalogue/products", params).status_code == 422


def test_api_product_detail_and_404(catalogue):
    body = Client().get(f"/api/v1/catalogue/products/{catalogue.vai.pk}").json()
    assert body["certificate"]["status"] == "valid"
    assert body["certificate"]["verify_url"].endswith(catalogue.vai_certificate.number)
    assert body["zones"][0]["code"] == catalogue.zone.code
    response = Client().get(f"/api/v1/catalogue/products/{catalogue.revoked.pk}")
    assert response.status_code == 404
    assert "thu hồi" in response.json()["message"]


def _jsonld(html: str) -> dict:
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    return json.loads(html[start:html.index("</script>", start)])
