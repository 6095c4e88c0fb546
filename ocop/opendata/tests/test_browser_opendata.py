"""A data user in a real browser (Chromium, phone-sized, Vietnamese): from the catalogue's footer
to the open data page, the CSV of valid certificates read from the page's link; a revocation and
the next build move the certificate to the revoked file and the page's counts follow."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ocop.core.browser_testing import no_sideways_scroll
from ocop.opendata import services
from ocop.opendata.tests.conftest import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def text_of(page: Page, href: str, *, revalidate: bool = False) -> str:
    """The file as the browser gets it; ``revalidate`` asks the server whether the browser's
    cached copy is still current (If-None-Match), as a client does once max-age has passed."""
    return page.evaluate("([href, mode]) => fetch(href, {cache: mode}).then(r => r.text())",
                         [href, "no-cache" if revalidate else "default"])


def test_data_user_finds_the_files_and_sees_a_revocation_move(phone: Page, live_server, ow):
    services.build(today=TODAY)
    phone.goto(live_server.url + "/san-pham-ocop/")
    phone.get_by_role("link", name="Dữ liệu mở", exact=True).click()
    expect(phone.get_by_role("heading", name="Dữ liệu mở về sản phẩm OCOP")).to_be_visible()
    expect(phone.get_by_text("Creative Commons Ghi công 4.0 Quốc tế")).to_be_visible()
    no_sideways_scroll(phone)

    valid = phone.locator(".card", has_text="còn hiệu lực").first
    expect(valid).to_contain_text("3 giấy chứng nhận")
    href = valid.get_by_role("link", name="CSV").get_attribute("href")
    number = ow.certificates["enterprise"].number
    assert number in text_of(phone, href)

    ow.revoke()
    services.build(today=TODAY)
    phone.reload()
    expect(phone.locator(".card", has_text="đã bị thu hồi").first).to_contain_text(
        "1 giấy chứng nhận")
    revoked = phone.locator(".card", has_text="đã bị thu hồi").first
    assert number in text_of(phone, revoked.get_by_role("link", name="CSV").get_attribute("href"))
    # The browser may keep its copy of the valid file for max-age; once it revalidates, the
    # new build answers (a new ETag), without the revoked certificate.
    assert number not in text_of(phone, href, revalidate=True)
    no_sideways_scroll(phone)
    assert phone.console_errors == []  # type: ignore[attr-defined]
