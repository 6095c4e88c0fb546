"""Every read of the market app. Public reads show only what holds a certificate valid today
(``ocop.certificates.selectors``): an offer of a product that lost its certificate, or a gift
set with such a component, is still stored but not returned."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from ocop.accounts.jurisdiction import unit_q
from ocop.accounts.models import Role, User
from ocop.certificates.models import Certificate, valid_q
from ocop.certificates.selectors import public_products_q
from ocop.core.search import search
from ocop.market import links
from ocop.market.models import ChannelLink, GiftSet, GiftSetItem, Offer, StockStatus
from ocop.market.permissions import may_curate, may_sell
from ocop.registry.models import Product

_SCHEMA_AVAILABILITY = {
    StockStatus.IN_STOCK: "https://schema.org/InStock",
    StockStatus.OUT_OF_STOCK: "https://schema.org/OutOfStock",
    StockStatus.PREORDER: "https://schema.org/PreOrder",
}


def certified_products(today: date) -> QuerySet[Product]:
    return Product.objects.filter(public_products_q(today))


def _valid_certificates(today: date, product_path: str) -> QuerySet[Certificate]:
    return Certificate.objects.filter(valid_q(today), product_id=OuterRef(product_path))


def best_stars(today: date, product_path: str = "product_id") -> Subquery:
    """Best rating valid today of the product at ``product_path`` (NULL: not certified)."""
    return Subquery(_valid_certificates(today, product_path).order_by("-stars", "-valid_until")
                    .values("stars")[:1])


def best_certificate_number(today: date, product_path: str = "product_id") -> Subquery:
    return Subquery(_valid_certificates(today, product_path).order_by("-stars", "-valid_until")
                    .values("number")[:1])


# --- Offers: management ----------------------------------------------------------------------


def products_for_seller(user: User, q: str = "", *, today: date) -> QuerySet[Product]:
    """Products whose offers the user keeps (see permissions), each with ``offer_count`` and
    ``certified`` (holds a certificate valid today, so its offers are public)."""
    if not may_sell(user):
        return Product.objects.none()
    qs = Product.objects.select_related("producer")
    if user.role == Role.PRODUCER:
        qs = qs.filter(producer_id=user.producer_id)
    elif not (user.is_superuser or user.role == Role.ADMIN):
        qs = qs.filter(unit_q(user, "producer__commune"))
    qs = qs.annotate(offer_count=Count("offers"),
                     certified=Exists(_valid_certificates(today, "pk")))
    if q.strip():
        qs = search(qs, q, folded=("search_text",), codes=("gtin",))
    return qs.order_by("-certified", "name", "pk")


def product_offers(product: Product) -> QuerySet[Offer]:
    return product.offers.prefetch_related("links").order_by("price", "pk")


# --- Offers: public --------------------------------------------------------------------------


def public_offers(today: date) -> QuerySet[Offer]:
    """Offers of products holding a certificate valid today, with their links."""
    return (Offer.objects.filter(product__in=certified_products(today))
            .prefetch_related(Prefetch("links", queryset=ChannelLink.objects.order_by("pk")))
            .order_by("product_id", "price", "pk"))


def offers_for(product: Product | int, today: date | None = None) -> list[Offer]:
    """The public offers of one product: none unless it holds a certificate valid ``today``
    (default: the local date)."""
    product_id = product if isinstance(product, int) else product.pk
    return list(public_offers(today or timezone.localdate()).filter(product_id=product_id))


def schema_offers(product: Product, today: date | None = None, *,
                  offers: list[Offer] | None = None) -> list[dict[str, Any]]:
    """schema.org ``Offer`` objects for the product's JSON-LD (empty when not certified): one
    per offer, its ``url`` the first shop link, or the catalogue page when it has none.
    ``offers``: those ``offers_for`` already read, to spare the queries."""
    out = []
    for offer in offers_for(product, today) if offers is None else offers:
        first = next(iter(offer.links.all()), None)
        data: dict[str, Any] = {
            "@type": "Offer",
            "price": str(offer.price),
            "priceCurrency": "VND",
            "availability": _SCHEMA_AVAILABILITY[offer.stock],
            "itemCondition": "https://schema.org/NewCondition",
            "url": first.url if first else links.catalogue_url(product.pk),
            "seller": {"@type": "Organization", "name": product.producer.name},
            "eligibleQuantity": {"@type": "QuantitativeValue", "value": 1,
                                 "unitText": offer.unit},
        }
        if offer.package:
            data["name"] = offer.package
        if offer.stock == StockStatus.PREORDER and offer.available_on:
            data["availabilityStarts"] = offer.available_on.isoformat()
        out.append(data)
    return out


# --- Gift sets -------------------------------------------------------------------------------


def _broken(today: date) -> Exists:
    """The outer gift set has a component without a certificate valid today."""
    return Exists(GiftSetItem.objects.filter(gift_set_id=OuterRef("pk"))
                  .exclude(product__in=certified_products(today)))


def _in_season(today: date) -> Q:
    return ((Q(available_from__isnull=True) | Q(available_from__lte=today))
            & (Q(available_until__isnull=True) | Q(available_until__gte=today)))


def listed_gift_sets(today: date) -> QuerySet[GiftSet]:
    """Gift sets the public sees today: published, in season, with at least one component and
    every component holding a certificate valid today."""
    items = Prefetch("items", queryset=GiftSetItem.objects.select_related(
        "product", "product__producer").order_by("pk"))
    return (GiftSet.objects.filter(published=True).filter(_in_season(today))
            .filter(Exists(GiftSetItem.objects.filter(gift_set_id=OuterRef("pk"))))
            .exclude(_broken(today))
            .select_related("province").prefetch_related(items).order_by("name", "pk"))


def listed_gift_set(pk: int, today: date) -> GiftSet:
    found = listed_gift_sets(today).filter(pk=pk).first()
    if found is None:
        raise Http404(pk)
    return found


def gift_sets_for(user: User, *, today: date) -> QuerySet[GiftSet]:
    """The gift sets the user curates, each with ``is_broken`` (a component lost its
    certificate) for the management list."""
    if not may_curate(user):
        return GiftSet.objects.none()
    qs = GiftSet.objects.select_related("province", "curator")
    if not (user.is_superuser or user.role == Role.ADMIN):
        qs = qs.filter(province_id=user.unit_id)
    return qs.annotate(is_broken=_broken(today), item_count=Count("items")).order_by("name", "pk")


def managed_gift_set(user: User, pk: int, *, today: date) -> GiftSet:
    found = gift_sets_for(user, today=today).filter(pk=pk).first()
    if found is None:
        raise Http404(pk)
    return found


def gift_set_items(gift_set: GiftSet, today: date) -> list[GiftSetItem]:
    """Components, each with ``certified`` (holds a certificate valid today)."""
    return list(gift_set.items.select_related("product", "product__producer")
                .annotate(certified=Exists(_valid_certificates(today, "product_id")))
                .order_by("pk"))


def curatable_products(province_id: str | None, today: date) -> QuerySet[Product]:
    """Certified products a curator may put in a gift set of ``province_id`` (all provinces for
    an administrator's set without one)."""
    qs = certified_products(today).select_related("producer")
    if province_id:
        qs = qs.filter(producer__commune__current_province_id=province_id)
    return qs.order_by("name", "pk")


def gift_set_photo(user: User, pk: int, today: date) -> tuple[GiftSet, bool]:
    """(gift set, public): a listed set's photo is public; its curators see any of theirs."""
    listed = GiftSet.objects.filter(pk__in=listed_gift_sets(today).values("pk"), pk=pk).first()
    if listed is not None:
        return listed, True
    return managed_gift_set(user, pk, today=today), False
