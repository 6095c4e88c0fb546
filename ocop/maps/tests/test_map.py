"""The map's data and pages: contents against independent queries, jurisdiction as a matrix,
caching, constant query counts, and assets served by the app."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.certificates.models import Certificate
from ocop.maps import geodata, selectors
from ocop.maps.tests.conftest import TODAY, certify
from ocop.registry.models import Producer, Product
from ocop.registry.testing import make_product
from ocop.units.models import Unit

pytestmark = pytest.mark.django_db

PUBLIC = reverse("maps:public_data")
STAFF = reverse("maps:staff_data")
PAGE = reverse("maps:map")


def _json(client: Client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _expected_public() -> dict[str, set[str]]:
    """Product names by current commune, from each certificate's own ``status_on``."""
    by_area: dict[str, set[str]] = defaultdict(set)
    for c in Certificate.objects.select_related("product", "producer__commune"):
        if c.status_on(TODAY) == "valid":
            by_area[c.producer.commune.current_commune_id].add(c.product.name)
    return by_area


def _area_url(name: str, key: str) -> str:
    return reverse(name, args=[key])


def test_public_layer_holds_exactly_the_products_with_a_valid_certificate(map_world):
    client = Client()
    data = _json(client, PUBLIC)
    expected = _expected_public()
    # The map's load: counts only, one entry per commune.
    assert {a["key"]: a["count"] for a in data["areas"]} == {k: len(v) for k, v in expected.items()}
    assert all("items" not in a for a in data["areas"])
    # A product with two valid certificates counts once; the legacy commune's product is placed
    # at the commune it became.
    assert {a["key"]: a["count"] for a in data["areas"]} == {"C07582": 2, "C00070": 1}
    assert data["total"] == 3
    assert {p["key"]: p["count"] for p in data["provinces"]} == {"P24": 2, "P01": 1}
    # Each area's list (a popup), against the independent query.
    details = {a["key"]: _json(client, _area_url("maps:public_area", a["key"]))
               for a in data["areas"]}
    assert {k: {i["name"] for i in d["items"]} for k, d in details.items()} == expected
    luc_ngan = details["C07582"]
    assert [(i["name"], i["stars"], i["url"]) for i in luc_ngan["items"]] == [
        ("Sản phẩm HTX Vải thiều Lục Ngạn", 4, "/verify/OCOP-24-2025-00001"),  # the higher stars
        ("Mật ong hoa vải Đồng Cốc", 3, "/verify/OCOP-24-2024-00005"),
    ]
    # Revoked and expired products appear nowhere, not even by certificate number.
    text = json.dumps([data, details], ensure_ascii=False)
    for key in ("revoked", "expired"):
        certificate = map_world.certificates[key]
        assert certificate.product.name not in text and certificate.number not in text
    assert _json(client, _area_url("maps:public_area", "C07210"))["items"] == []
    # Points come from the package's data.
    area = next(a for a in data["areas"] if a["key"] == "C07582")
    place = geodata.commune_place("07582")
    assert (area["lat"], area["lon"]) == (place.lat, place.lon) and area["province_key"] == "P24"


@pytest.mark.parametrize("key", ["X1", "C1", "P024", "C07582x", "../P24"])
def test_an_unknown_area_key_is_not_found(map_world, key):
    assert Client().get(f"/ban-do/du-lieu/cong-khai/{key}.json").status_code == 404
    office = login_client(map_world.users["central"])
    assert office.get(f"/ban-do/du-lieu/dia-ban/{key}.json").status_code == 404


def test_public_layer_follows_a_revocation_at_once_despite_the_cache(map_world):
    assert _json(Client(), PUBLIC)["total"] == 3
    Certificate.objects.filter(pk=map_world.certificates["hanoi"].pk).update(revoked_on=TODAY)
    data = _json(Client(), PUBLIC)
    assert data["total"] == 2 and {a["key"] for a in data["areas"]} == {"C07582"}


def test_public_layer_is_served_from_the_cache_with_one_query(map_world):
    client = Client()
    with CaptureQueriesContext(connection) as cold:
        client.get(PUBLIC)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(PUBLIC)
    assert len(cold) == 2 and len(warm) == 1  # the fingerprint, then the layer only when cold
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def _more_of_everything(units, product_set, n: int) -> None:
    hoan_kiem = Unit.objects.get(pk="C00070")
    for i in range(n):
        commune = (units.xa_luc_ngan, units.phuong_bac_giang, hoan_kiem)[i % 3]
        producer = Producer.objects.create(name=f"Tổ hợp tác số {i}", commune=commune,
                                           legal_form="cooperative",
                                           tax_code=f"{8000000000 + i}")
        certify(make_product(producer, f"Sản phẩm số {i}", product_set), f"OCOP-24-2025-9{i:04d}")


