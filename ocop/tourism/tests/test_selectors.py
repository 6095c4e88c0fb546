"""Reads: what the public sees (published only; products only while certified today), the
filters of the list, and the GeoJSON and selectors the catalogue uses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ocop.certificates import services as certificates
from ocop.certificates.models import Certificate
from ocop.tourism import geo, selectors, services
from ocop.tourism.models import Service
from ocop.tourism.selectors import DestinationFilter

pytestmark = pytest.mark.django_db


def names(qs):
    return [d.name for d in qs]


def test_products_sold_are_the_certified_ones(tourism_world):
    today = timezone.localdate()
    river = tourism_world.demo.destinations[1]
    listed = set(river.sold.values_list("product__name", flat=True))
    assert tourism_world.demo.expired.name in listed  # listed, but its certificate expired
    expected = {name for name in listed if Certificate.objects.valid_on(today).filter(
        product__name=name).exists()}
    shown = list(selectors.products_sold(river, today))
    assert {p.name for p in shown} == expected
    assert tourism_world.demo.expired.name not in expected
    for p in shown:
        cert = Certificate.objects.get(number=p.certificate_number)
        assert cert.product_id == p.pk and cert.status_on(today) == "valid"


def test_a_revoked_product_leaves_the_destination_at_once(tourism_world):
    today = timezone.localdate()
    honey = tourism_world.demo.sold[1]
    certificates.revoke_certificate(actor=None, certificate=Certificate.objects.get(
        product=honey), reason="Vi phạm chất lượng", decision_number="99/QĐ-UBND")
    for d in tourism_world.demo.destinations:
        assert honey not in selectors.products_sold(d, today)
    assert not selectors.destinations_selling(honey).exists()


def test_a_product_past_its_validity_leaves_on_that_day(tourism_world):
    rice = tourism_world.demo.sold[0]
    end = Certificate.objects.get(product=rice).valid_until
    river = tourism_world.demo.destinations[1]
    assert rice in selectors.products_sold(river, end)
    assert rice not in selectors.products_sold(river, end + timedelta(days=1))
    assert list(selectors.destinations_selling(rice, end)) == [river]
    assert not selectors.destinations_selling(rice, end + timedelta(days=1)).exists()


def test_unpublished_destinations_and_itineraries_are_not_public(tourism_world):
    nui_danh = tourism_world.demo.destinations[0]
    services.set_destination_published(actor=None, destination=nui_danh, published=False)
    services.set_itinerary_published(actor=None, itinerary=tourism_world.demo.itinerary,
                                     published=False)
    assert names(selectors.public_destinations()) == [tourism_world.demo.destinations[1].name]
    assert not selectors.public_itineraries().exists()
    kinds = [f["properties"]["kind"] for f in selectors.geojson_features()]
    assert kinds == ["destination"]
    honey = tourism_world.demo.sold[1]
    assert list(selectors.destinations_selling(honey)) == [tourism_world.demo.destinations[1]]


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "nui danh"}, ["Khu du lịch tâm linh – sinh thái núi Dành"]),
    ({"q": "SONG THUONG ben"}, ["Bến sông Thương – du lịch sinh thái ven sông Liên Chung"]),
    ({"q": "lien chung"}, ["Bến sông Thương – du lịch sinh thái ven sông Liên Chung",
                           "Khu du lịch tâm linh – sinh thái núi Dành"]),
    ({"dich_vu": "boat"}, ["Bến sông Thương – du lịch sinh thái ven sông Liên Chung"]),
    ({"dich_vu": "guide"}, ["Khu du lịch tâm linh – sinh thái núi Dành"]),
    ({"dich_vu": "stay"}, []),
    ({"tinh": "P24"}, ["Bến sông Thương – du lịch sinh thái ven sông Liên Chung",
                       "Khu du lịch tâm linh – sinh thái núi Dành"]),
    ({"tinh": "P01"}, []),
    # Registered under Xã Liên Chung (before 2025), found under Xã Phúc Hòa, which it became.
    ({"xa": "C07330"}, ["Bến sông Thương – du lịch sinh thái ven sông Liên Chung",
                        "Khu du lịch tâm linh – sinh thái núi Dành"]),
    ({"xa": "C07582"}, []),
])
def test_the_list_filters(tourism_world, params, expected):
    assert names(selectors.public_destinations(DestinationFilter.from_params(params))) == expected


def test_service_filter_matches_the_stored_codes(tourism_world):
    for code in Service.values:
        got = {d.pk for d in selectors.public_destinations(DestinationFilter(service=code))}
        assert got == {d.pk for d in tourism_world.demo.destinations if code in d.service_codes}


def test_geojson_features(tourism_world):
    features = selectors.geojson_features()
    points = {f["properties"]["id"]: f for f in features
              if f["properties"]["kind"] == "destination"}
    for d in tourism_world.demo.destinations:
        assert points[d.pk]["geometry"] == {
            "type": "Point", "coordinates": [float(d.longitude), float(d.latitude)]}
        assert points[d.pk]["properties"]["url"] == f"/du-lich/diem/{d.pk}/"
    [route] = [f for f in features if f["properties"]["kind"] == "itinerary"]
    stops = list(tourism_world.demo.itinerary.stops.all())
    assert route["geometry"]["type"] == "LineString"
    assert len(route["geometry"]["coordinates"]) == len(stops)
    first = stops[0].destination
    assert route["geometry"]["coordinates"][0] == [float(first.longitude), float(first.latitude)]
    # The producer stop sits at the centre of the commune its old commune became.
    farm_commune = stops[1].producer.commune.current_commune
    lat, lon = geo.commune_centre(farm_commune.code)
    assert route["geometry"]["coordinates"][1] == [lon, lat]


def test_office_lists_are_scoped(tourism_world):
    users = tourism_world.users
    demo = {d.pk for d in tourism_world.demo.destinations}
    for role, expected in [("admin", demo), ("central", demo), ("province_office", demo),
                           ("commune_officer", demo), ("other_province_office", set()),
                           ("other_commune_officer", set()), ("inspector", set()),
                           ("council_member", set()), ("producer", set())]:
        assert {d.pk for d in selectors.destinations_for(users[role])} == expected, role
    it = tourism_world.demo.itinerary.pk
    for role, expected in [("admin", {it}), ("province_office", {it}),
                           ("commune_officer", set()), ("other_province_office", set())]:
        assert {i.pk for i in selectors.itineraries_for(users[role])} == expected, role
