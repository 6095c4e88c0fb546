"""The provincial standing office opens its dashboard in a real browser, sees the charts, and
drills from "products by legacy district" down to the products of huyện Lục Ngạn; on a 390 px
phone the charts are drawn for the screen and the tables scroll inside their box."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ocop.accounts.testing import confirmed_device
from ocop.registry.tests.test_browser_registry import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_drills_from_legacy_district_to_luc_ngan_products(page: Page, live_server,
                                                                   world):
    office = world.users["province_office"]
    confirmed_device(office)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "ERR_FAILED" not in msg.text else None)

    # The test server's threads share one in-memory SQLite connection, which the page's dozen
    # chart images would use at the same moment (a real server gives each thread its own): the
    # browser loads the districts chart only (test_views.py fetches every chart), and a click
    # waits until it has arrived.
    page.route("**/bang-dieu-khien/bieu-do/**", lambda route: route.continue_()
               if "/districts.svg" in route.request.url else route.abort())
    sign_in(page, live_server.url, office)
    page.get_by_role("link", name="Bảng điều khiển").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.units.bac_ninh.full_name)
    districts = page.locator("#districts")
    expect(districts.get_by_role("heading")).to_have_text(
        "Sản phẩm theo huyện cũ (trước 01/07/2025)")
    chart = districts.locator("img.chart")
    chart.scroll_into_view_if_needed()  # the charts load lazily
    expect(chart).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=chart.element_handle())

    page.wait_for_load_state("networkidle")
    row = districts.locator("tr", has=page.get_by_role("rowheader", name="Huyện Lục Ngạn"))
    # Registered: A B G (legacy Xã Đồng Cốc) and C H (today's Xã Lục Ngạn).
    row.get_by_role("link", name="5").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sản phẩm đăng ký trên hệ thống")
    expect(page.get_by_text("Huyện Lục Ngạn")).to_be_visible()
    names = page.locator("table.list tbody tr td:first-child a")
    expect(names).to_have_text(["Sản phẩm A", "Sản phẩm B", "Sản phẩm C", "Sản phẩm G",
                                "Sản phẩm H"])
    page.get_by_role("link", name="Sản phẩm A").click()
    expect(page.get_by_role("heading", name="Sản phẩm A")).to_be_visible()

    # On a phone: the page does not widen; the chart fits the screen.
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Bảng điều khiển").first.click()
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    chart = page.locator("#districts img.chart")
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=chart.element_handle())
    # The phone's own drawing (labels near text size), not the desktop's shrunk to a third.
    assert "narrow=1" in chart.evaluate("img => img.currentSrc")
    assert chart.bounding_box()["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
