"""A producer, on a phone, adds a price with a Shopee link to its certified product in the
Vietnamese interface; a wrong link is refused first with a message naming the marketplace."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ocop.accounts.testing import signed_in_context, signed_in_phone
from ocop.core.browser_testing import no_sideways_scroll
from ocop.market import services
from ocop.market.models import GiftSet, Offer
from ocop.web.testing import menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_producer_adds_an_offer_with_a_channel_link(new_context, live_server, market):
    context = signed_in_context(new_context, live_server, market.users["producer"])
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/")
    menu_link(page, "Kênh bán hàng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kênh bán hàng")
    page.get_by_role("link", name=market.products["own"].name).click()
    page.get_by_role("link", name="Thêm giá bán").click()
    page.get_by_label(re.compile(r"^Giá bán \(đồng\)")).fill("120.000")
    page.get_by_label(re.compile(r"^Đơn vị tính")).fill("túi")
    page.get_by_label(re.compile(r"^Quy cách đóng gói")).fill("Túi 500 g")
    page.get_by_label(re.compile(r"^Tình trạng hàng")).select_option(label="Còn hàng")
    page.get_by_label(re.compile(r"^Kênh bán 1")).select_option(label="Sàn Shopee")
    page.get_by_label(re.compile(r"^Liên kết 1")).fill("https://tiki.vn/vai-thieu-say")
    page.get_by_role("button", name="Lưu giá bán").click()
    expect(page.get_by_text("Liên kết của Sàn Shopee phải là địa chỉ trên shopee.vn.")
           ).to_be_visible()
    assert not Offer.objects.exists()

    page.get_by_label(re.compile(r"^Liên kết 1")).fill("https://shopee.vn/vai-thieu-say")
    page.get_by_role("button", name="Lưu giá bán").click()
    expect(page.get_by_text("Đã lưu giá bán và kênh bán.")).to_be_visible()
    expect(page.get_by_role("link", name="Sàn Shopee")).to_have_attribute(
        "href", "https://shopee.vn/vai-thieu-say")
    expect(page.get_by_text("120.000 đ/túi")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    offer = Offer.objects.get()
    assert offer.price == 120000 and offer.links.get().channel == "shopee"


def test_gift_set_pages_fit_a_phone(new_context, live_server, market):
    gift_set = services.save_gift_set(
        actor=market.users["province_office"], province=market.units.bac_ninh,
        today=market.today, data=services.GiftSetData(
            name="Quà Bắc Giang: vải thiều sấy, mỳ Chũ, gà đồi Yên Thế", price=560000,
            published=True, story="Ba đặc sản của đất Bắc Giang trong một hộp quà.",
            items=[(market.products["own"], 1), (market.products["other_commune"], 2)]))
    context = signed_in_context(new_context, live_server, market.users["province_office"])
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/qua-tang/", f"/qua-tang/{gift_set.pk}/", "/ban-hang/qua-tang/",
                 f"/ban-hang/qua-tang/{gift_set.pk}/sua/", "/nguon-du-lieu/", "/ban-hang/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(f"/qua-tang/{gift_set.pk}/")
    expect(page.get_by_text(f"2 × {market.products['other_commune'].name}")).to_be_visible()


def test_curator_adds_product_rows_as_needed(new_context, live_server, market):
    """A new gift set opens with three product rows; 'Thêm sản phẩm' adds a fourth, numbered on,
    empty, up to six, and what is chosen in an added row is saved."""
    page = signed_in_phone(new_context, live_server, market.users["province_office"])
    page.goto("/ban-hang/qua-tang/them/")
    own, other = market.products["own"], market.products["other_commune"]
    rows = page.locator("[data-row]")
    expect(rows).to_have_count(3)
    page.get_by_label(re.compile(r"^Sản phẩm 2\b")).select_option(str(other.pk))
    add = page.get_by_role("button", name="Thêm sản phẩm")
    add.click()
    expect(rows).to_have_count(4)
    fourth = page.get_by_label(re.compile(r"^Sản phẩm 4\b"))
    expect(fourth).to_be_focused()
    expect(fourth).to_have_value("")  # a copy of the empty row, not of the row chosen above
    expect(page.get_by_label(re.compile(r"^Số lượng 4\b"))).to_have_value("1")
    fourth.select_option(str(own.pk))
    page.get_by_label(re.compile(r"^Số lượng 4\b")).fill("2")
    add.click()
    add.click()
    expect(rows).to_have_count(6)
    expect(add).to_have_count(0)  # the form takes six rows
    no_sideways_scroll(page)
    page.get_by_label(re.compile(r"^Tên bộ quà")).fill("Quà hai món")
    page.get_by_label(re.compile(r"^Giá bộ quà")).fill("250.000")
    page.get_by_role("button", name="Lưu bộ quà").click()
    expect(page.get_by_text("Đã lưu bộ quà tặng.")).to_be_visible()
    gift_set = GiftSet.objects.get()
    assert [(i.product_id, i.quantity) for i in gift_set.items.order_by("pk")] == [
        (other.pk, 1), (own.pk, 2)]
    assert page.console_errors == []
