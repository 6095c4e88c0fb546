"""schema.org structured data for the public pages (JSON-LD in a ``<script>`` data block).

- product page: ``Product`` with ``hasCertification`` → ``Certification`` (the OCOP certificate:
  ``certificationStatus``, ``certificationRating`` for the stars, ``issuedBy``, ``validFrom`` /
  ``expires``, the public verification page as ``url``), and ``offers`` only when a price is
  known: ``product_jsonld(data, base, offers=[...])`` takes offers already shaped as schema.org
  ``Offer`` dicts (the market app's prices feed in there; the catalogue itself knows none);
- producer page: ``Organization`` with its address (commune, province), website, and phone and
  e-mail when the producer chose to publish them.

Only what the page itself shows goes in, so the data block never publishes more than the page.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.utils.safestring import SafeString, mark_safe

SCHEMA = "https://schema.org"
ACTIVE = "https://schema.org/CertificationActive"
INACTIVE = "https://schema.org/CertificationInactive"
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _iso(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _address(data: dict[str, Any]) -> dict[str, Any]:
    return {"@type": "PostalAddress", "addressLocality": data["commune"],
            "addressRegion": data["province"], "addressCountry": "VN"}


def certification(cert: dict[str, Any], base: str) -> dict[str, Any]:
    return {
        "@type": "Certification",
        "name": f"OCOP {cert['stars']}★",
        "certificationIdentification": cert["number"],
        "certificationStatus": ACTIVE if cert["status"] == "valid" else INACTIVE,
        "certificationRating": {"@type": "Rating", "ratingValue": cert["stars"],
                                "bestRating": 5, "worstRating": 1},
        "issuedBy": {"@type": "Organization", "name": cert["issuer"]},
        "validFrom": _iso(cert["issued_on"]),
        "expires": _iso(cert["valid_until"]),
        "url": base + cert["verify_url"],
    }


def product_jsonld(data: dict[str, Any], base: str,
                   offers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``data`` is ``selectors.product_detail``; ``base`` the site's address (no trailing
    slash); ``offers`` schema.org ``Offer`` dicts with a price, or nothing."""
    producer = data["producer"]
    doc: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Product",
        "@id": base + data["url"],
        "url": base + data["url"],
        "name": data["name"],
        "category": data["product_set"],
        "manufacturer": {"@type": "Organization", "name": producer["name"],
                         "url": base + producer["url"], "address": _address(data)},
        "hasCertification": certification(data["certificate"], base),
    }
    if data.get("description"):
        doc["description"] = data["description"]
    if data.get("image_url"):
        doc["image"] = base + data["image_url"]
    if data.get("gtin"):
        doc["gtin"] = data["gtin"]
    priced = [o for o in offers or [] if o.get("price") not in (None, "")]
    if priced:
        doc["offers"] = [{"@type": "Offer", **o} for o in priced]
    return doc


def producer_jsonld(data: dict[str, Any], base: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Organization",
        "@id": base + data["url"],
        "url": base + data["url"],
        "name": data["name"],
        "address": _address(data),
    }
    if data.get("website"):
        doc["sameAs"] = [data["website"]]
    if data.get("phone"):
        doc["telephone"] = data["phone"]
    if data.get("email"):
        doc["email"] = data["email"]
    return doc


def script(doc: dict[str, Any]) -> SafeString:
    """The JSON for a ``<script type="application/ld+json">`` block: ``<``, ``>`` and ``&``
    escaped as in ``json_script``, so no text in the data can close the block."""
    return mark_safe(json.dumps(doc, ensure_ascii=False).translate(_SCRIPT_ESCAPES))
