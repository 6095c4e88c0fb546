"""The standing office writes an announcement on a phone, attaches the plan and publishes it; a
visitor who is not signed in finds it on the home page and opens it, in Vietnamese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ocop.accounts.models import Role
from ocop.accounts.testing import make_user, signed_in_context
from ocop.news.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_office_publishes_and_a_visitor_reads(new_context, live_server, units, tmp_path):
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    context = signed_in_context(new_context, live_server, office)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/tin-tuc/quan-ly/")
    page.get_by_role("link", name="Soạn bài mới").click()
    page.get_by_label("Loại bài").select_option(label="Thông báo")
    page.get_by_label(re.compile(r"^Tiêu đề:?$")).fill("Mở đợt đánh giá sản phẩm OCOP năm 2026")
    page.get_by_label(re.compile(r"^Nội dung:?$")).fill("Hạn nộp hồ sơ: **30/6/2026**.")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()
    expect(page.get_by_text("Bản nháp", exact=True)).to_be_visible()

    plan = tmp_path / "ke-hoach.pdf"
    plan.write_bytes(PDF)
    page.get_by_label(re.compile(r"^Tệp:?$")).set_input_files(str(plan))
    page.get_by_label("Tên hiển thị").fill("Kế hoạch năm 2026")
    page.get_by_role("button", name="Đính kèm").click()
    expect(page.get_by_role("link", name="Kế hoạch năm 2026")).to_be_visible()
    page.get_by_role("button", name="Đăng bài").click()
    expect(page.get_by_text("Đã đăng bài viết.")).to_be_visible()
    assert Article.objects.get().is_published()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    visitor = new_context(base_url=live_server.url).new_page()
    visitor.set_viewport_size({"width": 390, "height": 844})
    visitor.goto("/")
    visitor.get_by_role("link", name="Mở đợt đánh giá sản phẩm OCOP năm 2026").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Mở đợt đánh giá sản phẩm OCOP năm 2026")
    expect(visitor.locator(".prose strong")).to_have_text("30/6/2026")
    expect(visitor.get_by_role("link", name="Kế hoạch năm 2026")).to_be_visible()
    assert errors == []
