"""A producer applies for a booth at a fair on a phone, the office allocates a corner booth,
and the producer sees its allocation. In Vietnamese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ocop.accounts.testing import signed_in_context
from ocop.fairs.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(new_context, live_server, user):
    context = signed_in_context(new_context, live_server, user)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_a_producer_applies_and_the_office_allocates_a_booth(new_context, live_server, fw):
    page = _signed_in(new_context, live_server, fw.producer)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/hoi-cho/")
    page.get_by_role("link", name="Hội chợ OCOP tỉnh Bắc Ninh").click()
    expect(page.get_by_role("heading", name="Đăng ký gian hàng")).to_be_visible()
    expect(page.get_by_label("Mật ong vải")).to_have_count(0)  # not certified: not offered
    page.get_by_label("Vải thiều Lục Ngạn").check()
    page.get_by_label("Loại gian mong muốn").select_option(label="Gian góc")
    page.get_by_label("Ghi chú").fill("Xin gian gần lối vào")
    page.get_by_role("button", name="Gửi đăng ký").click()
    expect(page.get_by_text("Đã gửi đăng ký gian hàng.")).to_be_visible()
    expect(page.get_by_text("Chờ xét duyệt")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    application = Application.objects.get()
    assert application.producer == fw.luc_ngan

    office = _signed_in(new_context, live_server, fw.office)
    office.goto(f"/hoi-cho/{fw.event.pk}/")
    row = office.get_by_role("row", name=re.compile("HTX Vải thiều Lục Ngạn"))
    expect(row.get_by_label("Loại gian")).to_have_value(str(application.booth_wanted_id))
    row.get_by_label("Số gian").fill("G01")
    row.get_by_role("button", name="Nhận, xếp gian").click()
    expect(office.get_by_text("Đã lưu kết quả xét cho HTX Vải thiều Lục Ngạn.")).to_be_visible()
    assert office.evaluate("document.documentElement.scrollWidth") <= 390
    for path in ("/hoi-cho/so-lieu/", "/hoi-cho/quan-ly/", "/hoi-cho/"):
        office.goto(path)
        assert office.evaluate("document.documentElement.scrollWidth") <= 390, path

    page.goto("/hoi-cho/cua-toi/")
    expect(page.get_by_text("Được nhận, đã xếp gian")).to_be_visible()
    expect(page.get_by_text("Gian góc, gian số G01")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto("/thong-bao/")
    expect(page.get_by_text(re.compile("được nhận: Gian góc, gian số G01"))).to_be_visible()
    assert errors == []
