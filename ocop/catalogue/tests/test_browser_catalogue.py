"""A consumer in a real browser (Debian's Chromium, phone-sized, Vietnamese): from the home page
to the catalogue, a search without diacritics, the product with its valid certificate and zone
map; then the certificate is revoked and the product is gone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ocop.catalogue.tests.conftest import revoke
from ocop.core.browser_testing import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consumer_finds_the_product_and_sees_it_leave_after_revocation(
        phone: Page, live_server, catalogue) -> None:
    phone.goto(live_server.url + "/")
    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    no_sideways_scroll(phone)
    phone.get_by_role("link", name="Xem sản phẩm OCOP").click()
    expect(phone.get_by_role("heading", name="Sản phẩm OCOP", exact=True)).to_be_visible()
    no_sideways_scroll(phone)

    phone.get_by_label("Tìm sản phẩm, chủ thể").fill("vai thieu")
    phone.get_by_role("button", name="Tìm").click()
    expect(phone.get_by_role("status")).to_have_text("1 sản phẩm")
    no_sideways_scroll(phone)
    phone.get_by_role("link", name="Vải thiều Lục Ngạn sấy khô").click()

    expect(phone.get_by_role("heading", name="Vải thiều Lục Ngạn sấy khô")).to_be_visible()
    certificate = phone.locator("#chung-nhan")
    expect(certificate).to_contain_text("Còn hiệu lực")
    expect(certificate).to_contain_text(catalogue.vai_certificate.number)
    expect(phone.get_by_role("img", name=f"Sơ đồ ranh giới vùng {catalogue.zone.code}")) \
        .to_be_visible()
    no_sideways_scroll(phone)
    product_url = phone.url

    phone.goto(live_server.url + "/san-pham-ocop/ban-do/")
    expect(phone.locator("#ocop-map .leaflet-container, #ocop-map.leaflet-container")) \
        .to_have_count(1)
    no_sideways_scroll(phone)

    revoke(catalogue.vai_certificate, catalogue.today)

    phone.goto(live_server.url + "/san-pham-ocop/?q=vai+thieu")
    expect(phone.get_by_role("status")).to_have_text("0 sản phẩm")
    expect(phone.get_by_text("Vải thiều Lục Ngạn sấy khô")).to_have_count(0)
    phone.goto(product_url)
    # This browser may keep its copy for the 60 s the page allows (Cache-Control: public,
    # max-age=60); reloading asks the server, as a new visitor would.
    phone.reload()
    expect(phone.get_by_role("heading", name="Không có trong danh mục sản phẩm OCOP")) \
        .to_be_visible()
    expect(phone.get_by_text("đã hết hiệu lực hoặc đã bị thu hồi")).to_be_visible()
    phone.get_by_role("link", name="Xem trạng thái giấy chứng nhận và lý do").click()
    expect(phone.get_by_role("status")).to_contain_text("Đã bị thu hồi")
    expect(phone.get_by_text("Vi phạm an toàn thực phẩm")).to_be_visible()
    no_sideways_scroll(phone)

    # The gone page answers 404 on purpose; that is the only console error allowed.
    assert [e for e in phone.console_errors if "404" not in e] == []  # type: ignore[attr-defined]
