"""The province office gives a commune officer an account on a phone, in Vietnamese: the menu,
the form, the list with the new account waiting for its password, no sideways scroll."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user, signed_in_phone
from ocop.core.browser_testing import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_gives_a_commune_officer_an_account(new_context, live_server, units,
                                                       mailoutbox) -> None:
    office = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    page = signed_in_phone(new_context, live_server, office)
    page.goto("/")
    page.get_by_role("button", name="Trình đơn").click()
    page.get_by_text("Điều hành").click()
    page.get_by_role("link", name="Tài khoản trong địa bàn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản trong địa bàn")
    no_sideways_scroll(page)
    page.get_by_role("link", name="Cấp tài khoản mới").click()

    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Vai trò").select_option(label="Cán bộ xã")
    page.get_by_label("Xã/phường").select_option(label="Xã Lục Ngạn")
    page.get_by_label("Tên đăng nhập").fill("hoa.lucngan")
    page.get_by_label("Thư điện tử").fill("hoa@lucngan.example.vn")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Cấp tài khoản").click()

    expect(page.get_by_text("Đã tạo tài khoản hoa.lucngan và gửi thư đặt mật khẩu tới "
                            "hoa@lucngan.example.vn.")).to_be_visible()
    row = page.locator("tr", has_text="hoa.lucngan")
    expect(row).to_contain_text("Cán bộ xã")
    expect(row).to_contain_text("Chưa đặt mật khẩu")
    no_sideways_scroll(page)
    assert page.console_errors == []
    person = User.objects.get(username="hoa.lucngan")
    assert person.unit_id == "C07582" and not person.has_usable_password()
    assert [m.to for m in mailoutbox] == [["hoa@lucngan.example.vn"]]
