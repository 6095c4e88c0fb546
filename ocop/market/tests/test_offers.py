"""Offers: the service's rules and refusals, the permission matrix, the public selectors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ocop.audit.models import AuditEntry
from ocop.certificates import services as certificates
from ocop.core.refusals import Forbidden, Invalid
from ocop.market import selectors, services
from ocop.market.models import MAX_PRICE_VND, ChannelLink, Offer, StockStatus
from ocop.market.permissions import can_curate, can_manage_offers, may_sell
from ocop.market.services import OfferData

pytestmark = pytest.mark.django_db

SHOPEE = "https://shopee.vn/vai-thieu-say-kho-i.123.456"


def _data(**extra) -> OfferData:
    base = {"price": 120000, "unit": "túi", "package": "Túi 500 g",
            "stock": StockStatus.IN_STOCK, "links": [("shopee", SHOPEE)]}
    return OfferData(**{**base, **extra})


def test_producer_saves_an_offer_with_links(market):
    product = market.products["own"]
    offer = services.save_offer(actor=market.users["producer"], product=product, data=_data(
        links=[("shopee", SHOPEE), ("own_shop", "https://vaithieuphidien.vn/mua")]))
    assert offer.price == 120000
    assert [(li.channel, li.url) for li in offer.links.all()] == [
        ("shopee", SHOPEE), ("own_shop", "https://vaithieuphidien.vn/mua")]
    assert AuditEntry.objects.filter(action="market.offer_create").count() == 1
    # Editing replaces the links.
    services.save_offer(actor=market.users["producer"], product=product, offer=offer,
                        data=_data(price=99000, links=[]))
    offer.refresh_from_db()
    assert offer.price == 99000 and not offer.links.exists()


@pytest.mark.parametrize(("extra", "field", "words"), [
    ({"price": 0}, "price", "lớn hơn 0"),
    ({"price": -5}, "price", "lớn hơn 0"),
    ({"price": MAX_PRICE_VND + 1}, "price", "tối đa"),
    ({"price": "abc"}, "price", "số đồng"),
    ({"unit": "  "}, "unit", "đơn vị tính"),
    ({"stock": "sold"}, "stock", "tình trạng hàng"),
    ({"stock": StockStatus.PREORDER}, "available_on", "cần ngày có hàng"),
    ({"links": [("shopee", "not a url")]}, "url_0", "không phải địa chỉ"),
    ({"links": [("shopee", "https://tiki.vn/vai")]}, "url_0", "shopee.vn"),
    ({"links": [("shopee", "javascript:alert(1)")]}, "url_0", "không phải địa chỉ"),
    ({"links": [("lazada", "https://user:pw@lazada.vn/x")]}, "url_0", "mật khẩu"),
    ({"links": [("other", SHOPEE.replace("shopee.vn", "x.vn")),
                ("other", SHOPEE.replace("shopee.vn", "x.vn"))]}, "url_1", "đã được nhập"),
    ({"links": [("tiki", "https://tiki.vn/a"), ("tiki", "https://tiki.vn/b")]}, "url_1",
     "đã có một liên kết"),
    ({"links": [("voso", "https://voso.vn/a")], "unit": "<b>túi</b>"}, "unit", ""),
])
def test_bad_offers_are_refused_and_nothing_is_saved(market, extra, field, words):
    with pytest.raises(Invalid) as caught:
        services.save_offer(actor=market.users["producer"], product=market.products["own"],
                            data=_data(**extra))
    assert field in caught.value.fields
    assert words.lower() in caught.value.fields[field].lower()
    assert not Offer.objects.exists() and not ChannelLink.objects.exists()


def test_preorder_dates(market):
    product, actor, today = market.products["own"], market.users["producer"], market.today
    for day, words in [(today, "sau hôm nay"), (today + timedelta(days=400), "một năm")]:
        with pytest.raises(Invalid) as caught:
            services.save_offer(actor=actor, product=product, today=today,
                                data=_data(stock=StockStatus.PREORDER, available_on=day))
        assert words in caught.value.fields["available_on"]
    with pytest.raises(Invalid) as caught:
        services.save_offer(actor=actor, product=product, today=today,
                            data=_data(available_on=today + timedelta(days=3)))
    assert "Chỉ hàng đặt trước" in caught.value.fields["available_on"]
    offer = services.save_offer(actor=actor, product=product, today=today, data=_data(
        stock=StockStatus.PREORDER, available_on=today + timedelta(days=20)))
    assert offer.available_on == today + timedelta(days=20)


# Roles × product positions: who keeps the offers of which product (docs/market.md).
MATRIX = {
    "admin": {"own", "other_producer", "other_commune", "other_province"},
    "central": set(),
    "province_office": {"own", "other_producer", "other_commune"},
    "commune_officer": {"own", "other_producer"},
    "inspector": set(),
    "council_member": set(),
    "producer": {"own"},
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_offer_permission_matrix(market, role):
    user = market.users[role]
    for position, product in market.products.items():
        allowed = position in MATRIX[role]
        assert bool(can_manage_offers(user, product)) is allowed, (role, position)
        assert user.has_perm("market.manage_offers", product) is allowed
        if allowed:
            services.save_offer(actor=user, product=product, data=_data(links=[]))
        else:
            with pytest.raises(Forbidden):
                services.save_offer(actor=user, product=product, data=_data(links=[]))
    assert may_sell(user) is bool(MATRIX[role])
    listed = set(selectors.products_for_seller(user, today=market.today)
                 .values_list("pk", flat=True))
    assert listed == {market.products[p].pk for p in MATRIX[role]}


@pytest.mark.parametrize(("role", "allowed"), [
    ("admin", True), ("central", False), ("province_office", True),
    ("commune_officer", False), ("inspector", False), ("council_member", False),
    ("producer", False)])
def test_curate_permission_matrix(market, role, allowed):
    assert bool(can_curate(market.users[role], market.units.bac_ninh)) is allowed
    # Nobody but an administrator curates another province's sets.
    assert bool(can_curate(market.users[role], market.units.ha_noi)) is (role == "admin")


def test_public_offers_follow_the_certificate(market):
    product = market.products["own"]
    services.save_offer(actor=None, product=product, data=_data())
    uncertified = market.products["other_province"]
    services.save_offer(actor=None, product=uncertified, data=_data())
    assert len(selectors.offers_for(product, market.today)) == 1
    assert selectors.offers_for(uncertified, market.today) == []
    [schema] = selectors.schema_offers(product, market.today)
    assert schema["@type"] == "Offer" and schema["priceCurrency"] == "VND"
    assert schema["price"] == "120000" and schema["url"] == SHOPEE
    assert schema["availability"] == "https://schema.org/InStock"

    certificates.revoke_certificate(actor=None, certificate=market.certificates["own"],
                                    reason="Vi phạm", decision_number="9/QĐ-TH",
                                    today=market.today)
    assert selectors.offers_for(product, market.today) == []
    assert selectors.schema_offers(product, market.today) == []
    assert Offer.objects.filter(product=product).count() == 1  # kept, only hidden
