"""Reading credentials in tests without the code under test's own reader."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator

from ocop.credentials import documents, selectors, verification


def part(token: str, index: int) -> dict[str, Any]:
    raw = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def body(token: str) -> dict[str, Any]:
    return part(token, 1)


def header(token: str) -> dict[str, Any]:
    return part(token, 0)


def schema_validator() -> Draft202012Validator:
    schema = json.loads(documents.SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def check(token: str, now: datetime | None = None) -> verification.Result:
    """The platform's verifier, with the trust list and status lists as published."""
    return verification.verify(token, trust=selectors.trust_list(),
                               status_list=selectors.status_list_at, now=now)


def tamper(token: str, change) -> str:
    """``token`` with its payload changed by ``change(payload)`` and the signature kept."""
    head, _payload, signature = token.split(".")
    payload = body(token)
    change(payload)
    raw = base64.urlsafe_b64encode(documents.dumps(payload)).decode().rstrip("=")
    return f"{head}.{raw}.{signature}"


def paste(page: Any, token: str) -> None:
    """Paste a credential in the verify page's form and check it (browser tests)."""
    page.get_by_label("Dán chứng nhận số").fill(token)
    page.get_by_role("button", name="Kiểm tra chứng nhận số").click()


def kept_by_worker(page: Any) -> None:
    """The verify page's service worker controls the page and says it kept it."""
    from playwright.sync_api import expect

    expect(page.locator("#vc-verify[data-offline-ready='1']")).to_have_count(1, timeout=15_000)
    for _attempt in range(100):  # clients.claim() hands the page to the worker once active
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    expect(page.locator("#vc-offline-state")).to_contain_text("Trang này đã được lưu trên máy")
