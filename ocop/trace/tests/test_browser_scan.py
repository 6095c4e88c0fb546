"""Scanning stamps in a real browser (Debian's Chromium, phone-sized, Vietnamese)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ocop.trace import services
from ocop.trace.tests.test_stamps_scan import stamp_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_valid_voided_and_forged_stamps(phone: Page, live_server, chain) -> None:
    services.void_stamps(actor=chain.people["producer"], batch=chain.batch, first=20, last=29,
                         reason="Cuộn tem bị mất")

    phone.goto(live_server.url + stamp_path(chain, 7))
    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    verdict = phone.get_by_role("status")
    expect(verdict).to_contain_text("Sản phẩm chính hãng")
    expect(phone.get_by_role("heading", name="Vải sấy khô Lục Ngạn")).to_be_visible()
    expect(phone.locator("[data-cert]")).to_have_text("Còn hiệu lực")
    expect(phone.locator(".scan-stars")).to_contain_text("★★★★ 4 sao OCOP")
    timeline = phone.locator("ol.timeline li")
    expect(timeline).to_have_count(4)
    expect(timeline.nth(0)).to_contain_text("Thu hoạch")
    expect(timeline.nth(3)).to_contain_text("Xuất hàng")
    expect(phone.get_by_role("img", name="Sơ đồ ranh giới vùng VN-24-219-07591-001-23")) \
        .to_be_visible()

    phone.goto(live_server.url + stamp_path(chain, 25))
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("Tem đã bị huỷ")
    expect(phone.get_by_text("Sản phẩm chính hãng")).to_have_count(0)

    forged = stamp_path(chain, 7).replace("/21/7?", "/21/77?")
    phone.goto(live_server.url + forged)
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("Không xác minh được")
    expect(alert).to_contain_text("Chữ ký của tem không hợp lệ")
    expect(phone.get_by_text("Vải sấy khô Lục Ngạn")).to_have_count(0)
    expect(phone.get_by_text("Sản phẩm chính hãng")).to_have_count(0)

    assert phone.console_errors == []  # type: ignore[attr-defined]
