"""The public addresses the market writes into feeds and structured data.

``catalogue_url`` is the one place that knows the public catalogue's product page (the catalogue
app, above this one, owns it; its URL name is enough to reach it).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def catalogue_url(product_id: int) -> str:
    """The public catalogue page of a product."""
    return absolute(reverse("catalogue:product", args=[product_id]))


def digital_link(gtin: str) -> str:
    """The product's GS1 Digital Link (GTIN-14, left-padded with zeros as the standard says);
    id.gs1.org forwards it to the resolver the brand owner registered."""
    return f"https://id.gs1.org/01/{gtin.zfill(14)}"


def product_link(product_id: int, gtin: str | None) -> str:
    """Where a feed sends a shopper: the GS1 Digital Link when the product has a GTIN,
    otherwise its page in the public catalogue."""
    return digital_link(gtin) if gtin else catalogue_url(product_id)


def product_image_url(product_id: int) -> str:
    # The registry serves a certified product's photo to anyone (registry:product_image).
    return absolute(reverse("registry:product_image", args=[product_id]))


def gift_set_url(gift_set_id: int) -> str:
    return absolute(reverse("market:gift_set_detail", args=[gift_set_id]))


def gift_set_image_url(gift_set_id: int) -> str:
    return absolute(reverse("market:gift_set_photo", args=[gift_set_id]))
