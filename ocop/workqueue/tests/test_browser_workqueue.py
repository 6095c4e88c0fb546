"""The work queue on a 390 px phone: the commune officer signs in, reads the dossier waiting
for its check on the home page, without sideways scrolling, and follows its link to the
pre-check page."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect

from ocop.accounts.testing import login_client
from ocop.core.browser_testing import PHONE
from ocop.dossiers.testing import D2025, Cycle, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_commune_officer_acts_from_the_queue_on_a_phone(browser: Browser, live_server,
                                                        cycle: Cycle) -> None:
    product = cycle.products["own"]
    product.name = ("Mật ong hoa nhãn rừng tự nhiên Lục Ngạn đóng chai thủy tinh 500 ml "
                    "loại đặc biệt")
    product.save(update_fields=["name"])
    dossier = submitted(cycle, when=D2025)
    client = login_client(cycle.users["commune_officer"])
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/")
    queue = page.locator(".workqueue")
    expect(queue).to_contain_text("Hồ sơ chờ xã kiểm tra")
    expect(queue).to_contain_text(dossier.reference)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    queue.get_by_role("link", name=dossier.reference, exact=False).click()
    expect(page).to_have_url(f"{live_server.url}/ho-so/{dossier.pk}/xa-kiem-tra/")
    assert errors == []
    context.close()
