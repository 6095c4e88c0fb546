"""The market app's JSON API (mounted by ocop/api/urls.py): public reads only; offers and gift
sets are kept through the pages."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ocop.api.errors import refusals
from ocop.api.pagination import PageOut, PageParams, paginate
from ocop.api.types import DbId
from ocop.market import links, selectors
from ocop.market.models import GiftSet, Offer

router = Router(tags=["market"])
PUBLIC_CACHE = "public, max-age=300"


class LinkOut(Schema):
    channel: str = Field(description="own_shop, voso, postmart, shopee, tiki, lazada, other")
    channel_label: str
    url: str


class OfferOut(Schema):
    id: int
    product: int
    price: int = Field(description="Giá bán, đồng")
    currency: str = "VND"
    unit: str
    package: str
    stock: str = Field(description="in_stock, out_of_stock hoặc preorder")
    stock_label: str
    available_on: date | None = None
    links: list[LinkOut]


class OffersQuery(Schema):
    product: DbId = Field(description="Mã sản phẩm")


def _offer(offer: Offer) -> dict:
    return {
        "id": offer.pk, "product": offer.product_id, "price": offer.price, "unit": offer.unit,
        "package": offer.package, "stock": offer.stock, "stock_label": offer.get_stock_display(),
        "available_on": offer.available_on,
        "links": [{"channel": li.channel, "channel_label": li.get_channel_display(),
                   "url": li.url} for li in offer.links.all()],
    }


@router.get("/offers", auth=None, response={200: list[OfferOut], **refusals(422)},
            summary="Giá bán và nơi bán của một sản phẩm OCOP (công khai)")
def offers(request: HttpRequest, response: HttpResponse, query: Query[OffersQuery]):
    """Empty for a product without a certificate valid today (or that does not exist)."""
    response["Cache-Control"] = PUBLIC_CACHE
    return [_offer(o) for o in selectors.offers_for(query.product, timezone.localdate())]


class ComponentOut(Schema):
    product: int
    name: str
    producer: str
    quantity: int


class GiftSetOut(Schema):
    id: int
    name: str
    story: str
    price: int
    currency: str = "VND"
    province: str
    url: str
    photo: str | None = None
    components: list[ComponentOut]


class GiftSetPage(PageOut):
    results: list[GiftSetOut]


def _gift_set(gift_set: GiftSet) -> dict:
    return {
        "id": gift_set.pk, "name": gift_set.name, "story": gift_set.story,
        "price": gift_set.price, "province": gift_set.province.name,
        "url": links.gift_set_url(gift_set.pk),
        "photo": links.gift_set_image_url(gift_set.pk) if gift_set.photo else None,
        "components": [{"product": i.product_id, "name": i.product.name,
                        "producer": i.product.producer.name, "quantity": i.quantity}
                       for i in gift_set.items.all()],
    }


@router.get("/gift-sets", auth=None, response={200: GiftSetPage, **refusals(422)},
            summary="Bộ quà tặng OCOP đang bán (công khai)")
def gift_sets(request: HttpRequest, response: HttpResponse, params: Query[PageParams]):
    response["Cache-Control"] = PUBLIC_CACHE
    page = paginate(selectors.listed_gift_sets(timezone.localdate()), params)
    page["results"] = [_gift_set(g) for g in page["results"]]
    return page
