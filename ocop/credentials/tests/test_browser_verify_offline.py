"""The public verify page with the network cut (issue #14 part 2, docs/credentials.md), in a real
Chromium, phone-sized, Vietnamese: opened once online, its service worker keeps the page, its
files, the trust list and the status list; then, offline, the page opens again (reload, a new
tab), a valid credential is accepted "as of" the day the status list was kept — although the
server has revoked it since, which shows the answer did not come from the network — and a
tampered one is refused. The worker keeps nothing but public verify documents."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ocop.certificates import services as certificates
from ocop.credentials import documents
from ocop.credentials.tests.helpers import (
    body,
    header,
    kept_by_worker,
    paste,
    schema_validator,
    tamper,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _styled(page: Page) -> None:
    """The page's own style sheets applied (not a bare HTML page): the verify header is a flex
    row in certificates.css, and nothing scrolls sideways at 390 px."""
    assert page.locator("header.verify-top").evaluate("e => getComputedStyle(e).display") == "flex"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _resigned(certificate, change) -> str:
    """The certificate's credential changed by ``change`` and signed again with its key."""
    token = certificate.credential.jwt
    vc = body(token)
    change(vc)
    return documents.sign(vc, private_key=documents.private_key(
        certificate.credential.key.wrapped_private_key), kid=header(token)["kid"])


def test_open_and_verify_with_the_network_cut(phone, cw) -> None:
    context, page = phone
    certificate = cw.issue(issued_on=date(2025, 9, 1), decision=cw.province_decision)
    token = certificate.credential.jwt
    kept_on = f"{timezone.localdate():%d/%m/%Y}"

    # The council and inspections worker's caches (same origin, another scope) are left alone.
    # (Written from another tab on a plain document of the site, whose favicon may 404.)
    other = context.new_page()
    other.goto("/issuers/keys.json")
    other.evaluate("""async () => {
      await (await caches.open("ocop-static-v1")).put("/static/x.css", new Response("x"));
      await (await caches.open("ocop-pages-7@/cham-diem/")).put("/cham-diem/1/", new Response("y"));
    }""")
    other.close()

    # Online, once: the lookup page, then the certificate's page (the QR code's address).
    page.goto("/verify/")
    expect(page.locator("#vc-verify[data-ready='1']")).to_have_count(1)
    kept_by_worker(page)
    page.goto(f"/verify/{certificate.number}")
    expect(page.locator(".verdict-valid")).to_contain_text("Còn hiệu lực")
    kept_by_worker(page)

    # Revoked on the server after the phone kept its copies: offline, it cannot know yet.
    certificates.revoke_certificate(actor=None, certificate=certificate, reason="Vi phạm",
                                    decision_number="9/QĐ-UBND", today=date(2025, 10, 1))
    context.set_offline(True)
    # The pages say "public, max-age=60": within that minute Chromium's HTTP cache alone would
    # answer. Emptied, as after a day in the field, so that only the worker's copies remain.
    context.new_cdp_session(page).send("Network.clearBrowserCache")

    page.goto("/verify/")
    expect(page.get_by_role("heading", name="Kiểm tra chứng nhận số")).to_be_visible()
    expect(page.locator("#vc-verify[data-ready='1']")).to_have_count(1)
    expect(page.locator("#vc-offline-state")).to_contain_text("Không kết nối được máy chủ")
    expect(page.locator("#vc-trust-state")).to_contain_text(
        f"Đã lưu khoá của 1 cơ quan cấp trên máy này để kiểm tra khi mất mạng (cập nhật {kept_on})")
    _styled(page)

    result = page.locator("#vc-result")
    paste(page, token)
    expect(result).to_contain_text("Chứng nhận số hợp lệ")
    expect(result).to_contain_text(f"giấy chứng nhận số {certificate.number}")
    expect(result).to_contain_text(f"Tình trạng tính đến {kept_on} (đang không có mạng")
    expect(result).to_have_class("verdict verdict-valid")

    expect(result).to_contain_text("Nội dung đúng mẫu UNTP DCC (JSON Schema).")

    paste(page, tamper(token, lambda vc: vc["credentialSubject"].update(name="Giả")))
    expect(result).to_contain_text("Không chấp nhận")
    expect(result).to_contain_text("Chữ ký không hợp lệ: nội dung đã bị sửa")
    expect(result).not_to_contain_text("Chứng nhận số hợp lệ")

    # Signed by the issuer's own key but off the UNTP DCC model: the kept schema refuses it.
    paste(page, _resigned(certificate, lambda vc: vc["credentialSubject"].update(
        assessmentLevel="Tự xưng")))
    expect(result).to_contain_text("Không chấp nhận")
    expect(result).to_contain_text(
        "Nội dung không đúng mẫu UNTP DCC tại “credentialSubject/assessmentLevel”: Instance does "
        "not match any of")

    # A reload, and a new tab, open from the kept copies too.
    page.reload()
    expect(page.locator("#vc-verify[data-ready='1']")).to_have_count(1)
    paste(page, token)
    expect(result).to_contain_text(f"Tình trạng tính đến {kept_on}")
    tab = context.new_page()
    tab.goto(f"/verify/{certificate.number}")
    expect(tab.locator(".verdict-valid")).to_contain_text("Còn hiệu lực")
    download = tab.get_by_role("link", name="Tải chứng nhận số của giấy chứng nhận này")
    expect(download).to_be_visible()
    # A page never opened online: the kept lookup page, whose form still checks a credential;
    # no verdict about a certificate it never saw.
    tab.goto("/verify/OCOP-24-2025-99999")
    expect(tab.locator("#vc-verify[data-ready='1']")).to_have_count(1)
    expect(tab.locator(".verdict")).to_have_count(1)  # only the (hidden) credential result
    expect(tab.locator("#vc-result")).to_be_hidden()
    _styled(tab)
    tab.close()

    # What the worker keeps: the public verify pages, static files and verify documents only.
    kept = page.evaluate("""async () => {
      const out = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) out.push([name, request.url]);
      }
      return out;
    }""")
    paths = {(name, urlsplit(url).path) for name, url in kept}
    assert ("ocop-static-v1", "/static/x.css") in paths
    assert ("ocop-pages-7@/cham-diem/", "/cham-diem/1/") in paths
    paths -= {("ocop-static-v1", "/static/x.css"), ("ocop-pages-7@/cham-diem/", "/cham-diem/1/")}
    assert {name for name, _path in paths} == {"ocop-verify-pages-v1", "ocop-verify-files-v1"}
    assert {path for name, path in paths if name == "ocop-verify-pages-v1"} == {
        "/verify/", f"/verify/{certificate.number}"}
    files = {path for name, path in paths if name == "ocop-verify-files-v1"}
    assert "/issuers/keys.json" in files
    assert any(path.startswith("/issuers/24/status/") for path in files)
    assert any(path.endswith("credentials/verify.js") for path in files)
    assert "/schemas/untp-dcc.json" in files
    assert any(path.endswith("cfworker-json-schema/validate.js") for path in files)
    assert all(path.startswith(("/static/", "/issuers/", "/schemas/")) for path in files), files

    # Back online: the revocation shows, checked with the server.
    context.set_offline(False)
    page.reload()
    expect(page.locator("#vc-verify[data-ready='1']")).to_have_count(1)
    paste(page, token)
    expect(result).to_contain_text("Giấy chứng nhận đã bị thu hồi")
    expect(result).to_contain_text("Tình trạng thu hồi vừa kiểm tra với máy chủ.")

    # Chromium logs the fetches it could not make while offline; nothing else may be logged.
    assert [e for e in page.console_errors  # type: ignore[attr-defined]
            if "ERR_INTERNET_DISCONNECTED" not in e] == []


