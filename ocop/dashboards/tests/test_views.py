"""Who opens which dashboard (a matrix of roles and areas), what the pages and the charts answer,
and that a drill-down page lists the products its number counted."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ocop.accounts.testing import login_client
from ocop.dashboards import figures
from ocop.dashboards.selectors import Scope
from ocop.units.models import Unit

pytestmark = pytest.mark.django_db

HOME = reverse("dashboards:home")
PRODUCTS = reverse("dashboards:products")
CHART = reverse("dashboards:chart", args=["stars"])

# role → (status of the own dashboard, its area)
OWN = {
    "admin": (200, "Toàn quốc"),
    "central": (200, "Toàn quốc"),
    "province_office": (200, "P24"),
    "other_province_office": (200, "P01"),
    "commune_officer": (200, "C07582"),
    "other_commune_officer": (200, "C00070"),
    "inspector": (200, "P24"),
    "inspector_without_area": (403, ""),
    "council_member": (403, ""),
    "producer": (403, ""),
}
# (role, area asked) → status: an area inside the viewer's opens, any other is refused.
NARROWED = {
    ("central", "P24"): 200, ("central", "C00070"): 200, ("admin", "P01"): 200,
    ("province_office", "C07582"): 200, ("province_office", "P01"): 403,
    ("province_office", "C00070"): 403, ("other_province_office", "P24"): 403,
    ("commune_officer", "P24"): 403, ("commune_officer", "C07210"): 403,
    ("inspector", "C07582"): 200, ("inspector", "P01"): 403,
    ("central", "LD219"): 403,  # a legacy unit is no dashboard area
    ("producer", "C07582"): 403,
}


@pytest.mark.parametrize("role", list(OWN))
def test_own_dashboard_by_role(world, role):
    status, area = OWN[role]
    name = Unit.objects.get(pk=area).full_name if area.startswith(("P", "C")) else area
    client = login_client(world.users[role])
    for url in (HOME, CHART, f"{PRODUCTS}?set=valid"):
        response = client.get(url)
        assert response.status_code == status, url
    if status == 200:
        page = client.get(HOME).content.decode()
        assert f"Bảng điều khiển: {name}" in page


@pytest.mark.parametrize(("role", "area"), list(NARROWED))
def test_narrowed_dashboard_by_role_and_area(world, role, area):
    client = login_client(world.users[role])
    for url in (HOME, CHART, PRODUCTS):
        response = client.get(url, {"area": area, "set": "valid"})
        assert response.status_code == NARROWED[(role, area)], url


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in (HOME, CHART, PRODUCTS):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_refusal_names_the_reason(world):
    response = login_client(world.users["producer"]).get(HOME)
    assert "chỉ dành cho cơ quan quản lý" in response.content.decode()
    response = login_client(world.users["inspector_without_area"]).get(HOME)
    assert "chưa được gắn với tỉnh/thành phố" in response.content.decode()


def test_page_shows_each_chart_as_an_image_beside_its_table(world):
    client = login_client(world.users["province_office"])
    page = client.get(HOME).content.decode()
    for key in figures.figures_for(Scope(world.units.bac_ninh)):
        assert f'id="{key}"' in page
    charts = re.findall(r'<img class="chart" src="([^"]+)"', page)
    assert len(charts) >= 10
    assert "<svg" not in page  # never inline (CSP)
    for src in charts:
        response = client.get(src.replace("&amp;", "&"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert "script-src" not in response["Content-Security-Policy"]
        assert b"<script" not in response.content
    # A phone gets the same chart drawn for its width, for the same area and day.
    narrow = re.findall(r'<source media="\(max-width: 600px\)" srcset="([^"]+)"', page)
    assert len(narrow) == len(charts)
    for wide, phone in zip(charts, narrow, strict=True):
        assert phone.replace("&amp;", "&") == wide.replace("&amp;", "&") + (
            "&narrow=1" if "?" in wide else "?narrow=1")
        svg = client.get(phone.replace("&amp;", "&")).content.decode()
        assert 'viewBox="0 0 400 ' in svg.split(">", 1)[0] and "<script" not in svg
    # The legacy district row links to its products.
    assert "district=LD219" in page
    assert "Huyện Lục Ngạn" in page


def test_unknown_chart_and_unknown_set_are_not_found(world):
    client = login_client(world.users["central"])
    assert client.get(reverse("dashboards:chart", args=["nope"])).status_code == 404
    assert client.get(PRODUCTS, {"set": "nope"}).status_code == 404


def test_drill_down_lists_the_products_of_luc_ngan(world):
    client = login_client(world.users["province_office"])
    page = client.get(PRODUCTS, {"set": "registered", "district": "LD219"}).content.decode()
    for key in "ABGCH":
        assert f"Sản phẩm {key}<" in page
    for key in "DJEFK":
        assert f"Sản phẩm {key}<" not in page
    assert "Huyện Lục Ngạn" in page
    # The filter and the viewer's area read as two things, not one run of names.
    assert re.search(r'Huyện Lục Ngạn</span> <span class="muted">— Địa bàn: [^<]+</span>', page)


def test_drill_down_of_another_province_lists_nothing_of_it(world):
    """A filter naming another province's unit stays inside the viewer's area."""
    client = login_client(world.users["province_office"])
    page = client.get(PRODUCTS, {"set": "registered", "province": "P01"}).content.decode()
    assert "Sản phẩm F<" not in page and "Sản phẩm K<" not in page
    assert "Không có sản phẩm nào." in page


def test_a_past_day_is_kept_in_every_link_and_a_future_day_is_today(world):
    client = login_client(world.users["central"])
    page = client.get(HOME, {"on": "2024-06-30"}).content.decode()
    assert "30/06/2024" in page
    assert "on=2024-06-30" in page
    future = client.get(HOME, {"on": "2999-01-01"}).content.decode()
    assert world.today.strftime("%d/%m/%Y") in future


def test_central_opens_a_province_and_its_links_stay_in_it(world):
    client = login_client(world.users["central"])
    nation = client.get(HOME).content.decode()
    assert "area=P24" in nation  # the province row opens its dashboard
    page = client.get(HOME, {"area": "P24"}).content.decode()
    assert f"Bảng điều khiển: {world.units.bac_ninh.full_name}" in page
    assert "Về bảng điều khiển của bạn" in page
    # The dossier list cannot be narrowed to a province: no link to it from a narrowed page.
    assert reverse("dossiers:list") + "?state=" not in page
    assert reverse("dossiers:list") + "?state=" in nation


def test_english_interface(world):
    client = login_client(world.users["province_office"])
    client.cookies["django_language"] = "en"
    page = client.get(HOME, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Dashboard" in page
