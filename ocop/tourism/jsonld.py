"""schema.org structured data of the public pages, as JSON-LD.

- A destination is a ``TouristDestination`` (a ``Place``): ``geo`` (``GeoCoordinates``),
  ``address`` (``PostalAddress``, today's commune and province), ``openingHoursSpecification``,
  ``amenityFeature`` for the services, ``touristType`` from them (who the place suits),
  ``telephone`` only when the operator published one, ``image``. The OCOP products sold there are
  the offers of a ``Store`` it ``containsPlace``: a place cannot ``makesOffer`` itself, and
  ``includesAttraction`` wants attractions, not goods. Each product carries its OCOP
  certificate (``hasCertification`` → ``Certification`` with the stars as ``certificationRating``
  and the public verification URL).
- An itinerary is a ``TouristTrip`` whose ``itinerary`` is an ``ItemList`` of its stops in order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from ocop.tourism.models import Destination, Itinerary, OpeningPeriod, Service, Stop

CONTEXT = "https://schema.org"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Who a service suits (schema.org touristType is free text; Vietnamese, as the page).
TOURIST_TYPES = {
    Service.FESTIVAL: "Du lịch tâm linh, văn hoá",
    Service.EXPERIENCE: "Du lịch nông nghiệp, trải nghiệm",
    Service.BOAT: "Du lịch sinh thái",
    Service.STAY: "Du lịch cộng đồng",
}
# Inside <script>: no "</script>" or "<!--" can close it early.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

Absolute = Callable[[str], str]


def script_text(data: dict[str, Any]) -> SafeString:
    """The JSON for a ``<script type="application/ld+json">`` element, escaped for HTML."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))


def _address(destination: Destination) -> dict[str, Any]:
    commune = destination.commune
    current = commune.current_commune or commune
    province = commune.current_province
    address = {"@type": "PostalAddress", "addressLocality": current.full_name,
               "addressCountry": "VN"}
    if destination.address:
        address["streetAddress"] = destination.address
    if province is not None:
        address["addressRegion"] = province.full_name
    return address


def _hours(periods: Iterable[OpeningPeriod]) -> list[dict[str, Any]]:
    return [{"@type": "OpeningHoursSpecification",
             "dayOfWeek": f"{CONTEXT}/{DAYS[p.weekday]}",
             "opens": p.opens.strftime("%H:%M"), "closes": p.closes.strftime("%H:%M")}
            for p in periods]


def product_data(product: Any, absolute: Absolute, verify_url: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Product", "name": product.name,
                            "brand": {"@type": "Organization", "name": product.producer.name}}
    if product.description:
        data["description"] = product.description
    if verify_url:
        data["hasCertification"] = {
            "@type": "Certification", "name": "OCOP",
            "certificationIdentification": product.certificate_number,
            "certificationStatus": "CertificationActive",
            "certificationRating": {"@type": "Rating", "ratingValue": product.best_stars,
                                    "bestRating": 5, "worstRating": 3},
            "url": absolute(verify_url),
        }
    return data


def destination_data(destination: Destination, *, url: str, absolute: Absolute,
                     photos: list[str], periods: list[OpeningPeriod],
                     products: list[Any], verify_urls: dict[int, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT, "@type": "TouristDestination", "@id": url, "url": url,
        "name": destination.name, "description": destination.summary,
        "geo": {"@type": "GeoCoordinates", "latitude": float(destination.latitude),
                "longitude": float(destination.longitude)},
        "address": _address(destination),
    }
    codes = destination.service_codes
    if codes:
        data["amenityFeature"] = [{"@type": "LocationFeatureSpecification",
                                   "name": str(Service(code).label), "value": True}
                                  for code in codes]
        types = [TOURIST_TYPES[c] for c in codes if c in TOURIST_TYPES]
        if types:
            data["touristType"] = types
    if periods:
        data["openingHoursSpecification"] = _hours(periods)
    if destination.contact_phone:
        data["telephone"] = destination.contact_phone
    if photos:
        data["image"] = [absolute(p) for p in photos]
    if products:
        data["containsPlace"] = [{
            "@type": "Store", "name": f"Điểm bán sản phẩm OCOP – {destination.name}",
            "makesOffer": [{"@type": "Offer",
                            "itemOffered": product_data(p, absolute, verify_urls.get(p.pk))}
                           for p in products],
        }]
    return data


def itinerary_data(itinerary: Itinerary, stops: list[Stop], *, url: str, absolute: Absolute,
                   stop_url: Callable[[Stop], str | None]) -> dict[str, Any]:
    elements = []
    for stop in stops:
        if stop.destination_id:
            item: dict[str, Any] = {"@type": "TouristDestination", "name": stop.destination.name}
            if stop.destination.published:
                item["geo"] = {"@type": "GeoCoordinates",
                               "latitude": float(stop.destination.latitude),
                               "longitude": float(stop.destination.longitude)}
        else:
            item = {"@type": "LocalBusiness", "name": stop.producer.name}
        link = stop_url(stop)
        if link:
            item["url"] = absolute(link)
        if stop.note:
            item["description"] = stop.note
        element = {"@type": "ListItem", "position": stop.position, "item": item}
        if stop.minutes:
            element["item"]["timeRequired"] = f"PT{stop.minutes}M"
        elements.append(element)
    return {
        "@context": CONTEXT, "@type": "TouristTrip", "@id": url, "url": url,
        "name": itinerary.name, "description": itinerary.summary,
        "itinerary": {"@type": "ItemList", "numberOfItems": len(elements),
                      "itemListOrder": "https://schema.org/ItemListOrderAscending",
                      "itemListElement": elements},
    }
