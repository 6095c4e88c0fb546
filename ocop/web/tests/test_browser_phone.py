"""Every page fits a 390 px phone screen: nothing makes the page scroll sideways (wide tables
scroll inside their own box, long values wrap). The pages are those the crawler (crawl.py)
reaches for the key roles of the demo, one address of each shape, in Chromium at 390 × 844."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser

from ocop.accounts.models import User
from ocop.accounts.testing import login_client
from ocop.core.browser_testing import PHONE
from ocop.web.tests.crawl import build_demo, crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Anonymous visitor, producer, provincial office, commune officer, council member, inspector,
# buyer, and Hà Nội's office (no records yet: its home shows the first steps).
ROLES = [None, "demo-chuthe", "demo-tinh", "demo-xa", "demo-hoidong1", "demo-thanhtra",
         "demo-benmua", "demo-hanoi"]
# One address per page shape, at most this many per role: about a minute of browsing on top of
# the demo build (the crawl tests open every shape of every role without a browser).
PAGES_PER_ROLE = 20


def spread(urls: list[str], count: int) -> list[str]:
    """``count`` of ``urls`` taken in turn from each section (first path segment), the pages of
    one record first (a dossier, a certificate: the widest), then the lists."""
    sections: dict[str, list[str]] = {}
    for url in sorted(urls, key=lambda u: not any(c.isdigit() for c in u)):
        sections.setdefault(url.split("/")[1], []).append(url)
    columns = list(sections.values())
    interleaved = [column[i] for i in range(max(map(len, columns), default=0))
                   for column in columns if i < len(column)]
    return interleaved[:count]


def test_no_page_is_wider_than_a_phone(browser: Browser, live_server) -> None:
    build_demo()
    too_wide: list[str] = []
    visited = 0
    for username in ROLES:
        client = login_client(User.objects.get(username=username)) if username else Client()
        pages = spread(crawl(client, per_pattern=1).html_pages(), PAGES_PER_ROLE)
        context = browser.new_context(viewport=PHONE, base_url=live_server.url)
        if username:
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = context.new_page()
        for url in pages:
            page.goto(url)
            visited += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{username or 'khách'} {url}: {width} px")
        context.close()
    assert too_wide == []
    assert visited >= 4 * PAGES_PER_ROLE  # the anonymous visitor sees only a few public pages
