"""Swagger UI renders the operation list in Chromium under the site's CSP (no CDN)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_lists_the_operations_without_csp_violations(page: Page, live_server):
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    # A CSP refusal is reported as a console error and as this DOM event; count both.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:") else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    producers = page.locator(".opblock-summary-path", has_text="/api/v1/producers")
    # The OpenAPI document of every router is built on this first request: seconds on a loaded
    # 2-core machine, more than the default 5 s wait.
    expect(producers.first).to_be_visible(timeout=30_000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 30
    assert problems == []
    assert outside == []
