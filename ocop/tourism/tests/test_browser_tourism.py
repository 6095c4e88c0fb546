"""A visitor on a phone, not signed in, finds the Liên Chung route from the menu, sees its map
(Leaflet from the app's own files, the route and its destinations), the products sold at each
stop, opens núi Dành and its own map — in Vietnamese, with no sideways scroll at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ocop.accounts.testing import signed_in_phone
from ocop.core.browser_testing import no_sideways_scroll
from ocop.registry.models import Producer
from ocop.tourism.demo import ITINERARY_NAME, NUI_DANH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_follows_the_lien_chung_route(new_context, live_server, tourism_world):
    context = new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    problems: list[str] = []
    page.on("console",
            lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    page.goto("/")
    page.get_by_role("button", name="Trình đơn").click()
    page.get_by_role("link", name="Du lịch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Du lịch cộng đồng gắn với sản phẩm OCOP")
    no_sideways_scroll(page)
    page.get_by_role("link", name=ITINERARY_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ITINERARY_NAME)

    root = page.locator("#tourism-map")
    expect(root).to_have_attribute("data-ready", "1")
    expect(root).to_have_attribute("data-routes", "1")
    expect(root).to_have_attribute("data-markers", "2")
    expect(page.locator("path.tourism-marker")).to_have_count(2)
    expect(page.locator("path.tourism-route")).to_have_count(1)
    assert page.locator(".leaflet-tile").count() == 0

    stops = page.locator("#tourism-stops > li")
    expect(stops).to_have_count(3)
    expect(stops.nth(0)).to_contain_text("Mật ong hoa nhãn núi Dành (4 sao)")
    expect(stops.nth(2)).to_contain_text("Gạo nếp cái hoa vàng Liên Chung (3 sao)")
    # Listed at the riverside, but its certificate has expired: not shown.
    expect(page.get_by_text(tourism_world.demo.expired.name)).to_have_count(0)
    no_sideways_scroll(page)

    # The route's popup names its stops in order.
    page.evaluate("""() => document.querySelector('path.tourism-route')
        .dispatchEvent(new MouseEvent('click', {bubbles: true}))""")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator("li")).to_have_count(3)
    expect(popup.get_by_role("link", name=ITINERARY_NAME)).to_be_visible()
    # Leaflet's controls speak the page's language.
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Phóng to")
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "Đóng")

    page.get_by_role("link", name=NUI_DANH).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NUI_DANH)
    expect(page.locator("#tourism-map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#tourism-map")).to_have_attribute("data-markers", "1")
    expect(page.get_by_role("heading", name="Sản phẩm OCOP bán tại đây")).to_be_visible()
    expect(page.get_by_role("link", name="Kiểm tra giấy chứng nhận").first).to_be_visible()
    expect(page.get_by_text("Thứ Hai", exact=True)).to_be_visible()
    no_sideways_scroll(page)

    page.get_by_role("link", name="Xem các điểm khác trên bản đồ").click()
    expect(page.locator("#tourism-map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#tourism-map")).to_have_attribute("data-markers", "2")
    no_sideways_scroll(page)

    assert problems == []
    assert all(url.startswith(live_server.url) for url in requests), requests


def test_the_office_adds_a_stop_row_to_a_route(new_context, live_server, tourism_world):
    """The route's edit page sends its three stops and one empty row; 'Thêm điểm dừng' adds
    the fifth, labelled as such; the producer chosen there is saved after the three stops (the
    empty fourth row is skipped)."""
    page = signed_in_phone(new_context, live_server, tourism_world.users["province_office"])
    it = tourism_world.demo.itinerary
    page.goto(f"/du-lich/quan-ly/tuyen/{it.pk}/")
    expect(page.locator("[data-row]")).to_have_count(4)
    page.get_by_role("button", name="Thêm điểm dừng").click()
    fifth = page.locator('[data-row="5"]')
    expect(fifth.get_by_label("Điểm dừng 5: điểm du lịch")).to_be_focused()
    producer = Producer.objects.exclude(
        pk__in=it.stops.filter(producer__isnull=False).values("producer")).filter(
        commune__current_province_id=tourism_world.lien_chung.current_province_id,
        status=Producer.Status.ACTIVE).first()
    fifth.get_by_label("hoặc chủ thể OCOP").select_option(str(producer.pk))
    fifth.get_by_label("Thời gian gợi ý (phút)").fill("45")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Lưu tuyến tham quan").click()
    expect(page.get_by_text("Đã lưu tuyến tham quan.")).to_be_visible()
    last = it.stops.order_by("position").last()
    assert (it.stops.count(), last.producer_id, last.minutes) == (4, producer.pk, 45)
    expect(page.locator("[data-row]")).to_have_count(5)
    assert page.console_errors == []
