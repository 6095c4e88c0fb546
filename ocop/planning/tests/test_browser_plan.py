"""The provincial standing office opens tỉnh Bắc Giang's 2024 plan (the demo's plan) in a real
browser and reads its targets beside the actuals counted from the records."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ocop.accounts.testing import confirmed_device
from ocop.planning.demo import build_demo_plan
from ocop.registry.tests.test_browser_registry import sign_in
from ocop.web.testing import menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_reads_the_2024_targets_with_actuals(page: Page, live_server, world):
    office = world.users["province_office"]
    confirmed_device(office)
    plan = build_demo_plan()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, live_server.url, office)
    menu_link(page, "Kế hoạch năm").click()
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", name=plan.title)).to_be_visible()
    expect(page.get_by_text("Đã phê duyệt").first).to_be_visible()
    expect(page.get_by_text("14/KH-UBND").first).to_be_visible()

    cumulative = page.locator("#indicator-recognised_cumulative")
    expect(cumulative.locator("td.target")).to_have_text("350")
    expect(cumulative.locator("td.actual")).to_have_text("5")  # A B C D G of the test world
    expect(cumulative).to_contain_text("253")
    upgrades = page.locator("#indicator-upgrades")
    expect(upgrades.locator("td.target")).to_have_text("5")
    expect(upgrades.locator("td.actual")).to_have_text("1")
    expect(upgrades).to_contain_text("20,0 %")
    five = page.locator("#indicator-five_star_candidates")
    expect(five.locator("td.target")).to_have_text("2")
    expect(five.locator("td.actual")).to_have_text("2")
    # Trained: producers of the area who attended a course that ended in 2024 (training app).
    expect(page.locator("#indicator-producers_trained td.actual")).to_have_text("2")
    expect(page.locator("#budget-total-approved")).to_have_text("20.900.000.000")
    # Read on a phone: the tables become cards and the page does not widen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(cumulative.locator("td.target")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
