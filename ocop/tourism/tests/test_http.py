"""The public pages, their schema.org JSON-LD, the GeoJSON, the API, photos, and the offices'
forms refusing bad input with Vietnamese messages."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.tourism import jsonld as jsonld_module
from ocop.tourism import selectors, services
from ocop.tourism.models import Destination, Stop, Weekday
from ocop.tourism.tests.conftest import png_upload

pytestmark = pytest.mark.django_db
LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def jsonld(response) -> dict:
    [text] = LD.findall(response.content.decode())
    return json.loads(text)


def test_destination_page_shows_certified_products_only(tourism_world, client):
    river = tourism_world.demo.destinations[1]
    page = client.get(f"/du-lich/diem/{river.pk}/").content.decode()
    for product in selectors.products_sold(river, timezone.localdate()):
        assert product.name in page
        assert f"/verify/{product.certificate_number}" in page
    assert tourism_world.demo.expired.name not in page
    assert "Liên hệ" in page and "0912 000 357" in page
    # The producer's own phone is never shown: only what the operator published.
    assert river.producer.phone == "" or river.producer.phone not in page


def test_destination_jsonld_structure(tourism_world, client):
    nui_danh = tourism_world.demo.destinations[0]
    data = jsonld(client.get(f"/du-lich/diem/{nui_danh.pk}/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "TouristDestination"
    assert data["url"] == data["@id"] == f"http://testserver/du-lich/diem/{nui_danh.pk}/"
    assert data["name"] == nui_danh.name and data["description"] == nui_danh.summary
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": float(nui_danh.latitude),
                           "longitude": float(nui_danh.longitude)}
    assert data["address"]["@type"] == "PostalAddress"
    assert data["address"]["addressLocality"] == "Xã Phúc Hòa"
    assert data["address"]["addressCountry"] == "VN"
    assert "Du lịch tâm linh, văn hoá" in data["touristType"]
    assert {f["name"] for f in data["amenityFeature"]} == set(nui_danh.service_labels)
    hours = data["openingHoursSpecification"]
    assert [h["dayOfWeek"] for h in hours] == [
        f"https://schema.org/{d}" for d in ("Monday", "Tuesday", "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday")]
    assert all(h["@type"] == "OpeningHoursSpecification" and h["opens"] < h["closes"]
               for h in hours)
    [store] = data["containsPlace"]
    assert store["@type"] == "Store"
    offered = [o["itemOffered"] for o in store["makesOffer"]]
    expected = list(selectors.products_sold(nui_danh, timezone.localdate()))
    assert [p["name"] for p in offered] == [p.name for p in expected]
    for item, product in zip(offered, expected, strict=True):
        assert item["@type"] == "Product" and all(o["@type"] == "Offer"
                                                  for o in store["makesOffer"])
        cert = item["hasCertification"]
        assert cert["@type"] == "Certification"
        assert cert["certificationIdentification"] == product.certificate_number
        assert cert["certificationRating"]["ratingValue"] == product.best_stars
        assert cert["url"] == f"http://testserver/verify/{product.certificate_number}"


def test_jsonld_cannot_close_its_script_element():
    text = jsonld_module.script_text({"name": "Mở </script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "Mở </script><script>alert(1)</script> & <!--"}


def test_itinerary_page_and_tourist_trip(tourism_world, client):
    it = tourism_world.demo.itinerary
    response = client.get(f"/du-lich/tuyen/{it.pk}/")
    page = response.content.decode()
    stops = list(it.stops.all())
    for stop in stops:
        assert (stop.destination or stop.producer).name in page
    total = sum(stop.minutes or 0 for stop in stops)
    hours, rest = divmod(total, 60)
    assert f"khoảng {hours} giờ {rest} phút tham quan" in page  # not "330 phút"
    data = jsonld(response)
    assert data["@type"] == "TouristTrip" and data["name"] == it.name
    items = data["itinerary"]
    assert items["@type"] == "ItemList" and items["numberOfItems"] == len(stops)
    assert [e["position"] for e in items["itemListElement"]] == [s.position for s in stops]
    first = items["itemListElement"][0]["item"]
    assert first["@type"] == "TouristDestination" and first["timeRequired"] == "PT150M"
    assert items["itemListElement"][1]["item"]["@type"] == "LocalBusiness"


def test_geojson_is_public_and_cached(tourism_world, client):
    response = client.get("/du-lich/du-lieu/ban-do.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"]
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["features"] == json.loads(json.dumps(selectors.geojson_features()))
    one = client.get(f"/du-lich/du-lieu/ban-do.geojson?tuyen={tourism_world.demo.itinerary.pk}")
    assert [f["properties"]["kind"] for f in one.json()["features"]].count("itinerary") == 1
    assert client.get("/du-lich/du-lieu/ban-do.geojson?tuyen=abc").status_code == 404
    assert client.get("/du-lich/du-lieu/ban-do.geojson?tuyen=999").status_code == 404


def test_unpublished_pages_are_404(tourism_world, client):
    d = tourism_world.demo.destinations[0]
    services.set_destination_published(actor=None, destination=d, published=False)
    response = client.get(f"/du-lich/diem/{d.pk}/")
    assert response.status_code == 404
    assert client.get(f"/api/v1/tourism/destinations/{d.pk}").status_code == 404
    # Its stop on the route is named, without a link.
    page = client.get(f"/du-lich/tuyen/{tourism_world.demo.itinerary.pk}/").content.decode()
    assert d.name in page and f'href="/du-lich/diem/{d.pk}/"' not in page
    # Nor is its point published through the route's line or structured data.
    [route] = [f for f in client.get("/du-lich/du-lieu/ban-do.geojson").json()["features"]
               if f["properties"]["kind"] == "itinerary"]
    assert [float(d.longitude), float(d.latitude)] not in route["geometry"]["coordinates"]
    trip = jsonld(client.get(f"/du-lich/tuyen/{tourism_world.demo.itinerary.pk}/"))
    assert "geo" not in trip["itinerary"]["itemListElement"][0]["item"]


def test_api_list_and_detail(tourism_world, client):
    data = client.get("/api/v1/tourism/destinations?page_size=1").json()
    assert data["count"] == 2 and data["page_size"] == 1 and len(data["results"]) == 1
    found = client.get("/api/v1/tourism/destinations?q=nui+danh&service=festival").json()
    [row] = found["results"]
    nui_danh = tourism_world.demo.destinations[0]
    assert row["id"] == nui_danh.pk and row["commune"] == "Xã Phúc Hòa"
    assert row["services"] == nui_danh.service_codes
    detail = client.get(f"/api/v1/tourism/destinations/{nui_danh.pk}").json()
    assert [h["weekday_name"] for h in detail["opening_hours"]] == [str(d.label) for d in Weekday]
    assert {p["name"] for p in detail["products"]} == {
        p.name for p in selectors.products_sold(nui_danh, timezone.localdate())}
    river = tourism_world.demo.destinations[1]
    names = {p["name"] for p in client.get(
        f"/api/v1/tourism/destinations/{river.pk}").json()["products"]}
    assert tourism_world.demo.expired.name not in names
    missing = client.get("/api/v1/tourism/destinations/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.get("/api/v1/tourism/destinations?page=0").status_code == 422


def test_photos_public_when_published(tourism_world, client):
    d = tourism_world.demo.destinations[0]
    photo = services.add_photo(actor=None, destination=d, file=png_upload())
    response = client.get(f"/du-lich/anh/{photo.pk}")
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    services.set_destination_published(actor=None, destination=d, published=False)
    assert Client().get(f"/du-lich/anh/{photo.pk}").status_code == 404
    office = login_client(tourism_world.users["commune_officer"])
    assert office.get(f"/du-lich/anh/{photo.pk}").status_code == 200
    other = login_client(tourism_world.users["other_commune_officer"])
    assert other.get(f"/du-lich/anh/{photo.pk}").status_code == 404


def test_forms_refuse_bad_input_in_vietnamese(tourism_world):
    client = login_client(tourism_world.users["province_office"])
    before = Destination.objects.count()
    page = client.post("/du-lich/quan-ly/diem/moi/", {
        "name": "Điểm sai", "commune": "LC07357", "latitude": "48.85", "longitude": "2.29",
        "summary": "Thử.", "opens_0": "17:00", "closes_0": "08:00"}).content.decode()
    assert "nằm ngoài lãnh thổ Việt Nam" in page
    assert "Thứ Hai: giờ đóng cửa (08:00) phải sau giờ mở cửa (17:00)." in page
    assert Destination.objects.count() == before
    d = tourism_world.demo.destinations[0]
    response = client.post(f"/du-lich/quan-ly/diem/{d.pk}/anh/", {
        "image": png_upload("x.png").__class__("x.png", b"%PDF-1.4 not an image")},
        follow=True)
    assert "PDF" in response.content.decode() and not d.photos.exists()
    it = tourism_world.demo.itinerary
    stops = list(Stop.objects.filter(itinerary=it).values_list("destination", "producer"))
    page = client.post(f"/du-lich/quan-ly/tuyen/{it.pk}/", {
        "name": it.name, "summary": it.summary, "stop_1_destination": d.pk,
        "stop_2_destination": d.pk}).content.decode()
    assert "trùng với điểm dừng ngay trước" in page
    page = client.post(f"/du-lich/quan-ly/tuyen/{it.pk}/", {
        "name": it.name, "summary": it.summary}).content.decode()
    assert "cần ít nhất một điểm dừng" in page
    assert list(Stop.objects.filter(itinerary=it).values_list("destination", "producer")) \
        == stops


def test_office_builds_and_publishes_a_route(tourism_world):
    client = login_client(tourism_world.users["province_office"])
    nui_danh, river = tourism_world.demo.destinations
    response = client.post("/du-lich/quan-ly/tuyen/moi/", {
        "name": "Sáng núi Dành", "summary": "Ngắn.", "stop_1_destination": nui_danh.pk,
        "stop_1_minutes": "90", "stop_3_destination": river.pk})
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert Client().get(f"/du-lich/tuyen/{pk}/").status_code == 404
    client.post(f"/du-lich/quan-ly/tuyen/{pk}/cong-khai/", {"published": "1"})
    page = Client().get(f"/du-lich/tuyen/{pk}/").content.decode()
    assert "Sáng núi Dành" in page and "Gợi ý: 90 phút" in page


def test_english_page(tourism_world, client):
    client.cookies["django_language"] = "en"
    page = client.get("/du-lich/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Community tourism" in page


def test_demo_is_idempotent(tourism_world):
    from ocop.tourism.demo import build_demo_tourism

    again = build_demo_tourism(timezone.localdate())
    assert again.itinerary == tourism_world.demo.itinerary
    assert Destination.objects.count() == 2


def test_office_adds_a_photo_and_a_product_through_the_pages(tourism_world):
    client = login_client(tourism_world.users["commune_officer"])
    nui_danh = tourism_world.demo.destinations[0]
    response = client.post(f"/du-lich/quan-ly/diem/{nui_danh.pk}/anh/",
                           {"image": png_upload(), "caption": "Cổng chùa"}, follow=True)
    assert "Đã thêm ảnh." in response.content.decode()
    [photo] = nui_danh.photos.all()
    page = Client().get(f"/du-lich/diem/{nui_danh.pk}/")
    assert f"/du-lich/anh/{photo.pk}" in page.content.decode()
    assert jsonld(page)["image"] == [f"http://testserver/du-lich/anh/{photo.pk}"]
    rice = tourism_world.demo.sold[0]
    response = client.post(f"/du-lich/quan-ly/diem/{nui_danh.pk}/san-pham/",
                           {"product": rice.pk}, follow=True)
    assert "Đã thêm sản phẩm bán tại điểm." in response.content.decode()
    assert rice.name in Client().get(f"/du-lich/diem/{nui_danh.pk}/").content.decode()
    # A product without a valid certificate is not among the choices.
    response = client.post(f"/du-lich/quan-ly/diem/{nui_danh.pk}/san-pham/",
                           {"product": tourism_world.demo.expired.pk}, follow=True)
    assert "Hãy chọn một sản phẩm OCOP còn hiệu lực" in response.content.decode()
    assert not nui_danh.sold.filter(product=tourism_world.demo.expired).exists()


def test_route_page_sends_the_stops_in_use_and_one_more(tourism_world):
    """Each stop row lists the province's destinations and active producers: a new route gets
    three rows, an edit its stops and one more; a stop typed in a row the page added is kept."""
    client = login_client(tourism_world.users["province_office"])
    page = client.get("/du-lich/quan-ly/tuyen/moi/").content.decode()
    assert re.findall(r'name="stop_(\d)_destination"', page) == ["1", "2", "3"]
    assert 'data-rows-max="8"' in page and "Thêm điểm dừng" in page
    nui_danh, river = tourism_world.demo.destinations
    response = client.post("/du-lich/quan-ly/tuyen/moi/", {
        "name": "Hai điểm", "summary": "Ngắn.", "stop_1_destination": nui_danh.pk,
        "stop_7_destination": river.pk, "stop_7_note": "Đi thuyền"})
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert list(Stop.objects.filter(itinerary_id=pk).values_list("destination", "note")) == [
        (nui_danh.pk, ""), (river.pk, "Đi thuyền")]
    page = client.get(f"/du-lich/quan-ly/tuyen/{pk}/").content.decode()
    assert re.findall(r'name="stop_(\d)_destination"', page) == ["1", "2", "3"]
    page = client.post(f"/du-lich/quan-ly/tuyen/{pk}/", {
        "name": "Hai điểm", "summary": "Ngắn.", "stop_5_destination": river.pk,
        "stop_6_destination": river.pk}).content.decode()
    assert "trùng với điểm dừng ngay trước" in page
    assert re.findall(r'name="stop_(\d)_destination"', page) == [str(n) for n in range(1, 8)]
