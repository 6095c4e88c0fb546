"""Shared pieces of the browser tests (Playwright, Debian's Chromium): the phone size every
public flow is tried at, and the check that a page fits it.

The ``phone`` fixture (root ``conftest.py``) gives a page of this size that records console
errors, so a CSP violation (inline script or style) or a missing static file fails the test."""

from __future__ import annotations

from typing import Any

PHONE = {"width": 390, "height": 844}


def as_phone(page: Any) -> Any:
    """``page`` at the phone's size, its console errors kept in ``page.console_errors``."""
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    return page


def no_sideways_scroll(page: Any) -> None:
    """The page is no wider than the phone: nothing to scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"

