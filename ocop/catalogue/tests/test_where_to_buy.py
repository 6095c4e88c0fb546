"""The product page shows what the market and tourism apps hold of a certified product: its
offers with their shop links (and as schema.org offers), the gift sets it is in and the
destinations that sell it; all of it goes with the certificate."""

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ocop.catalogue.tests.conftest import revoke
from ocop.market import services as market
from ocop.market.models import GiftSet, GiftSetItem
from ocop.tourism.models import Destination

pytestmark = pytest.mark.django_db


def _page(product):
    return Client().get(reverse("catalogue:product", args=[product.pk]))


def _jsonld(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_offers_gift_sets_and_destinations_on_the_product_page(catalogue, units):
    market.save_offer(actor=None, product=catalogue.vai, today=catalogue.today,
                      data=market.OfferData(price=120000, unit="hộp", package="Hộp 500 g",
                                            links=[("shopee", "https://shopee.vn/vai-say")]))
    gift = GiftSet.objects.create(province=units.bac_ninh, name="Quà Lục Ngạn", price=350000,
                                  published=True)
    GiftSetItem.objects.create(gift_set=gift, product=catalogue.vai, quantity=2)
    place = Destination.objects.create(
        name="Chợ quê Đồng Cốc", commune=units.xa_luc_ngan, latitude=Decimal("21.38"),
        longitude=Decimal("106.55"), published=True)
    place.products.add(catalogue.vai)

    response = _page(catalogue.vai)
    html = response.content.decode()
    assert "120.000 đ/hộp" in html and "Hộp 500 g" in html and "Còn hàng" in html
    assert 'href="https://shopee.vn/vai-say"' in html and ">Sàn Shopee<" in html
    assert reverse("market:gift_set_detail", args=[gift.pk]) in html
    assert reverse("tourism:destination", args=[place.pk]) in html
    [offer] = _jsonld(html)["offers"]
    assert offer["price"] == "120000" and offer["priceCurrency"] == "VND"
    assert offer["url"] == "https://shopee.vn/vai-say"

    revoke(catalogue.vai_certificate, catalogue.today)
    gone = _page(catalogue.vai)
    assert gone.status_code == 404
    assert "shopee.vn" not in gone.content.decode()


def test_a_product_without_offers_shows_no_empty_heading(catalogue):
    html = _page(catalogue.mat_ong).content.decode()
    assert "Nơi mua" not in html and "Mua tại điểm du lịch" not in html
    assert "offers" not in _jsonld(html)
