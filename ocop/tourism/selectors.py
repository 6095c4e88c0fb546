"""Every read of destinations and itineraries: the public's (published only, products sold there
only while certified today) and the offices' (scoped to their area).

The public catalogue (ocop.catalogue, the layer above) uses ``public_destinations``,
``destinations_selling`` and ``geojson_features``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.jurisdiction import unit_q
from ocop.accounts.models import User
from ocop.certificates.models import Certificate
from ocop.certificates.selectors import public_products_q, valid_products
from ocop.core.refusals import NotFound
from ocop.core.search import search
from ocop.registry.models import Producer, Product
from ocop.tourism import geo
from ocop.tourism.models import (
    TOURISM_GROUP,
    Destination,
    Itinerary,
    Service,
    SoldProduct,
    Stop,
)
from ocop.tourism.permissions import (
    can_manage_itineraries,
    can_manage_tourism,
    manage_destination,
    manage_itinerary,
)
from ocop.units.models import Unit

_DESTINATION_RELATED = ("commune", "commune__parent", "commune__parent__parent",
                        "commune__current_commune", "commune__current_province")


# --- Public -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DestinationFilter:
    q: str = ""
    province: str = ""  # current province key, "P24"
    commune: str = ""  # current commune key, "C07330"
    service: str = ""

    @classmethod
    def from_params(cls, params: Any) -> DestinationFilter:
        service = params.get("dich_vu", "") or ""
        return cls(q=(params.get("q", "") or "").strip()[:100],
                   province=(params.get("tinh", "") or "")[:16],
                   commune=(params.get("xa", "") or "")[:16],
                   service=service if service in Service.values else "")


def public_destinations(f: DestinationFilter | None = None) -> QuerySet[Destination]:
    """Published destinations, filtered; a destination registered under a pre-2025 commune is
    found by the province and commune it lies in today."""
    f = f or DestinationFilter()
    qs = Destination.objects.filter(published=True).select_related(*_DESTINATION_RELATED)
    if f.province:
        qs = qs.filter(commune__current_province_id=f.province)
    if f.commune:
        qs = qs.filter(commune__current_commune_id=f.commune)
    if f.service:
        qs = qs.filter(services__contains=f.service)
    return search(qs, f.q, folded=["search_text"]).order_by("name", "id")


def public_destination(pk: int) -> Destination:
    found = public_destinations().filter(pk=pk).first()
    if found is None:
        raise NotFound(_not_found_destination())
    return found


def _not_found_destination() -> str:
    return _("Không tìm thấy điểm du lịch (có thể chưa công khai hoặc đã gỡ).")


def products_sold(destination: Destination, today: date) -> QuerySet[Product]:
    """The products sold at the destination that hold a certificate valid ``today``, with
    ``best_stars`` and the ``certificate_number`` to check it by; a product whose certificate
    expired or was revoked is left out."""
    return _with_certificate(valid_products(today).filter(
        pk__in=SoldProduct.objects.filter(destination=destination).values("product_id")), today)


def _with_certificate(products: QuerySet[Product], today: date) -> QuerySet[Product]:
    best = (Certificate.objects.valid_on(today).filter(product_id=OuterRef("pk"))
            .order_by("-stars", "-valid_until").values("number")[:1])
    return (products.annotate(certificate_number=Subquery(best))
            .select_related("producer", "product_set").order_by("name", "id"))


def producer_products(producer: Producer, today: date) -> QuerySet[Product]:
    """A producer's products certified ``today`` (what a visitor can buy at a producer stop)."""
    return _with_certificate(valid_products(today).filter(producer=producer), today)


def service_product(destination: Destination, today: date) -> Product | None:
    """The destination's own tourism-service product, while it is certified."""
    if destination.service_product_id is None:
        return None
    return _with_certificate(valid_products(today).filter(pk=destination.service_product_id),
                             today).first()


def destinations_selling(product: Product, today: date | None = None) -> QuerySet[Destination]:
    """Published destinations where ``product`` is sold, none while it is not certified
    (for the catalogue's product page)."""
    today = today or timezone.localdate()
    if not Product.objects.filter(public_products_q(today), pk=product.pk).exists():
        return Destination.objects.none()
    return public_destinations().filter(sold__product=product)


def province_choices() -> list[Unit]:
    """The current provinces that have a published destination (the list's filter)."""
    keys = public_destinations().values("commune__current_province_id")
    return list(Unit.objects.filter(pk__in=keys).order_by("search_name"))


def commune_choices(province: str) -> list[Unit]:
    keys = public_destinations(DestinationFilter(province=province)).values(
        "commune__current_commune_id")
    return list(Unit.objects.filter(pk__in=keys).order_by("search_name"))


def _stops_prefetch() -> Prefetch:
    return Prefetch("stops", queryset=Stop.objects.select_related(
        "destination", "destination__commune", "producer", "producer__commune",
        "producer__commune__current_commune"))


def public_itineraries() -> QuerySet[Itinerary]:
    return (Itinerary.objects.filter(published=True).select_related("province")
            .prefetch_related(_stops_prefetch()).order_by("name", "id"))


def public_itinerary(pk: int) -> Itinerary:
    found = public_itineraries().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Không tìm thấy tuyến tham quan (có thể chưa công khai hoặc đã gỡ)."))
    return found


def itineraries_through(destination: Destination) -> QuerySet[Itinerary]:
    return public_itineraries().filter(stops__destination=destination).distinct()


