"""Browser-test helpers for the shared page frame (Playwright)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


def menu_link(page: Page, name: str) -> Locator:
    """The main menu's link ``name``, made visible as a person would: the phone's menu button
    first (at 390 px the menu is folded away), then the group it sits in (ocop/web/nav.py)."""
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    toggle = page.locator("button.menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    # A link in a closed group is hidden, which role queries skip unless told otherwise.
    folded = page.get_by_role("link", name=name, exact=True, include_hidden=True)
    group = nav.locator("details.nav-group", has=folded)
    if group.count() and not group.evaluate("details => details.open"):
        group.locator("summary").click()
    return nav.get_by_role("link", name=name, exact=True)
