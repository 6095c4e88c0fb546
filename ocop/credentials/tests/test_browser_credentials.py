"""Verifying a credential on the public verify page in a real browser (Debian's Chromium,
phone-sized, Vietnamese), with WebCrypto only — an independent verifier of what the server signed
with joserfc: a valid one, a tampered one, a malformed one, then with the network cut (the kept
keys and status list answer, dated), and a revocation seen once back online."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ocop.certificates import services as certificates
from ocop.credentials.tests.helpers import kept_by_worker, paste, tamper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_paste_valid_tampered_offline_and_revoked(phone, cw) -> None:
    context, page = phone
    certificate = cw.issue(issued_on=date(2025, 9, 1), decision=cw.province_decision)
    token = certificate.credential.jwt

    page.goto("/verify/")
    expect(page.locator("#vc-verify[data-ready='1']")).to_have_count(1)
    expect(page.locator("#vc-trust-state")).to_contain_text("Đã lưu khoá của 1 cơ quan cấp")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    result = page.locator("#vc-result")
    paste(page, token)
    expect(result).to_contain_text("Chứng nhận số hợp lệ")
    expect(result).to_contain_text(f"{certificate.product.name}: 3 sao, giấy chứng nhận số "
                                   f"{certificate.number}")
    expect(result).to_contain_text("Tình trạng thu hồi vừa kiểm tra với máy chủ.")
    expect(result).to_have_class("verdict verdict-valid")

    paste(page, tamper(token, lambda vc: vc["credentialSubject"].update(name="Giả")))
    expect(result).to_contain_text("Không chấp nhận")
    expect(result).to_contain_text("Chữ ký không hợp lệ: nội dung đã bị sửa")
    expect(result).not_to_contain_text("Chứng nhận số hợp lệ")
    expect(result).to_have_class("verdict verdict-revoked")

    paste(page, "đây không phải chứng nhận số")
    expect(result).to_contain_text("Tệp không phải là chứng nhận số")

    # Revoked on the server while this phone has no signal: it answers from what it kept,
    # and says as of when. The phone had signal long enough for the page's worker to keep the
    # page and what it uses: cut off before that, a worker already in control has nothing to
    # answer with and Chromium logs its failure as ERR_FAILED (a PostgreSQL CI run beside the
    # SQLite one was slow enough for that once).
    kept_by_worker(page)
    certificates.revoke_certificate(actor=None, certificate=certificate, reason="Vi phạm",
                                    decision_number="9/QĐ-UBND", today=date(2025, 10, 1))
    context.set_offline(True)
    paste(page, token)
    expect(result).to_contain_text("Chứng nhận số hợp lệ")
    expect(result).to_contain_text(
        f"Tình trạng tính đến {timezone.localdate():%d/%m/%Y} (đang không có mạng")

    context.set_offline(False)
    paste(page, token)
    expect(result).to_contain_text("Không chấp nhận")
    expect(result).to_contain_text("Giấy chứng nhận đã bị thu hồi")

    # Chromium logs the fetch it could not make while offline; nothing else may be logged.
    assert [e for e in page.console_errors  # type: ignore[attr-defined]
            if "ERR_INTERNET_DISCONNECTED" not in e] == []