def stop_position(stop: Stop) -> tuple[float, float] | None:
    """(lat, lon) of a stop: the destination's point, or the centre of the producer's (current)
    commune — producers have no coordinates of their own."""
    if stop.destination_id:
        return float(stop.destination.latitude), float(stop.destination.longitude)
    commune = stop.producer.commune
    current = commune.current_commune if commune.current_commune_id else None
    return geo.commune_centre(current.code) if current else None


def stop_is_public(stop: Stop) -> bool:
    """A stop at an unpublished destination is shown by name only, without a link."""
    return stop.destination_id is None or stop.destination.published


def certified_producers(producers: list[Producer], today: date) -> set[int]:
    """Which of ``producers`` have at least one product certified ``today``: only those get a
    link to their (public) products."""
    ids = [p.pk for p in producers]
    return set(valid_products(today).filter(producer_id__in=ids)
               .values_list("producer_id", flat=True))


def destination_feature(d: Destination) -> dict[str, Any]:
    return {"type": "Feature",
            "geometry": {"type": "Point",
                         "coordinates": [float(d.longitude), float(d.latitude)]},
            "properties": {"kind": "destination", "id": d.pk, "name": d.name,
                           "summary": d.summary, "services": d.service_labels,
                           "commune": d.commune.name,
                           "url": reverse("tourism:destination", args=[d.pk])}}


def itinerary_feature(itinerary: Itinerary) -> dict[str, Any] | None:
    points, names = [], []
    for stop in itinerary.stops.all():
        # A draft destination on a published route is named, but its point is not published.
        place = stop_position(stop) if stop_is_public(stop) else None
        if place is not None:
            points.append([place[1], place[0]])
            names.append(stop.destination.name if stop.destination_id else stop.producer.name)
    if not points:
        return None
    geometry = ({"type": "LineString", "coordinates": points} if len(points) > 1
                else {"type": "Point", "coordinates": points[0]})
    return {"type": "Feature", "geometry": geometry,
            "properties": {"kind": "itinerary", "id": itinerary.pk, "name": itinerary.name,
                           "summary": itinerary.summary, "stops": names,
                           "url": reverse("tourism:itinerary", args=[itinerary.pk])}}


def geojson_features(*, itinerary: Itinerary | None = None) -> list[dict[str, Any]]:
    """GeoJSON features of the published destinations (points) and itineraries (lines through
    their stops); with ``itinerary``, only that route and the destinations on it."""
    if itinerary is not None:
        destinations = [s.destination for s in itinerary.stops.all()
                        if s.destination_id and s.destination.published]
        routes = [itinerary]
    else:
        destinations = list(public_destinations())
        routes = list(public_itineraries())
    features = [destination_feature(d) for d in destinations]
    features += [f for f in map(itinerary_feature, routes) if f is not None]
    return features


def geojson(*, itinerary: Itinerary | None = None) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": geojson_features(itinerary=itinerary)}


# --- The offices ------------------------------------------------------------------------------


def destinations_for(user: User) -> QuerySet[Destination]:
    """Destinations the user manages (none for a role without the management pages)."""
    if not can_manage_tourism(user):
        return Destination.objects.none()
    return (Destination.objects.filter(unit_q(user, "commune"))
            .select_related(*_DESTINATION_RELATED).order_by("name", "id"))


def managed_destination(user: User, pk: int) -> Destination:
    """The destination, when the user manages it; a 404 otherwise (out of reach and missing
    read alike), a 403 for a role without the pages."""
    can_manage_tourism(user).check()
    found = destinations_for(user).filter(pk=pk).first()
    if found is None or not manage_destination(user, found.commune):
        raise NotFound(_not_found_destination())
    return found


def itineraries_for(user: User) -> QuerySet[Itinerary]:
    if not can_manage_itineraries(user):
        return Itinerary.objects.none()
    qs = Itinerary.objects.select_related("province").prefetch_related(_stops_prefetch())
    return qs if user.is_nationwide else qs.filter(province_id=user.unit_id)


def managed_itinerary(user: User, pk: int) -> Itinerary:
    can_manage_itineraries(user).check()
    found = itineraries_for(user).filter(pk=pk).first()
    if found is None or not manage_itinerary(user, found.province):
        raise NotFound(_("Không tìm thấy tuyến tham quan trong địa bàn của bạn."))
    return found


def stop_choices(province: Unit) -> tuple[QuerySet[Destination], QuerySet[Producer]]:
    """What an itinerary of ``province`` may stop at: destinations and active producers there."""
    area = Q(commune__current_province=province)
    return (Destination.objects.filter(area).order_by("name", "id"),
            Producer.objects.filter(area, status=Producer.Status.ACTIVE).order_by("name", "id"))


def product_choices(destination: Destination, today: date) -> QuerySet[Product]:
    """Products that may be listed as sold at the destination: certified today, of its
    province, not yet listed."""
    province = destination.commune.current_province_id
    listed = SoldProduct.objects.filter(destination=destination).values("product_id")
    return (valid_products(today).filter(producer__commune__current_province_id=province)
            .exclude(pk__in=listed).select_related("producer").order_by("name", "id"))


def tourism_service_choices(area: Unit) -> QuerySet[Product]:
    """Group-6 (tourism service) products of the province of ``area`` (a province or a
    commune), for a destination's service product; its page shows it only while certified."""
    return (Product.objects.filter(product_set__group_id=TOURISM_GROUP,
                                   producer__commune__current_province_id=area.current_province_id)
            .select_related("producer").order_by("name", "id"))
