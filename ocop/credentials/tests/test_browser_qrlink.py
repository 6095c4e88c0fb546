"""The printed certificate's QR code in a real browser (Debian's Chromium, phone-sized,
Vietnamese): the address carries the credential in its fragment, and the verify page checks it on
the phone — a valid one, one with a changed signature, one that is not ours; and, with the network
cut, the code of a certificate whose page this phone never opened."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ocop.certificates.pdf import verify_url
from ocop.core.browser_testing import no_sideways_scroll
from ocop.credentials import qrlink
from ocop.credentials.tests.helpers import kept_by_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_printed_code_opens_a_page_that_checks_its_credential(phone, cw) -> None:
    context, page = phone
    certificate = cw.issue(issued_on=date(2025, 9, 1), decision=cw.province_decision)
    address = qrlink.link(verify_url(certificate.number), certificate.credential.jwt)
    assert address.startswith(verify_url(certificate.number) + "#vc=")

    page.goto(address)
    result = page.locator("#vc-result")
    expect(result).to_contain_text("Chứng nhận số hợp lệ")
    expect(result).to_contain_text(f"giấy chứng nhận số {certificate.number}")
    expect(result).to_have_class("verdict verdict-valid")
    # The form shows what was checked: the credential rebuilt from the code, byte for byte.
    assert page.locator("#vc-text").input_value() == certificate.credential.jwt
    no_sideways_scroll(page)

    data = address.split("#vc=")[1]
    changed = data[:-5] + ("A" if data[-5] != "A" else "B") + data[-4:]
    page.goto(address.replace(data, changed))
    page.reload()  # a new fragment alone does not load the page again
    expect(result).to_contain_text("Chữ ký không hợp lệ: nội dung đã bị sửa")
    expect(result).to_have_class("verdict verdict-revoked")

    page.goto(verify_url(certificate.number) + "#vc=kh%C3%B4ng-ph%E1%BA%A3i")
    page.reload()
    expect(result).to_contain_text("Mã QR không chứa chứng nhận số đọc được.")
    kept_by_worker(page)

    # In the field: no signal, and a certificate whose page this phone never opened. The kept
    # lookup page opens; the credential comes from the code, the keys and status from the phone.
    other = cw.issue(issued_on=date(2025, 9, 1), decision=cw.province_decision)
    context.set_offline(True)
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.goto(qrlink.link(verify_url(other.number), other.credential.jwt))
    expect(result).to_contain_text("Chứng nhận số hợp lệ")
    expect(result).to_contain_text(f"giấy chứng nhận số {other.number}")
    expect(result).to_contain_text(f"Tình trạng tính đến {timezone.localdate():%d/%m/%Y}")
    no_sideways_scroll(page)
    # Chromium logs the fetches it could not make offline; nothing else may be logged.
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
