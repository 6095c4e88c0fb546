"""The feeds shops and marketplaces pull: Google Merchant RSS 2.0 and the Shopify and
WooCommerce product CSVs.

One stream of ``FeedItem`` (every public offer of a product holding a certificate valid today,
then every listed gift set) feeds every format. The two CSVs come from ONE table, ``COLUMNS``:
each row names the Shopify and the WooCommerce header and the function giving the value, so a
field is mapped once. Everything is generated lazily, a thousand rows at a time from the
database, so a national feed (17,000 products) streams in constant memory.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from xml.sax.saxutils import escape

from django.db.models import F, Prefetch

from ocop.market import links
from ocop.market.models import GiftSetItem, Offer, StockStatus
from ocop.market.selectors import (
    best_certificate_number,
    best_stars,
    certified_products,
    listed_gift_sets,
)

CHUNK = 1000
G_NS = "http://base.google.com/ns/1.0"
BUNDLE_LABEL = "Bộ quà tặng OCOP"
OCOP_TAG = "OCOP"

Dialect = Literal["shopify", "woocommerce"]


@dataclass(frozen=True)
class Detail:
    section: str
    name: str
    value: str


@dataclass(frozen=True)
class FeedItem:
    id: str  # stable and unique across products and gift sets: the SKU everywhere
    title: str
    description: str
    link: str
    image_link: str  # "" when there is no photo
    price: int  # đồng
    availability: str  # a StockStatus value
    brand: str
    category: str
    gtin: str = ""
    is_bundle: bool = False
    available_on: date | None = None
    details: tuple[Detail, ...] = field(default_factory=tuple)

    @property
    def handle(self) -> str:
        return self.id.lower()


def _clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _offer_items(today: date) -> Iterator[FeedItem]:
    offers = (
        Offer.objects.filter(product__in=certified_products(today))
        .annotate(stars=best_stars(today), certificate=best_certificate_number(today),
                  product_name=F("product__name"), description=F("product__description"),
                  gtin=F("product__gtin"), image=F("product__image"),
                  brand=F("product__producer__name"),
                  category=F("product__product_set__name_vi"))
        .order_by("product_id", "price", "pk")
        .values("pk", "product_id", "price", "unit", "package", "stock", "available_on",
                "stars", "certificate", "product_name", "description", "gtin", "image",
                "brand", "category")
    )
    for row in offers.iterator(chunk_size=CHUNK):
        title = row["product_name"] + (f" — {row['package']}" if row["package"] else "")
        details = [Detail("OCOP", "Hạng OCOP", f"{row['stars']} sao")]
        if row["certificate"]:
            details.append(Detail("OCOP", "Giấy chứng nhận OCOP", row["certificate"]))
        details.append(Detail("Bán hàng", "Đơn vị tính", row["unit"]))
        yield FeedItem(
            id=f"OCOP-SP{row['product_id']}-{row['pk']}",
            title=_clip(title, 150),
            description=_clip(row["description"] or row["product_name"], 5000),
            link=links.product_link(row["product_id"], row["gtin"]),
            image_link=links.product_image_url(row["product_id"]) if row["image"] else "",
            price=row["price"], availability=row["stock"], brand=row["brand"],
            category=row["category"] or "", gtin=row["gtin"] or "",
            available_on=row["available_on"], details=tuple(details),
        )


def _gift_set_items(today: date) -> Iterator[FeedItem]:
    items = Prefetch("items", queryset=GiftSetItem.objects.select_related("product")
                     .annotate(stars=best_stars(today)).order_by("pk"))
    sets = listed_gift_sets(today).prefetch_related(None).prefetch_related(items)
    for gift_set in sets.iterator(chunk_size=100):
        parts = list(gift_set.items.all())
        contents = "; ".join(f"{item.quantity} × {item.product.name}" for item in parts)
        details = [Detail("Bộ quà", "Thành phần", _clip(contents, 1000))]
        details += [Detail("OCOP", f"Hạng OCOP — {item.product.name}", f"{item.stars} sao")
                    for item in parts]
        yield FeedItem(
            id=f"OCOP-QT{gift_set.pk}",
            title=_clip(gift_set.name, 150),
            description=_clip(f"{gift_set.story} Gồm: {contents}." if gift_set.story
                              else f"Gồm: {contents}.", 5000),
            link=links.gift_set_url(gift_set.pk),
            image_link=links.gift_set_image_url(gift_set.pk) if gift_set.photo else "",
            price=gift_set.price, availability=StockStatus.IN_STOCK,
            brand=gift_set.province.name, category=BUNDLE_LABEL, is_bundle=True,
            details=tuple(details),
        )


def feed_items(today: date) -> Iterator[FeedItem]:
    yield from _offer_items(today)
    yield from _gift_set_items(today)


# --- Google Merchant RSS 2.0 -----------------------------------------------------------------

# Google's availability values are the same words as ours.
_GOOGLE_AVAILABILITY = {StockStatus.IN_STOCK: "in_stock", StockStatus.OUT_OF_STOCK:
                        "out_of_stock", StockStatus.PREORDER: "preorder"}


def _el(name: str, value: str) -> str:
    return f"<{name}>{escape(value)}</{name}>"


def google_item(item: FeedItem) -> str:
    parts = [
        # title, link and description are RSS's own elements, as in Google's sample feed.
        _el("g:id", item.id), _el("title", item.title),
        _el("description", item.description), _el("link", item.link),
        _el("g:image_link", item.image_link),
        _el("g:availability", _GOOGLE_AVAILABILITY[item.availability]),
        _el("g:price", f"{item.price} VND"), _el("g:brand", item.brand),
        _el("g:condition", "new"),
    ]
    if item.availability == StockStatus.PREORDER and item.available_on:
        parts.append(_el("g:availability_date", f"{item.available_on.isoformat()}T00:00+07:00"))
    if item.gtin:
        parts.append(_el("g:gtin", item.gtin))
    else:
        # No GTIN: say so, as Google asks of products without a manufacturer code.
        parts.append(_el("g:identifier_exists", "no"))
    if item.category:
        parts.append(_el("g:product_type", item.category))
    if item.is_bundle:
        parts.append(_el("g:is_bundle", "yes"))
    # OCOP stars and the certificate go in product_detail, never in g:certification (which
    # Google reserves for the energy-label schemes it knows).
    for detail in item.details:
        parts.append("<g:product_detail>" + _el("g:section_name", detail.section)
                     + _el("g:attribute_name", detail.name)
                     + _el("g:attribute_value", detail.value) + "</g:product_detail>")
    return "<item>" + "".join(parts) + "</item>\n"


def google_feed(today: date, *, title: str, home: str, description: str) -> Iterator[str]:
    """The RSS 2.0 document, in pieces. Items without a photo are left out: Google requires
    ``image_link`` (the CSVs keep them)."""
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<rss version="2.0" xmlns:g="{G_NS}">\n<channel>\n'
           + _el("title", title) + _el("link", home) + _el("description", description) + "\n")
    for item in feed_items(today):
        if item.image_link:
            yield google_item(item)
    yield "</channel>\n</rss>\n"


# --- Shopify and WooCommerce CSV: one mapping ------------------------------------------------


def _bool(value: bool, dialect: Dialect) -> str:
    if dialect == "shopify":
        return "TRUE" if value else "FALSE"
    return "1" if value else "0"


def _tags(item: FeedItem, dialect: Dialect) -> str:
    stars = [d.value for d in item.details if d.name == "Hạng OCOP"][:1]
    tags = [OCOP_TAG, *stars]
    if item.is_bundle:
        tags.append(BUNDLE_LABEL)
    return ", ".join(tags)


def _in_stock(item: FeedItem, dialect: Dialect) -> str:
    # WooCommerce: 1 in stock, 0 out of stock, "backorder" for goods taken on order.
    return {StockStatus.IN_STOCK: "1", StockStatus.OUT_OF_STOCK: "0",
            StockStatus.PREORDER: "backorder"}[item.availability]


def _inventory_policy(item: FeedItem, dialect: Dialect) -> str:
    # Shopify: "continue" keeps selling when out of stock (a pre-order), "deny" stops.
    return "continue" if item.availability == StockStatus.PREORDER else "deny"


def _shopify_type(item: FeedItem, dialect: Dialect) -> str:
    return BUNDLE_LABEL if item.is_bundle else item.category


def _woo_type(item: FeedItem, dialect: Dialect) -> str:
    # A gift set is sold as one article at one price: a simple product tagged as a gift set
    # (WooCommerce's "grouped" type has no price of its own).
    return "simple"


def _categories(item: FeedItem, dialect: Dialect) -> str:
    top = "Sản phẩm OCOP"
    return f"{top} > {BUNDLE_LABEL}" if item.is_bundle else (
        f"{top} > {item.category}" if item.category else top)


def _description_html(item: FeedItem, dialect: Dialect) -> str:
    return f"<p>{escape(item.description)}</p>"


def _status(item: FeedItem, dialect: Dialect) -> str:
    return "active"


Value = Callable[[FeedItem, str], str]


@dataclass(frozen=True)
class Column:
    shopify: str | None  # the Shopify header, or None: not in the Shopify file
    woocommerce: str | None
    value: Value


def _const(text: str) -> Value:
    return lambda item, dialect: text


COLUMNS: tuple[Column, ...] = (
    Column(None, "ID", _const("")),  # blank: WooCommerce would overwrite that post id
    Column(None, "Type", _woo_type),
    Column("Handle", None, lambda i, d: i.handle),
    Column("Title", "Name", lambda i, d: i.title),
    Column("Body (HTML)", "Description", _description_html),
    Column(None, "Short description", lambda i, d: _clip(i.description, 300)),
    Column("Vendor", None, lambda i, d: i.brand),
    Column("Product Category", None, _const("")),  # Shopify's own taxonomy: left to the shop
    Column("Type", None, _shopify_type),
    Column("Tags", "Tags", _tags),
    Column(None, "Categories", _categories),
    Column("Published", "Published", lambda i, d: _bool(True, d)),
    Column(None, "Is featured?", lambda i, d: _bool(i.is_bundle, d)),
    Column(None, "Visibility in catalog", _const("visible")),
    Column("Option1 Name", None, _const("Title")),
    Column("Option1 Value", None, _const("Default Title")),
    Column("Variant SKU", "SKU", lambda i, d: i.id),
    Column("Variant Inventory Policy", None, _inventory_policy),
    Column(None, "In stock?", _in_stock),
    Column(None, "Backorders allowed?", lambda i, d: _bool(i.availability == "preorder", d)),
    Column("Variant Fulfillment Service", None, _const("manual")),
    Column("Variant Price", "Regular price", lambda i, d: str(i.price)),
    Column("Variant Requires Shipping", None, lambda i, d: _bool(True, d)),
    Column("Variant Taxable", "Tax status", lambda i, d: _bool(True, d) if d == "shopify"
           else "taxable"),
    Column("Variant Barcode", None, lambda i, d: i.gtin),
    Column("Image Src", "Images", lambda i, d: i.image_link),
    Column("Image Alt Text", None, lambda i, d: i.title),
    Column(None, "External URL", lambda i, d: i.link),
    Column("Status", None, _status),
)


def headers(dialect: Dialect) -> list[str]:
    return [h for c in COLUMNS if (h := getattr(c, dialect))]


def csv_row(item: FeedItem, dialect: Dialect) -> list[str]:
    return [c.value(item, dialect) for c in COLUMNS if getattr(c, dialect)]


class _Line:
    """A file-like object whose ``write`` returns the text (csv.writer → streamed lines)."""

    def write(self, value: str) -> str:
        return value


def csv_feed(today: date, dialect: Dialect) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(headers(dialect))
    for item in feed_items(today):
        yield writer.writerow(csv_row(item, dialect))


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    content_type: str
    filename: str


FORMATS: dict[str, Format] = {
    "google.xml": Format("google.xml", "Google Merchant Center (RSS 2.0)",
                         "application/xml; charset=utf-8", "ocop-google.xml"),
    "shopify.csv": Format("shopify.csv", "Shopify (CSV sản phẩm)",
                          "text/csv; charset=utf-8", "ocop-shopify.csv"),
    "woocommerce.csv": Format("woocommerce.csv", "WooCommerce (CSV sản phẩm)",
                              "text/csv; charset=utf-8", "ocop-woocommerce.csv"),
}
