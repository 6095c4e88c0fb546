"""The pages and the API over HTTP: who reaches which management page, a producer keeps an
offer through the form, refusals shown in Vietnamese, public gift-set pages and the API."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ocop.accounts.testing import login_client
from ocop.certificates import services as certificates
from ocop.market import services
from ocop.market.models import GiftSet, Offer
from ocop.market.services import GiftSetData, OfferData
from ocop.market.tests.test_gift_sets import png

pytestmark = pytest.mark.django_db

# role → (status of /ban-hang/, of /ban-hang/qua-tang/, of own's offers page)
PAGES = {
    "admin": (200, 200, 200),
    "central": (403, 403, 403),
    "province_office": (200, 200, 200),
    "commune_officer": (200, 403, 200),
    "inspector": (403, 403, 403),
    "council_member": (403, 403, 403),
    "producer": (200, 403, 200),
}


@pytest.mark.parametrize("role", list(PAGES))
def test_page_matrix(market, role):
    client = login_client(market.users[role])
    own = market.products["own"].pk
    paths = ("/ban-hang/", "/ban-hang/qua-tang/", f"/ban-hang/san-pham/{own}/")
    got = tuple(client.get(p).status_code for p in paths)
    assert got == PAGES[role]
    # Another province's product is out of every role's reach but the administrator's.
    other = client.get(f"/ban-hang/san-pham/{market.products['other_province'].pk}/them/")
    assert other.status_code == (200 if role == "admin" else 403 if got[0] == 403 else 404)


def test_anonymous_is_sent_to_login(market):
    response = Client().get("/ban-hang/")
    assert response.status_code == 302 and "next=/ban-hang/" in response["Location"]


def test_producer_adds_an_offer_through_the_form(market):
    client = login_client(market.users["producer"])
    own = market.products["own"]
    response = client.post(f"/ban-hang/san-pham/{own.pk}/them/", {
        "price": "120.000 đ", "unit": "túi", "package": "Túi 500 g", "stock": "in_stock",
        "channel_0": "shopee", "url_0": "https://shopee.vn/vai-say",
        "channel_1": "own_shop", "url_1": ""})
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.price == 120000 and offer.links.get().channel == "shopee"
    page = client.get(f"/ban-hang/san-pham/{own.pk}/").content.decode()
    assert "Sàn Shopee" in page and "120.000 đ/túi" in page


def test_bad_form_input_is_named_and_nothing_saved(market):
    client = login_client(market.users["producer"])
    own = market.products["own"]
    response = client.post(f"/ban-hang/san-pham/{own.pk}/them/", {
        "price": "mười nghìn", "unit": "túi", "stock": "in_stock"})
    assert response.status_code == 200
    assert "Hãy nhập giá bằng số đồng" in response.content.decode()
    response = client.post(f"/ban-hang/san-pham/{own.pk}/them/", {
        "price": "0", "unit": "túi", "stock": "in_stock",
        "channel_0": "tiki", "url_0": "https://shopee.vn/x"})
    text = response.content.decode()
    assert "Giá bán phải lớn hơn 0 đồng." in text and "tiki.vn" in text
    assert not Offer.objects.exists()


def test_offer_edit_and_remove(market):
    own = market.products["own"]
    offer = services.save_offer(actor=None, product=own, data=OfferData(price=1000, unit="hộp"))
    client = login_client(market.users["commune_officer"])
    assert client.get(f"/ban-hang/gia-ban/{offer.pk}/sua/").status_code == 200
    response = client.post(f"/ban-hang/gia-ban/{offer.pk}/sua/", {
        "price": "2000", "unit": "hộp", "stock": "out_of_stock"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.price == 2000 and offer.stock == "out_of_stock"
    assert login_client(market.users["producer"]).post(
        f"/ban-hang/gia-ban/{offer.pk}/xoa/").status_code == 302
    assert not Offer.objects.exists()


def test_curator_creates_a_gift_set_through_the_form(market, settings):
    client = login_client(market.users["province_office"])
    assert "Tạo bộ quà" in client.get("/ban-hang/qua-tang/them/").content.decode()
    response = client.post("/ban-hang/qua-tang/them/", {
        "name": "Quà Bắc Giang", "story": "Đặc sản.", "price": "650.000", "published": "on",
        "product_0": market.products["own"].pk, "quantity_0": "2",
        "product_1": market.products["other_commune"].pk, "quantity_1": "1",
        "photo": png()})
    assert response.status_code == 302, response.content.decode()[:2000]
    gift_set = GiftSet.objects.get()
    assert gift_set.items.count() == 2 and gift_set.photo
    public = Client()
    assert "Quà Bắc Giang" in public.get("/qua-tang/").content.decode()
    detail = public.get(f"/qua-tang/{gift_set.pk}/").content.decode()
    assert market.products["own"].name in detail
    photo = public.get(f"/qua-tang/{gift_set.pk}/anh")
    assert photo.status_code == 200
    # A not-an-image photo is refused with a message, nothing else changes.
    response = client.post(f"/ban-hang/qua-tang/{gift_set.pk}/sua/", {
        "name": "Đổi tên", "price": "1", "product_0": market.products["own"].pk,
        "quantity_0": "1", "photo": SimpleUploadedFile("a.jpg", b"MZ not an image")})
    assert response.status_code == 200
    assert "không được chấp nhận" in response.content.decode()
    gift_set.refresh_from_db()
    assert gift_set.name == "Quà Bắc Giang" and gift_set.items.count() == 2

    certificates.revoke_certificate(actor=None, certificate=market.certificates["other_commune"],
                                    reason="Vi phạm", decision_number="7/QĐ-TH",
                                    today=market.today)
    assert public.get(f"/qua-tang/{gift_set.pk}/").status_code == 404
    assert public.get(f"/qua-tang/{gift_set.pk}/anh").status_code == 404
    assert "Quà Bắc Giang" not in public.get("/qua-tang/").content.decode()
    manage = client.get("/ban-hang/qua-tang/").content.decode()
    assert "Đã ẩn: có sản phẩm mất giấy chứng nhận" in manage


def test_api_offers_and_gift_sets(market):
    own = market.products["own"]
    services.save_offer(actor=None, product=own, data=OfferData(
        price=120000, unit="túi", links=[("tiki", "https://tiki.vn/vai")]))
    services.save_offer(actor=None, product=market.products["other_province"],
                        data=OfferData(price=5000, unit="gói"))
    services.save_gift_set(actor=market.users["province_office"],
                           province=market.units.bac_ninh, today=market.today,
                           data=GiftSetData(name="Quà", price=10000, published=True,
                                            items=[(own, 1)]))
    client = Client()
    response = client.get(f"/api/v1/market/offers?product={own.pk}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    [offer] = response.json()
    assert offer["price"] == 120000 and offer["currency"] == "VND"
    assert offer["links"] == [{"channel": "tiki", "channel_label": "Sàn Tiki",
                               "url": "https://tiki.vn/vai"}]
    uncertified = client.get(
        f"/api/v1/market/offers?product={market.products['other_province'].pk}")
    assert uncertified.json() == []
    assert client.get("/api/v1/market/offers?product=abc").status_code == 422
    assert client.get(f"/api/v1/market/offers?product={10**40}").status_code == 422
    page = client.get("/api/v1/market/gift-sets").json()
    assert page["count"] == 1 and page["results"][0]["components"][0]["product"] == own.pk
    certificates.revoke_certificate(actor=None, certificate=market.certificates["own"],
                                    reason="Vi phạm", decision_number="8/QĐ-TH",
                                    today=market.today)
    assert client.get(f"/api/v1/market/offers?product={own.pk}").json() == []
    assert client.get("/api/v1/market/gift-sets").json()["count"] == 0


def test_menu_and_producer_page_lead_to_the_offers(market):
    client = login_client(market.users["producer"])
    home = client.get("/ban-hang/").content.decode()
    assert "Kênh bán hàng" in home
    producer = market.products["own"].producer
    page = client.get(f"/chu-the/{producer.pk}/").content.decode()
    assert f"/ban-hang/?chu-the={producer.pk}" in page


def test_gift_set_refusal_sits_beside_its_row(market):
    client = login_client(market.users["province_office"])
    own = market.products["own"].pk
    response = client.post("/ban-hang/qua-tang/them/", {
        "name": "Quà", "price": "100000", "product_2": own, "quantity_2": "1",
        "product_4": own, "quantity_4": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "đã có trong bộ quà" in errors["product_4"][0]
    assert "product_1" not in errors
    assert not GiftSet.objects.exists()


def test_feeds_answer_head_requests(market):
    assert Client().head("/nguon-du-lieu/google.xml").status_code == 200


def test_administrator_chooses_the_province_of_a_new_set(market):
    client = login_client(market.users["admin"])
    assert 'name="tinh"' in client.get("/ban-hang/qua-tang/").content.decode()
    response = client.post("/ban-hang/qua-tang/them/?tinh=P24", {
        "name": "Quà", "price": "100000", "product_0": market.products["own"].pk,
        "quantity_0": "1"})
    assert response.status_code == 302
    assert GiftSet.objects.get().province == market.units.bac_ninh


def test_gift_set_page_sends_the_rows_in_use_and_one_more(market):
    """Each row's select lists the province's certified products: the page sends three rows to a
    new set, the set's rows and one more to an edit, and a row added in the page (name
    product_5) is still taken."""
    client = login_client(market.users["province_office"])
    page = client.get("/ban-hang/qua-tang/them/").content.decode()
    assert re.findall(r'name="product_(\d)"', page) == ["0", "1", "2"]
    assert 'data-rows-max="6"' in page and "Thêm sản phẩm" in page
    own, other, third = (market.products[k] for k in ("own", "other_producer", "other_commune"))
    response = client.post("/ban-hang/qua-tang/them/", {
        "name": "Quà ba món", "price": "300.000", "product_0": own.pk, "quantity_0": "1",
        "product_2": other.pk, "quantity_2": "1", "product_5": third.pk, "quantity_5": "3"})
    assert response.status_code == 302, response.content.decode()[:2000]
    gift_set = GiftSet.objects.get()
    assert [(i.product_id, i.quantity) for i in gift_set.items.order_by("pk")] == [
        (own.pk, 1), (other.pk, 1), (third.pk, 3)]
    page = client.get(f"/ban-hang/qua-tang/{gift_set.pk}/sua/").content.decode()
    assert re.findall(r'name="product_(\d)"', page) == ["0", "1", "2", "3"]
    # A refused save shows every row that was typed, the last one included.
    page = client.post(f"/ban-hang/qua-tang/{gift_set.pk}/sua/", {
        "name": "Quà ba món", "price": "300.000", "product_0": own.pk,
        "product_4": own.pk}).content.decode()
    assert re.findall(r'name="product_(\d)"', page) == ["0", "1", "2", "3", "4", "5"]
    assert "đã có trong bộ quà." in page
    assert gift_set.items.count() == 3
