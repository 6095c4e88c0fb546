"""Public verification (page and API), the certificate PDF and the permission matrix."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ocop.accounts.testing import login_client
from ocop.certificates import services
from ocop.certificates.pdf import certificate_pdf

pytestmark = pytest.mark.django_db

PERSONAL = ("Nguyễn Thị Bí Mật", "0912345678", "bimat@example.vn", "Thôn Riêng Tư", "0100109106")


@pytest.fixture
def certs(cw):
    today = timezone.localdate()
    valid = cw.issue(decision=cw.province_decision, issued_on=today - timedelta(days=100),
                     stars=4, today=today)
    old = services.create_decision(
        actor=None, number="9/QĐ-UBND", date=date(2021, 3, 1), signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", level="district", issuing_unit=cw.units.legacy_luc_ngan,
    )
    expired = cw.issue("legacy", decision=old, issued_on=date(2021, 3, 1), today=today)
    revoked = cw.issue("hanoi", decision=cw.hanoi_decision, today=today,
                       issued_on=today - timedelta(days=10))
    services.revoke_certificate(actor=None, certificate=revoked, reason="Ngừng sản xuất",
                                decision_number="12/QĐ-UBND", today=today)
    return {"valid": valid, "expired": expired, "revoked": revoked}


@pytest.mark.parametrize("kind", ["valid", "expired", "revoked"])
def test_verification_page_and_api(certs, kind):
    cert = certs[kind]
    client = Client()
    with CaptureQueriesContext(connection) as page_queries:
        page = client.get(f"/verify/{cert.number}")
    assert page.status_code == 200
    assert len(page_queries) <= 3
    assert page["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in page.headers and not page.cookies
    html = page.content.decode()
    assert f"verdict-{kind}" in html and cert.product.name in html
    with CaptureQueriesContext(connection) as api_queries:
        api = client.get(f"/api/v1/certificates/{cert.number}")
    assert api.status_code == 200
    assert len(api_queries) <= 3
    assert api["Cache-Control"] == "public, max-age=60"
    data = api.json()
    assert data["status"] == kind
    assert data["stars"] == cert.stars
    assert data["producer"] == cert.producer.name
    if kind == "revoked":
        assert data["revocation_reason"] == "Ngừng sản xuất"
        assert data["revocation_decision_number"] == "12/QĐ-UBND"
        assert "Ngừng sản xuất" in html
    else:
        assert data["revocation_reason"] is None


def test_legacy_commune_shows_todays_commune_and_old_name(certs):
    data = Client().get(f"/api/v1/certificates/{certs['expired'].number}").json()
    assert data["commune"] == "Xã Lục Ngạn"
    assert data["registered_commune"] == "Xã Đồng Cốc"
    assert data["decision"]["issuer"] == "Ủy ban nhân dân huyện Lục Ngạn"


def test_unknown_number(db):
    client = Client()
    page = client.get("/verify/OCOP-99-2024-99999")
    assert page.status_code == 404
    assert "verdict-unknown" in page.content.decode()
    # The standalone page still leads on: to the catalogue and the home page.
    assert 'href="/san-pham-ocop/"' in page.content.decode()
    assert 'href="/">Trang chủ</a>' in page.content.decode()
    api = client.get("/api/v1/certificates/OCOP-99-2024-99999")
    assert api.status_code == 404
    assert api.json()["status"] == "unknown"
    assert client.get("/verify/?so=ocop-1").url == "/verify/OCOP-1"
    # The page says what it is (one heading) with or without a number found.
    for html in (page.content.decode(), client.get("/verify/").content.decode()):
        assert html.count("<h1>") == 1 and "<h1>Kiểm tra giấy chứng nhận OCOP</h1>" in html


def test_no_personal_data_in_public_outputs(certs):
    client = Client()
    for cert in certs.values():
        payload = client.get(f"/api/v1/certificates/{cert.number}").content.decode()
        text = json.dumps(json.loads(payload), ensure_ascii=False)
        page = client.get(f"/verify/{cert.number}").content.decode()
        for secret in PERSONAL:
            assert secret not in text, secret
            assert secret not in page, secret
        assert set(json.loads(payload)) == {
            "status", "status_label", "checked_on", "number", "product", "producer", "commune",
            "province", "registered_commune", "stars", "issued_on", "valid_until", "decision",
            "revoked_on", "revocation_reason", "revocation_decision_number",
        }


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(content)
    # Our own temporary file and the system's pdftotext (poppler-utils, see the Makefile).
    return subprocess.run([shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],  # noqa: S603
                          capture_output=True, check=True, text=True).stdout


def test_certificate_pdf_is_a_real_pdf_with_vietnamese_text(certs, tmp_path):
    cert = certs["valid"]
    content = certificate_pdf(cert, timezone.localdate())
    assert content.startswith(b"%PDF-")
    text = _pdf_text(content, tmp_path)
    for expected in ("GIẤY CHỨNG NHẬN SẢN PHẨM OCOP", cert.number, cert.product.name,
                     "HTX Vải thiều Lục Ngạn", "Đạt hạng 4 sao", "56/QĐ-UBND",
                     cert.valid_until.strftime("%d/%m/%Y"), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert expected in text, expected
    revoked_text = _pdf_text(certificate_pdf(certs["revoked"], timezone.localdate()), tmp_path)
    assert "Giấy chứng nhận đã bị thu hồi từ ngày" in revoked_text


# role → which certificates (by key) the role sees in the list/detail/PDF, and may revoke.
SEES = {
    "admin": {"valid", "expired", "revoked"}, "central": {"valid", "expired", "revoked"},
    "province_office": {"valid", "expired"}, "other_province_office": {"revoked"},
    "commune_officer": {"valid", "expired"}, "inspector": {"valid", "expired"},
    "council_member": {"valid", "expired"}, "producer": {"valid"}, "other_producer": {"revoked"},
}
REVOKES = {"admin": {"valid", "expired", "revoked"}, "central": {"valid", "expired", "revoked"},
           "province_office": {"valid", "expired"}, "other_province_office": {"revoked"}}


@pytest.mark.parametrize("role", sorted(SEES))
def test_permission_matrix_pages_and_api(cw, certs, role):
    client = login_client(cw.users[role])
    listed = client.get("/giay-chung-nhan/").content.decode()
    for key, cert in certs.items():
        visible = key in SEES[role]
        assert (cert.number in listed) == visible, (role, key)
        assert client.get(f"/giay-chung-nhan/{cert.number}/").status_code == (
            200 if visible else 404)
        assert client.get(f"/giay-chung-nhan/{cert.number}/pdf").status_code == (
            200 if visible else 404)
        form = client.get(f"/giay-chung-nhan/{cert.number}/thu-hoi/").status_code
        allowed = key in REVOKES.get(role, set())
        # Allowed on an already revoked certificate: back to its page with a message.
        expected = (302 if key == "revoked" else 200) if allowed else 404 if not visible else 403
        assert form == expected, (role, key)
    # The API refuses the same way (the revoked one cannot be revoked twice).
    target = certs["valid"]
    response = client.post(f"/api/v1/certificates/{target.number}/revoke",
                           data={"reason": "Kiểm tra", "decision_number": "5/QĐ"},
                           content_type="application/json")
    expected = 200 if "valid" in REVOKES.get(role, set()) else (
        403 if "valid" in SEES[role] else 404)
    assert response.status_code == expected, (role, response.content)


def test_permission_verdicts_give_the_reason_the_api_shows(cw, certs):
    from ocop.certificates import permissions

    inspector, target = cw.users["inspector"], certs["valid"]
    verdict = permissions.can_revoke(inspector, target)
    assert not verdict
    assert (verdict.reason, verdict.code) == ("Bạn không có quyền thu hồi giấy chứng nhận này.",
                                              "certificates.revoke_forbidden")
    assert permissions.can_revoke(cw.users["province_office"], target)
    assert permissions.can_renew(inspector, target).code == "certificates.renew_forbidden"
    assert permissions.can_issue(inspector, None).code == "certificates.issue_forbidden"
    assert inspector.has_perm("certificates.revoke_certificate", target) is False
    assert cw.users["province_office"].has_perm("certificates.revoke_certificate", target) is True
    response = login_client(inspector).post(
        f"/api/v1/certificates/{target.number}/revoke",
        data={"reason": "Kiểm tra", "decision_number": "5/QĐ"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["message"] == verdict.reason
    assert response.json()["code"] == "certificates.revoke_forbidden"


def test_anonymous_is_sent_to_login(certs):
    response = Client().get("/giay-chung-nhan/")
    assert response.status_code == 302
    assert Client().post(f"/api/v1/certificates/{certs['valid'].number}/revoke",
                         data={}, content_type="application/json").status_code == 401
