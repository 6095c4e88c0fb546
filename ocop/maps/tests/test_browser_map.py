"""The map renders in Chromium on a phone under the site's strict CSP: Leaflet from the app's
static files, the app-served base layer, one circle per commune, popups with escaped names."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ocop.accounts.testing import signed_in_context
from ocop.maps.tests.conftest import certify
from ocop.registry.models import Product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(new_context, live_server, user=None):
    context = (new_context(base_url=live_server.url) if user is None
               else signed_in_context(new_context, live_server, user))
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    problems: list[str] = []
    page.on("console",
            lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    return page, problems, requests


def test_the_public_map_renders_with_a_circle_per_commune(new_context, live_server, map_world):
    # A name from before the plain-text rule: it must show as text, never as markup.
    product = Product.objects.create(producer=map_world.world.producers["own"],
                                     name="Mứt <img src=x id=injected>",
                                     product_set=map_world.world.product_set)
    certify(product, "OCOP-24-2025-00077")
    page, problems, requests = _page(new_context, live_server)
    page.goto("/ban-do/")
    root = page.locator("#ocop-map")
    expect(root).to_have_attribute("data-ready", "1")
    expect(page.locator("#ocop-map.leaflet-container")).to_have_count(1)
    # Xã Lục Ngạn and Phường Hoàn Kiếm hold valid certificates; revoked/expired ones add none.
    expect(root).to_have_attribute("data-public-markers", "2")
    expect(page.locator("path.ocop-marker-public")).to_have_count(2)
    assert page.locator(".leaflet-overlay-pane path").count() > 2  # the province shapes too
    assert page.locator(".leaflet-tile").count() == 0  # no tile layer at all

    # The biggest circle is Lục Ngạn's (3 products); its popup lists them with their links.
    page.locator("#ocop-map").scroll_into_view_if_needed()
    page.evaluate("""() => { const p = [...document.querySelectorAll('path.ocop-marker-public')]
        .sort((a, b) => b.getBBox().width - a.getBBox().width)[0];
        p.dispatchEvent(new MouseEvent('click', {bubbles: true})); }""")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Xã Lục Ngạn")
    expect(popup).to_contain_text("Thành phố Bắc Ninh")
    expect(popup).to_contain_text("Sản phẩm còn hiệu lực: 3")
    expect(popup.get_by_role("link", name="Mứt <img src=x id=injected>")).to_have_attribute(
        "href", "/verify/OCOP-24-2025-00077")
    assert page.locator("#injected").count() == 0
    # Leaflet's controls speak the page's language: no "Zoom in", "Layers", "Close popup".
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Phóng to")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("aria-label", "Thu nhỏ")
    expect(page.locator(".leaflet-control-layers-toggle")).to_have_attribute(
        "aria-label", "Lớp hiển thị trên bản đồ")
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "Đóng")
    words = page.evaluate("""() => [...document.querySelectorAll(
        '#ocop-map [title], #ocop-map [aria-label]')].map(
        e => (e.title || '') + ' ' + (e.getAttribute('aria-label') || '')).join(' ')""")
    assert not {"Zoom", "Layers", "Close"} & set(words.split()), words

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    origin = live_server.url
    assert all(url.startswith(origin) for url in requests), requests
    assert problems == [], problems  # a CSP violation is reported on the console


def test_an_office_sees_its_producers_and_zones(new_context, live_server, map_world):
    page, problems, _requests = _page(new_context, live_server, map_world.users["province_office"])
    page.goto("/ban-do/")
    root = page.locator("#ocop-map")
    expect(root).to_have_attribute("data-ready", "1")
    # Bắc Ninh: Xã Lục Ngạn and Phường Bắc Giang; Hà Nội's producer is not on the staff layer.
    expect(root).to_have_attribute("data-staff-markers", "2")
    expect(root).to_have_attribute("data-zone-shapes", "1")
    expect(page.locator("path.ocop-zone")).to_have_count(1)
    expect(page.get_by_role("heading", name="Chủ thể và vùng nguyên liệu trong địa bàn")
           ).to_be_visible()
    assert problems == [], problems


def test_a_nationwide_account_gets_an_areas_zones_when_it_opens_it(new_context, live_server,
                                                                   map_world):
    page, problems, _requests = _page(new_context, live_server, map_world.users["central"])
    page.goto("/ban-do/")
    root = page.locator("#ocop-map")
    expect(root).to_have_attribute("data-ready", "1")
    expect(root).to_have_attribute("data-staff-markers", "3")  # Lục Ngạn, Bắc Giang, Hoàn Kiếm
    expect(root).to_have_attribute("data-zone-shapes", "0")  # the country's shapes wait
    # Open Xã Lục Ngạn's producers (the largest blue circle: 3 producers, 2 zones).
    page.evaluate("""() => { const p = [...document.querySelectorAll('path.ocop-marker-staff')]
        .sort((a, b) => b.getBBox().width - a.getBBox().width)[0];
        p.dispatchEvent(new MouseEvent('click', {bubbles: true})); }""")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link", name="HTX Vải thiều Lục Ngạn")).to_have_attribute(
        "href", f"/chu-the/{map_world.world.producers['own'].pk}/")
    expect(popup).to_contain_text("VN-24-002")
    expect(root).to_have_attribute("data-zone-shapes", "1")
    assert problems == [], problems
