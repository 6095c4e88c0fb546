"""The feeds as a shop pulls them: Google Merchant RSS (parsed, namespace and required elements
checked) and the Shopify/WooCommerce CSVs (loaded with csv.DictReader, exact importer headers),
filtered to valid certificates; a revocation takes product and gift set out of every feed."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from ocop.certificates import services as certificates
from ocop.market import feeds, services
from ocop.market.models import GiftSet, StockStatus
from ocop.market.services import GiftSetData, OfferData
from ocop.registry.models import Product

pytestmark = pytest.mark.django_db

G = "{http://base.google.com/ns/1.0}"
GTIN = "4006381333931"  # a valid EAN-13
SHOPIFY_HEADERS = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Variant SKU", "Variant Inventory Policy",
    "Variant Fulfillment Service", "Variant Price", "Variant Requires Shipping",
    "Variant Taxable", "Variant Barcode", "Image Src", "Image Alt Text", "Status"]
WOO_HEADERS = [
    "ID", "Type", "Name", "Description", "Short description", "Tags", "Categories",
    "Published", "Is featured?", "Visibility in catalog", "SKU", "In stock?",
    "Backorders allowed?", "Regular price", "Tax status", "Images", "External URL"]
REQUIRED = ["id", "title", "description", "link", "image_link", "availability", "price",
            "brand", "condition"]


@pytest.fixture
def shop(market):
    """Offers for own (with GTIN and photo), other_commune (no GTIN, pre-order) and the
    uncertified other_province; a gift set of own + other_commune."""
    Product.objects.filter(pk=market.products["own"].pk).update(
        gtin=GTIN, image="products/ab/anh.png")
    Product.objects.filter(pk=market.products["other_commune"].pk).update(
        image="products/cd/anh.png")
    for key in ("own", "other_province"):
        services.save_offer(actor=None, product=market.products[key], data=OfferData(
            price=120000, unit="túi", package="Túi 500 g",
            links=[("shopee", "https://shopee.vn/vai-say")]))
    services.save_offer(actor=None, product=market.products["other_commune"], today=market.today,
                        data=OfferData(price=85000, unit="chai", stock=StockStatus.PREORDER,
                                       available_on=market.today.replace(day=1).replace(
                                           year=market.today.year + 1)))
    gift_set = services.save_gift_set(
        actor=market.users["province_office"], province=market.units.bac_ninh,
        today=market.today,
        data=GiftSetData(name="Quà Bắc Giang", price=650000, published=True,
                         story="Đặc sản xứ Bắc.",
                         items=[(market.products["own"], 2),
                                (market.products["other_commune"], 1)]))
    GiftSet.objects.filter(pk=gift_set.pk).update(photo="gift-sets/ef/anh.png")
    return market


def fetch(path: str):
    response = Client().get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode()


def google(path="/nguon-du-lieu/google.xml") -> list[ET.Element]:
    response, body = fetch(path)
    assert response.status_code == 200
    assert response.streaming  # streamed, never built whole in memory
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Type"].startswith("application/xml")
    assert 'xmlns:g="http://base.google.com/ns/1.0"' in body
    root = ET.fromstring(body)  # noqa: S314 — our own feed, parsed to prove it well-formed
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None and channel.findtext("title") and channel.findtext("link")
    return channel.findall("item")


def value(item: ET.Element, name: str) -> str | None:
    found = item.find(name if name in ("title", "link", "description") else f"{G}{name}")
    return found.text if found is not None else None


def details(item: ET.Element) -> dict[str, str]:
    return {d.findtext(f"{G}attribute_name"): d.findtext(f"{G}attribute_value")
            for d in item.findall(f"{G}product_detail")}


def test_google_feed(shop):
    items = {value(i, "id"): i for i in google()}
    own, commune = shop.products["own"], shop.products["other_commune"]
    own_id = next(k for k in items if k.startswith(f"OCOP-SP{own.pk}-"))
    commune_id = next(k for k in items if k.startswith(f"OCOP-SP{commune.pk}-"))
    assert set(items) == {own_id, commune_id, next(k for k in items if k.startswith("OCOP-QT"))}
    for item in items.values():
        for name in REQUIRED:
            assert value(item, name), name
        assert item.find(f"{G}certification") is None  # never: Google restricts it
    first = items[own_id]
    assert value(first, "price") == "120000 VND"
    assert value(first, "availability") == "in_stock"
    assert value(first, "condition") == "new"
    assert value(first, "gtin") == GTIN
    assert value(first, "link") == f"https://id.gs1.org/01/0{GTIN}"
    assert value(first, "brand") == own.producer.name
    assert value(first, "title") == f"{own.name} — Túi 500 g"
    assert details(first)["Hạng OCOP"] == "4 sao"
    assert details(first)["Giấy chứng nhận OCOP"] == shop.certificates["own"].number
    second = items[commune_id]
    assert value(second, "link").endswith(f"/san-pham-ocop/{commune.pk}/")
    assert value(second, "gtin") is None and value(second, "identifier_exists") == "no"
    assert value(second, "availability") == "preorder" and value(second, "availability_date")
    assert details(second)["Hạng OCOP"] == "5 sao"
    bundle = next(i for k, i in items.items() if k.startswith("OCOP-QT"))
    assert value(bundle, "is_bundle") == "yes"
    assert value(bundle, "price") == "650000 VND"
    assert f"2 × {own.name}" in details(bundle)["Thành phần"]


def rows(dialect: str) -> tuple[list[str], list[dict[str, str]]]:
    response, body = fetch(f"/nguon-du-lieu/{dialect}.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(body))
    return list(reader.fieldnames or []), list(reader)


def test_shopify_csv(shop):
    headers, data = rows("shopify")
    assert headers == SHOPIFY_HEADERS == feeds.headers("shopify")
    own = shop.products["own"]
    by_sku = {r["Variant SKU"]: r for r in data}
    assert len(data) == 3  # two certified offers and the gift set; no uncertified product
    row = next(r for s, r in by_sku.items() if s.startswith(f"OCOP-SP{own.pk}-"))
    assert row["Handle"] == row["Variant SKU"].lower()
    assert row["Title"] == f"{own.name} — Túi 500 g" and row["Vendor"] == own.producer.name
    assert row["Variant Price"] == "120000" and row["Published"] == "TRUE"
    assert row["Variant Barcode"] == GTIN and row["Status"] == "active"
    assert row["Image Src"].endswith(f"/san-pham/{own.pk}/anh")
    assert "4 sao" in row["Tags"] and "OCOP" in row["Tags"]
    bundle = next(r for s, r in by_sku.items() if s.startswith("OCOP-QT"))
    assert bundle["Type"] == feeds.BUNDLE_LABEL and feeds.BUNDLE_LABEL in bundle["Tags"]
    preorder = next(r for r in data if r["Variant Price"] == "85000")
    assert preorder["Variant Inventory Policy"] == "continue"


def test_woocommerce_csv(shop):
    headers, data = rows("woocommerce")
    assert headers == WOO_HEADERS == feeds.headers("woocommerce")
    assert len(data) == 3
    own = shop.products["own"]
    row = next(r for r in data if r["SKU"].startswith(f"OCOP-SP{own.pk}-"))
    assert row["ID"] == "" and row["Type"] == "simple"
    assert row["Name"] == f"{own.name} — Túi 500 g" and row["Regular price"] == "120000"
    assert row["Published"] == "1" and row["In stock?"] == "1"
    assert row["External URL"] == f"https://id.gs1.org/01/0{GTIN}"
    assert row["Categories"].startswith("Sản phẩm OCOP > ")
    preorder = next(r for r in data if r["Regular price"] == "85000")
    assert preorder["In stock?"] == "backorder" and preorder["Backorders allowed?"] == "1"
    bundle = next(r for r in data if r["SKU"].startswith("OCOP-QT"))
    assert bundle["Categories"] == f"Sản phẩm OCOP > {feeds.BUNDLE_LABEL}"
    assert feeds.BUNDLE_LABEL in bundle["Tags"]


def test_revocation_removes_product_and_gift_set_from_every_feed(shop):
    own = shop.products["own"]
    certificates.revoke_certificate(actor=None, certificate=shop.certificates["own"],
                                    reason="Vi phạm", decision_number="5/QĐ-TH",
                                    today=shop.today)
    [left] = [value(i, "id") for i in google()]
    assert left.startswith(f"OCOP-SP{shop.products['other_commune'].pk}-")
    for dialect, sku in (("shopify", "Variant SKU"), ("woocommerce", "SKU")):
        _headers, data = rows(dialect)
        skus = [r[sku] for r in data]
        assert not any(s.startswith((f"OCOP-SP{own.pk}-", "OCOP-QT")) for s in skus), dialect
        assert len(skus) == 1


def test_unknown_feed_is_a_clear_404():
    response = Client().get("/nguon-du-lieu/amazon.csv")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Không có nguồn dữ liệu “amazon.csv”" in text
    assert "/nguon-du-lieu/google.xml" in text


def test_feed_index_lists_the_feeds(db):
    response = Client().get("/nguon-du-lieu/")
    assert response.status_code == 200
    for name in feeds.FORMATS:
        assert f"/nguon-du-lieu/{name}" in response.content.decode()


def test_feeds_stream_in_chunks(shop):
    # Items come from an iterator over the database, not from a list of every row.
    stream = feeds.feed_items(shop.today)
    first = next(stream)
    assert first.id.startswith("OCOP-SP")
    assert sum(1 for _ in stream) == 2


def test_google_leaves_out_items_without_a_photo_the_csvs_keep_them(shop):
    Product.objects.filter(pk=shop.products["other_commune"].pk).update(image="")
    ids = [value(i, "id") for i in google()]
    assert not any(i.startswith(f"OCOP-SP{shop.products['other_commune'].pk}-") for i in ids)
    _headers, data = rows("shopify")
    row = next(r for r in data if r["Variant Price"] == "85000")
    assert row["Image Src"] == ""
