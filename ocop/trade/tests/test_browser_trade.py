"""A buyer signs in on a phone, posts a need, sees a certified product suggested and sends an
inquiry; the producer answers; the buyer reads the answer. In Vietnamese."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ocop.accounts.testing import signed_in_context

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(context):
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_a_buyer_asks_and_the_producer_answers(new_context, live_server, market):
    errors: list[str] = []
    page = _phone(new_context(base_url=live_server.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/ket-noi/")
    page.get_by_role("link", name="Đăng nhập", exact=True).last.click()
    page.get_by_label("Tên đăng nhập").fill(market.buyer.account.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Kết nối cung cầu sản phẩm OCOP")).to_be_visible()

    page.get_by_role("link", name="Đăng nhu cầu mới").click()
    page.get_by_label("Sản phẩm cần mua").fill("vai thieu say")
    page.get_by_label("Khối lượng").fill("500")
    page.get_by_label("Hạng sao OCOP tối thiểu").select_option("3")
    today = timezone.localdate()
    page.get_by_label("Cần từ ngày").fill(today.isoformat())
    page.get_by_label("Đến ngày").fill((today + timedelta(days=60)).isoformat())
    page.get_by_label("Tỉnh/thành nhận hàng").select_option(label="Hà Nội")
    page.get_by_role("button", name="Đăng nhu cầu").click()
    expect(page.get_by_text("Vải thiều sấy khô Lục Ngạn")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="Gửi yêu cầu").first.click()
    page.get_by_label("Lời nhắn cho chủ thể").fill("Siêu thị cần 500 kg vải sấy, xin báo giá.")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    expect(page.get_by_text("Đã gửi yêu cầu. Chủ thể sẽ nhận được thông báo.")).to_be_visible()
    expect(page.get_by_text("Chờ bên bán trả lời")).to_be_visible()
    conversation_url = page.url

    producer_context = signed_in_context(new_context, live_server, market.producer_user)
    producer = _phone(producer_context)
    producer.goto("/ket-noi/")
    producer.get_by_role("link", name="Vải thiều sấy khô Lục Ngạn").click()
    expect(producer.get_by_text("Lê Thị Mua")).to_be_visible()
    producer.get_by_label("Tin nhắn").fill("Giá 350.000 đồng/kg, giao từ tháng 6.")
    producer.get_by_role("button", name="Trả lời").click()
    expect(producer.get_by_text("Đã gửi tin nhắn.")).to_be_visible()
    assert producer.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(conversation_url)
    expect(page.get_by_text("Giá 350.000 đồng/kg, giao từ tháng 6.")).to_be_visible()
    expect(page.get_by_text(re.compile("^Đang trao đổi$"))).to_be_visible()
    assert errors == []
