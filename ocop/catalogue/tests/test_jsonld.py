"""The schema.org data of the product and producer pages, read from the HTML as a crawler
reads it and validated against the JSON Schemas in tests/schemas/."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from django.test import Client
from django.urls import reverse

from ocop.catalogue import jsonld, selectors
from ocop.catalogue.tests.conftest import revoke

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "schemas"


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def ld_blocks(html: str) -> list[dict]:
    parser = _Blocks()
    parser.feed(html)
    return [json.loads(block) for block in parser.blocks]


def validate(doc: dict, schema: str) -> None:
    jsonschema.validate(doc, json.loads((SCHEMAS / schema).read_text()),
                        format_checker=jsonschema.FormatChecker())


def test_product_page_carries_a_valid_product_with_its_certification(catalogue, settings):
    settings.SITE_URL = "https://ocop.example.org"
    html = Client().get(reverse("catalogue:product", args=[catalogue.vai.pk])).content.decode()
    [doc] = ld_blocks(html)
    validate(doc, "product.schema.json")
    cert = doc["hasCertification"]
    assert doc["name"] == "Vải thiều Lục Ngạn sấy khô"
    assert cert["certificationStatus"] == jsonld.ACTIVE
    assert cert["certificationRating"]["ratingValue"] == 4
    assert cert["certificationIdentification"] == catalogue.vai_certificate.number
    assert cert["validFrom"] == catalogue.vai_certificate.issued_on.isoformat()
    assert cert["expires"] == catalogue.vai_certificate.valid_until.isoformat()
    assert cert["url"] == f"https://ocop.example.org/verify/{catalogue.vai_certificate.number}"
    assert cert["issuedBy"]["name"]
    assert "offers" not in doc  # no price known to the catalogue


def test_every_certified_product_page_validates(catalogue):
    for pk in selectors.sitemap_ids(catalogue.today)["products"]:
        html = Client().get(reverse("catalogue:product", args=[pk])).content.decode()
        [doc] = ld_blocks(html)
        validate(doc, "product.schema.json")


def test_offers_appear_only_with_a_price(catalogue):
    data = selectors.product_detail(catalogue.today, catalogue.vai.pk)
    base = "https://ocop.example.org"
    assert "offers" not in jsonld.product_jsonld(data, base, offers=[{"price": ""}])
    doc = jsonld.product_jsonld(data, base, offers=[
        {"price": "180000", "priceCurrency": "VND", "availability": "https://schema.org/InStock",
         "url": "https://shop.example.org/vai"}])
    validate(doc, "product.schema.json")
    assert doc["offers"][0]["@type"] == "Offer"


def test_a_name_cannot_close_the_script_block(catalogue):
    catalogue.vai.description = "</script><script>alert(1)</script>"
    catalogue.vai.save()
    html = Client().get(reverse("catalogue:product", args=[catalogue.vai.pk])).content.decode()
    assert "<script>alert(1)" not in html
    [doc] = ld_blocks(html)
    assert doc["description"] == "</script><script>alert(1)</script>"


def test_producer_page_carries_an_organization_without_personal_data(catalogue):
    producer = catalogue.producers["own"]
    html = Client().get(reverse("catalogue:producer", args=[producer.pk])).content.decode()
    [doc] = ld_blocks(html)
    validate(doc, "organization.schema.json")
    assert doc["name"] == producer.name
    assert doc["address"]["addressLocality"] == "Xã Lục Ngạn"
    assert doc["sameAs"] == ["https://htx.example.org"]
    assert "telephone" not in doc and "email" not in doc  # not chosen: not published
    producer.phone, producer.email, producer.publish_contact = "0912345678", "htx@example.org", True
    producer.save()
    html = Client().get(reverse("catalogue:producer", args=[producer.pk])).content.decode()
    [doc] = ld_blocks(html)
    validate(doc, "organization.schema.json")
    assert (doc["telephone"], doc["email"]) == ("0912345678", "htx@example.org")


def test_the_schema_rejects_a_product_without_its_certification(catalogue):
    data = selectors.product_detail(catalogue.today, catalogue.vai.pk)
    doc = jsonld.product_jsonld(data, "https://ocop.example.org")
    del doc["hasCertification"]["certificationStatus"]
    with pytest.raises(jsonschema.ValidationError):
        validate(doc, "product.schema.json")


def test_no_structured_data_once_the_certificate_is_revoked(catalogue):
    revoke(catalogue.vai_certificate, catalogue.today)
    html = Client().get(reverse("catalogue:product", args=[catalogue.vai.pk])).content.decode()
    assert ld_blocks(html) == []
