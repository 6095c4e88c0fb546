"""The certificates app's world (producers in Bắc Ninh and Hà Nội, decisions) for the
credentials tests, and the phone the browser tests verify on."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page

from ocop.certificates.tests.conftest import classification, cw
from ocop.core.browser_testing import PHONE, as_phone

__all__ = ["classification", "cw"]


@pytest.fixture
def phone(new_context, live_server, settings) -> tuple[BrowserContext, Page]:
    """A phone-sized browser context on the live server, and its page (console errors kept).
    Its own context, so a test can cut its network (``context.set_offline``)."""
    # The credentials name the site they are served from: the live server here.
    settings.SITE_URL = live_server.url
    context = new_context(base_url=live_server.url, viewport=PHONE)
    return context, as_phone(context.new_page())