def test_query_counts_do_not_grow_with_the_rows(map_world):
    units, product_set = map_world.world.units, map_world.world.product_set
    office = login_client(map_world.users["central"])

    def counts() -> tuple[int, ...]:
        from django.core.cache import cache

        cache.clear()
        result = []
        for client, url in ((Client(), PUBLIC), (Client(), _area_url("maps:public_area", "C07582")),
                            (office, STAFF), (office, _area_url("maps:staff_area", "C07582")),
                            (office, PAGE + "?tinh=P24")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return tuple(result)

    before = counts()
    _more_of_everything(units, product_set, 12)
    assert counts() == before


# Producers each role sees on the staff layer (the registry world: own and other_producer in Xã
# Lục Ngạn, other_commune in Phường Bắc Giang — both Bắc Ninh — other_province in Hà Nội, and the
# pre-2025 Đồng Cốc producer, now in Xã Lục Ngạn).
LUC_NGAN = {"HTX Vải thiều Lục Ngạn", "Hộ kinh doanh Mật ong Đồng Cốc", "HTX Mật ong Đồng Cốc cũ"}
BAC_NINH = LUC_NGAN | {"Công ty Gốm Bắc Giang"}
EVERYWHERE = BAC_NINH | {"HTX Trà Hoàn Kiếm"}
STAFF_MATRIX = {
    "admin": (EVERYWHERE, {"VN-24-001", "VN-24-002", "VN-24-003", "VN-01-001"}),
    "central": (EVERYWHERE, {"VN-24-001", "VN-24-002", "VN-24-003", "VN-01-001"}),
    "province_office": (BAC_NINH, {"VN-24-001", "VN-24-002", "VN-24-003"}),
    "inspector": (BAC_NINH, {"VN-24-001", "VN-24-002", "VN-24-003"}),
    "commune_officer": (LUC_NGAN, {"VN-24-001", "VN-24-002"}),
    "other_province_office": ({"HTX Trà Hoàn Kiếm"}, {"VN-01-001"}),
}


@pytest.mark.parametrize("role", sorted(STAFF_MATRIX))
def test_staff_layer_stays_inside_the_jurisdiction(map_world, role):
    producers, zones = STAFF_MATRIX[role]
    client = login_client(map_world.users[role])
    data = _json(client, STAFF)
    assert data["total"] == len(producers) and data["zone_total"] == len(zones)
    # Independent query: the producers' current communes are the areas with producers.
    expected_areas = set(Producer.objects.filter(name__in=producers)
                         .values_list("commune__current_commune_id", flat=True))
    assert {a["key"] for a in data["areas"] if a["count"]} == expected_areas
    details = [_json(client, _area_url("maps:staff_area", a["key"])) for a in data["areas"]]
    assert {i["name"] for d in details for i in d["items"]} == producers
    assert {i["note"] for d in details for i in d["zone_items"]} == zones
    # Only zones with a boundary are drawn: with the layer for an account bound to an area,
    # with the area's list for a nation-wide one.
    layer_shapes = {f["properties"]["code"] for f in data["zones"]["features"]}
    area_shapes = {f["properties"]["code"] for d in details for f in d["shapes"]["features"]}
    assert area_shapes == zones & {"VN-24-001"}
    assert layer_shapes == (set() if role in ("admin", "central") else zones & {"VN-24-001"})
    # Another area's list holds nothing of another jurisdiction.
    for key in ("C07582", "C07210", "C00070", "P24"):
        detail = _json(client, _area_url("maps:staff_area", key))
        assert {i["name"] for i in detail["items"]} <= producers
    assert "private" in client.get(STAFF)["Cache-Control"]


@pytest.mark.parametrize("role", ["council_member", "producer", None])
def test_staff_layer_is_refused_to_other_accounts(map_world, role):
    client = login_client(map_world.users[role]) if role else Client()
    for url in (STAFF, _area_url("maps:staff_area", "C00070")):
        response = client.get(url)
        assert response.status_code == 403
        assert "HTX Trà Hoàn Kiếm".encode() not in response.content
    page = client.get(PAGE + "?tinh=P24")
    assert page.status_code == 200
    assert "data-staff" not in page.content.decode()
    assert "Công ty Gốm Bắc Giang" not in page.content.decode()  # no certified product


def test_zone_shapes_link_to_the_zone_page(map_world):
    data = _json(login_client(map_world.users["commune_officer"]), STAFF)
    (shape,) = data["zones"]["features"]
    assert shape["properties"]["code"] == "VN-24-001"
    assert shape["geometry"] == map_world.zones["own"].boundary
    assert shape["properties"]["url"] == f"/truy-xuat/vung/{map_world.zones['own'].pk}/"
    assert shape["properties"]["status"] == "Đã cấp mã"


def test_page_is_public_and_has_the_tables_of_the_same_counts(map_world):
    client = Client()
    html = client.get(PAGE).content.decode()
    assert "<h1>Bản đồ OCOP</h1>" in html
    # Without a province chosen: the totals by province, each a link to its communes.
    assert '<a href="?tinh=P24#san-pham-xa">Thành phố Bắc Ninh</a>' in html
    assert "Chọn một tỉnh, thành phố trong bảng trên" in html
    html = client.get(PAGE + "?tinh=P24").content.decode()
    detail = _json(client, _area_url("maps:public_area", "C07582"))
    for item in detail["items"]:
        assert f'<a href="{item["url"]}">{item["name"]}</a>' in html
    assert "Sản phẩm HTX Trà Hoàn Kiếm</a>" not in html  # Hà Nội's, not listed under Bắc Ninh
    assert "Hộ kinh doanh Mật ong Đồng Cốc" not in html  # its certificate was revoked
    # A key that is not a province is ignored, not an error.
    assert client.get(PAGE + "?tinh=<b>").status_code == 200


def test_staff_page_lists_producers_and_zones_of_the_home_province(map_world):
    html = login_client(map_world.users["province_office"]).get(PAGE).content.decode()
    own = map_world.world.producers["own"]
    assert f'<a href="/chu-the/{own.pk}/">HTX Vải thiều Lục Ngạn</a>' in html
    zone = map_world.zones["other_commune"]
    assert f'<a href="/truy-xuat/vung/{zone.pk}/">Vùng vải VN-24-003</a> (VN-24-003)' in html
    other = map_world.world.producers["other_province"]
    assert f'href="/chu-the/{other.pk}/"' not in html
    # Asking for another province shows none of its producers.
    html = login_client(map_world.users["province_office"]).get(PAGE + "?tinh=P01").content
    assert f'href="/chu-the/{other.pk}/"'.encode() not in html


def test_names_are_escaped_in_the_page(map_world):
    producer = Producer.objects.create(name="HTX <script>alert(1)</script>",
                                       commune=map_world.world.units.xa_luc_ngan,
                                       legal_form="cooperative", tax_code="8100000001")
    # The forms refuse markup in names; rows from before that rule (or an import) may hold it.
    product = Product.objects.create(producer=producer, name="Mứt <img src=x onerror=alert(1)>",
                                     product_set=map_world.world.product_set)
    certify(product, "OCOP-24-2025-00077")
    html = login_client(map_world.users["central"]).get(PAGE + "?tinh=P24").content.decode()
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "Mứt &lt;img src=x onerror=alert(1)&gt;" in html


def test_page_loads_only_the_apps_own_static_files(map_world):
    html = Client().get(PAGE).content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert "/static/leaflet/leaflet.js" in assets and "/static/leaflet/leaflet.css" in assets
    assert all(a.startswith("/static/") for a in assets), assets
    assert 'data-boundaries="/static/maps/vn-provinces.geojson"' in html
    # Leaflet comes from the django-leaflet package, found by the app's static finder.
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/layers.png"):
        found = finders.find(name)
        assert found and "site-packages/leaflet/static/leaflet/" in found


def test_the_english_page(map_world):
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "OCOP map" in html


def test_boundaries_file_is_what_the_package_gives(map_world):
    call_command("map_boundaries", "--check")
    data = json.loads(geodata.BOUNDARIES_FILE.read_text(encoding="utf-8"))
    assert len(data["features"]) == 34
    assert geodata.BOUNDARIES_FILE.stat().st_size < 200_000
    codes = {f["properties"]["code"] for f in data["features"]}
    assert {u.code for u in Unit.objects.filter(era="current", level="province")} <= codes
    for unit in Unit.objects.filter(era="current", level="commune"):
        assert geodata.commune_place(unit.code) is not None, unit
    # The special zones of Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa) are on the map.
    for code, province in (("20333", "48"), ("22736", "56")):
        place = geodata.commune_place(code)
        shape = next(f for f in data["features"] if f["properties"]["code"] == province)
        lons = [p[0] for poly in shape["geometry"]["coordinates"] for p in poly[0]]
        assert place.province_code == province and max(lons) >= place.lon - 0.1


def test_leaflet_static_files_are_listed_for_collectstatic():
    from ocop.maps.finders import FILES, LeafletFinder

    listed = {name for name, _storage in LeafletFinder().list([])}
    assert listed == set(FILES)
    assert all(Path(LeafletFinder().find(f"leaflet/{n}")).is_file() for n in FILES)
    assert LeafletFinder().find("leaflet/draw/leaflet.draw.js") == ""


def test_a_product_without_a_current_commune_is_placed_at_its_province(map_world):
    # A legacy district-level unit has no current commune: the province carries it.
    producer = Producer.objects.create(name="HTX Huyện cũ", legal_form="cooperative",
                                       commune=map_world.world.units.legacy_luc_ngan,
                                       tax_code="8100000002")
    certify(make_product(producer, "Vải sấy huyện cũ", map_world.world.product_set),
            "OCOP-24-2025-00088", issued=TODAY - timedelta(days=5))
    area = next(a for a in selectors.public_layer(TODAY)["areas"] if a["key"] == "P24")
    assert area["count"] == 1 and area["lat"] == geodata.province_place("24").lat
    assert [i["name"] for i in selectors.public_area(TODAY, "P24")["items"]] == ["Vải sấy huyện cũ"]
