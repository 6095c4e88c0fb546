"""The sign-in journey in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ocop.accounts.models import Role
from ocop.accounts.testing import DEFAULT_PASSWORD, confirmed_device, make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def user(transactional_db):
    user = make_user(Role.CENTRAL, username="nguyen-van-an", first_name="Nguyễn Văn An")
    confirmed_device(user)  # a central office must use two-step verification
    return user


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    # A CSP violation (inline script/style) or a missing static file shows up here.
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def enter_code(page: Page, user) -> None:
    """The second step a central-office account owes: the code from its authenticator app."""
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    page.get_by_label("Mã xác thực 6 số").fill(totp_code(confirmed_device(user)))
    page.get_by_role("button", name="Xác nhận").click()


def test_login_language_and_logout(page: Page, live_server, user, console_errors):
    page.goto(f"{live_server.url}/dang-nhap/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    sign_in(page, user.username, "mat-khau-sai")
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")

    sign_in(page, user.username, DEFAULT_PASSWORD)
    enter_code(page, user)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Nguyễn Văn An")).to_be_visible()
    expect(page.get_by_text("Xin chào, Nguyễn Văn An.")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("button", name="English")).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập").first).to_be_visible()
    expect(page.get_by_role("link", name="Nguyễn Văn An")).to_have_count(0)
    assert console_errors == []


def test_phone_menu_toggle_shows_the_nav(page: Page, live_server, user, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dang-nhap/")
    sign_in(page, user.username, DEFAULT_PASSWORD)
    enter_code(page, user)
    expect(page).to_have_url(f"{live_server.url}/")

    nav = page.get_by_role("navigation", name="Điều hướng chính")
    toggle = page.get_by_role("button", name=re.compile("Trình đơn"))
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Nguyễn Văn An")).to_be_visible()
    toggle.click()
    expect(nav).to_be_hidden()
    assert console_errors == []