def _drop(*path):
    def change(vc):
        *parents, last = path
        for step in parents:
            vc = vc[step]
        del vc[last]
    return change


def _set(value, *path):
    def change(vc):
        *parents, last = path
        for step in parents:
            vc = vc[step]
        vc[last] = value
    return change


# Changes to an issued credential body; the browser's validator must judge each as Python's
# jsonschema (the command line's) does.
CHANGES = {
    "as issued": lambda vc: None,
    "no @context": _drop("@context"),
    "one context": _set(["https://www.w3.org/ns/credentials/v2"], "@context"),
    "no id": _drop("id"),
    "no issuer": _drop("issuer"),
    "issuer without name": _drop("issuer", "name"),
    "issuer id a number": _set(5, "issuer", "id"),
    "type without DCC": _set(["VerifiableCredential"], "type"),
    "validFrom not a date": _set("hôm qua", "validFrom"),
    "assessment level unknown": _set("Tự xưng", "credentialSubject", "assessmentLevel"),
    "assessment not a list": _set("x", "credentialSubject", "assessment"),
    "subject name a number": _set(7, "credentialSubject", "name"),
    "no subject name": _drop("credentialSubject", "name"),
    "an extra property": _set("x", "ghiChu"),
}


def test_browser_schema_agrees_with_the_command_line(phone, cw) -> None:
    _context, page = phone
    certificate = cw.issue(issued_on=date(2025, 9, 1), decision=cw.province_decision)
    page.goto("/verify/")
    expect(page.locator("#vc-verify[data-schema-ready='1']")).to_have_count(1)
    bodies = {}
    for name, change in CHANGES.items():
        vc = body(certificate.credential.jwt)
        change(vc)
        bodies[name] = vc
    python = {name: schema_validator().is_valid(vc) for name, vc in bodies.items()}
    browser = page.evaluate("""async (bodies) => {
      const out = {};
      for (const [name, vc] of Object.entries(bodies)) {
        const outcome = await window.ocopSchemaCheck(vc);
        out[name] = outcome.checked && outcome.problems.length === 0;
      }
      return out;
    }""", bodies)
    assert browser == python
    assert python["as issued"] and sum(not ok for ok in python.values()) >= 10
