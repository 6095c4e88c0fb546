"""A date box shows its date the browser's way; on a computer set to English that is month
first. The line site.js writes under each date box says the day in the page's language, day
first, so "03/04" cannot be read the wrong way round."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, expect

from ocop.accounts.models import Role
from ocop.accounts.testing import login_client, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_signed_in(browser: Browser, live_server, user, path: str, *, english: bool = False):
    client = login_client(user)
    context = browser.new_context(locale="en-US", base_url=live_server.url)  # month-first boxes
    cookies = [{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value}]
    if english:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "url": live_server.url,
                        "value": "en"})
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(path)
    return page


def test_the_chosen_day_is_written_day_first_in_the_pages_language(browser: Browser,
                                                                   live_server, units):
    officer = make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh)
    dashboard = reverse("dashboards:home") + "?on=2026-03-04"
    page = open_signed_in(browser, live_server, officer, dashboard)
    box = page.get_by_label("Số liệu đến ngày")
    said = box.locator("xpath=following-sibling::*[1]")
    expect(said).to_have_text("Thứ Tư, 04/03/2026")
    box.fill("2026-04-03")
    expect(said).to_have_text("Thứ Sáu, 03/04/2026")
    box.fill("")
    expect(said).to_have_text("")
    page.context.close()

    page = open_signed_in(browser, live_server, officer, dashboard, english=True)
    expect(page.locator(".date-said").first).to_have_text("Wednesday, 04/03/2026")
    page.context.close()
