"""The registry journey of a provincial standing office in a real browser (issue #2).

Signs in through the Vietnamese login page, creates a producer (commune picked with the htmx
province → commune picker) and a product for it, finds the product with the diacritic-insensitive
live search, and checks the Vietnamese field error of a wrong tax code and the phone layout.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ocop.accounts.models import Role
from ocop.accounts.testing import DEFAULT_PASSWORD, confirmed_device, make_user, totp_code
from ocop.registry.models import LegalForm, Producer, Product
from ocop.registry.testing import TAX_CODES, make_producer, make_product
from ocop.web.testing import menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# GS1 Vietnam prefix 893; the 13th digit is the GS1 check digit of the first twelve.
GTIN = "8934567890120"


@pytest.fixture
def office(units):
    user = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh, username="vpdp-bac-ninh",
                     first_name="Trần Thị Bình")
    confirmed_device(user)  # set up before signing in, as the office's phone app would be
    return user


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    # A CSP violation (inline script/style) or a failed htmx request shows up here.
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def sign_in(page: Page, base_url: str, user) -> None:
    """Password, then the code from the authenticator app (a province office must use 2FA)."""
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã xác thực 6 số").fill(totp_code(confirmed_device(user)))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(f"{base_url}/")


def fill_producer(page: Page, *, name: str, tax_code: str, province: str) -> None:
    page.get_by_label("Loại hình").select_option(label="Hợp tác xã")
    page.get_by_label("Tên chủ thể").fill(name)
    page.get_by_label("Mã số thuế").fill(tax_code)
    page.get_by_label("Tỉnh/thành phố").select_option(label=province)
    # The province change fetches Bắc Ninh's 99 communes (plus the placeholder) with htmx.
    commune = page.get_by_label("Xã/phường")
    expect(commune.locator("option")).to_have_count(100)
    commune.select_option(label="Xã Lục Ngạn")
    page.get_by_label("Người đại diện").fill("Nguyễn Văn Thành")


def test_office_creates_producer_and_product_then_finds_it(
    page: Page, live_server, units, office, classification, console_errors
):
    # Another product in the province, so that the live search visibly narrows the list.
    other = make_producer("Hộ kinh doanh Mật ong Đồng Cốc", units.phuong_bac_giang, TAX_CODES[1],
                          legal_form=LegalForm.HOUSEHOLD)
    make_product(other, "Mật ong hoa nhãn", classification)

    sign_in(page, live_server.url, office)
    menu_link(page, "Chủ thể").click()
    page.get_by_role("link", name="Thêm chủ thể").click()
    expect(page.get_by_role("heading", name="Thêm chủ thể")).to_be_visible()
    fill_producer(page, name="HTX Vải thiều Lục Ngạn", tax_code=TAX_CODES[0],
                  province=units.bac_ninh.full_name)
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("heading", name="HTX Vải thiều Lục Ngạn")).to_be_visible()
    expect(page.get_by_text("Đã thêm chủ thể “HTX Vải thiều Lục Ngạn”.")).to_be_visible()
    expect(page.get_by_text(TAX_CODES[0])).to_be_visible()
    expect(page.get_by_text("Xã Lục Ngạn")).to_be_visible()
    expect(page.get_by_text("Chưa có sản phẩm.")).to_be_visible()

    page.get_by_role("link", name="Thêm sản phẩm").click()
    expect(page.get_by_role("heading", name="Thêm sản phẩm của HTX Vải thiều Lục Ngạn")) \
        .to_be_visible()
    page.get_by_label("Tên sản phẩm").fill("Vải thiều sấy khô Lục Ngạn")
    page.get_by_label("Bộ sản phẩm").select_option(label="1048-01 — Rau, củ, quả, hạt tươi")
    page.get_by_label("Mã GTIN").fill(GTIN)
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("heading", name="Vải thiều sấy khô Lục Ngạn")).to_be_visible()
    expect(page.get_by_text(GTIN)).to_be_visible()
    product = Product.objects.get(gtin=GTIN)
    assert product.producer.tax_code == TAX_CODES[0]
    assert product.producer.commune_id == "C07582"

    page.get_by_role("link", name="‹ Danh sách sản phẩm").click()
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Vải thiều sấy khô Lục Ngạn")).to_be_visible()
    expect(results.get_by_role("link", name="Mật ong hoa nhãn")).to_be_visible()

    # Typed without diacritics: htmx swaps in the filtered results as the user types.
    page.get_by_label("Tìm kiếm").fill("vai thieu")
    expect(results.get_by_role("link", name="Mật ong hoa nhãn")).to_have_count(0)
    expect(results.get_by_role("link", name="Vải thiều sấy khô Lục Ngạn")).to_be_visible()
    expect(results.get_by_text("1 sản phẩm")).to_be_visible()
    # The search is pushed to the address bar, so reloading or sharing the link keeps it.
    expect(page).to_have_url(re.compile(r"/san-pham/\?q=vai(%20|\+)thieu&"))
    assert console_errors == []


def test_wrong_tax_code_shows_the_field_error_and_saves_nothing(
    page: Page, live_server, units, office, console_errors
):
    sign_in(page, live_server.url, office)
    page.goto(f"{live_server.url}/chu-the/them/")
    wrong = TAX_CODES[0][:9] + str((int(TAX_CODES[0][9]) + 1) % 10)
    fill_producer(page, name="HTX Vải thiều Lục Ngạn", tax_code=wrong,
                  province=units.bac_ninh.full_name)
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_text(f"Mã số thuế “{wrong}” sai chữ số kiểm tra (chữ số thứ 10).")) \
        .to_be_visible()
    # The form comes back filled in, with the chosen province's communes still listed.
    expect(page.get_by_label("Tên chủ thể")).to_have_value("HTX Vải thiều Lục Ngạn")
    expect(page.get_by_label("Xã/phường")).to_have_value("C07582")
    assert not Producer.objects.exists()
    assert console_errors == []


def test_product_list_is_cards_on_a_phone(
    page: Page, live_server, units, office, classification
):
    producer = make_producer("HTX Vải thiều Lục Ngạn", units.xa_luc_ngan, TAX_CODES[0])
    make_product(producer, "Vải thiều tươi Lục Ngạn", classification, gtin=GTIN)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, office)
    page.goto(f"{live_server.url}/san-pham/")

    # Column headers are hidden; every cell is a labelled line of a card instead.
    expect(page.locator("table.list thead")).to_be_hidden()
    row = page.locator("table.list tbody tr").first
    expect(row).to_have_css("display", "block")
    cell = row.locator("td[data-label='Chủ thể']")
    expect(cell).to_contain_text("HTX Vải thiều Lục Ngạn")
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Chủ thể"'
    # The content stands right of its name, and a cell's second line (the GTIN) under its
    # first, not beside it as a third column.
    product = row.locator("td[data-label='Sản phẩm']")
    name, gtin = product.get_by_role("link").bounding_box(), product.locator("small").bounding_box()
    cell_box = product.bounding_box()
    assert name["x"] >= cell_box["x"] + 0.4 * cell_box["width"]
    assert abs(gtin["x"] - name["x"]) < 1 and gtin["y"] >= name["y"] + name["height"] - 1
    # The card fits the screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
