"""A province's standing office loads its legacy Excel list in a real browser on a phone-sized
screen: a broken list is refused with the row and column named, the corrected one is imported,
and the import history lists both. No sideways scrolling at 390 px, no console errors (CSP)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ocop.accounts.models import Role
from ocop.accounts.testing import confirmed_device, make_user
from ocop.exchange import excel
from ocop.exchange.tests.test_import import _row
from ocop.registry.testing import make_vegetable_set
from ocop.registry.tests.test_browser_registry import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_province_loads_its_legacy_list_on_a_phone(page: Page, live_server, units, tmp_path):
    make_vegetable_set()
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, username="vpdp-bn")
    confirmed_device(office)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, office)

    broken = tmp_path / "ds-2022-loi.xlsx"
    broken.write_bytes(excel.template([_row(1), _row(2, stars=6)]))
    page.goto(f"{live_server.url}/trao-doi/")
    page.get_by_label("Tệp danh sách (.xlsx)").set_input_files(str(broken))
    page.get_by_label("Người ký quyết định").fill("Trần Văn Ký")
    page.get_by_label("Chức vụ người ký").fill("Phó Chủ tịch")
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    # The import ran as a background job; its page links to the report.
    page.get_by_role("link", name="Xem báo cáo lỗi").click()
    expect(page.get_by_text("không ghi dòng nào")).to_be_visible()
    expect(page.locator("td", has_text="Hạng sao").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    good = tmp_path / "ds-2022.xlsx"
    good.write_bytes(excel.template([_row(1), _row(2)]))
    page.get_by_role("link", name="Quay lại trang trao đổi dữ liệu").click()
    page.get_by_label("Tệp danh sách (.xlsx)").set_input_files(str(good))
    page.get_by_label("Người ký quyết định").fill("Trần Văn Ký")
    page.get_by_label("Chức vụ người ký").fill("Phó Chủ tịch")
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    page.get_by_role("link", name="Xem kết quả").click()
    expect(page.get_by_text("Đã nhập: 6 bản ghi thêm mới")).to_be_visible()
    page.get_by_role("link", name="Quay lại trang trao đổi dữ liệu").click()
    expect(page.get_by_text("ds-2022.xlsx")).to_be_visible()
    expect(page.get_by_text("ds-2022-loi.xlsx")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path.parent / "exchange-phone.png"), full_page=True)
    assert not errors
