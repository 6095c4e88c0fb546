"""manage.py credentials verify | rotate | compromise | backfill | keys."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.certificates import services as certificates
from ocop.certificates.pdf import certificate_pdf, verify_url
from ocop.credentials import qrlink
from ocop.credentials.models import Credential, IssuerKey, KeyState
from ocop.credentials.tests.helpers import body, tamper

pytestmark = pytest.mark.django_db


def _verify(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("credentials", "verify", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(path) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match=r"không được chấp nhận|không chứa|Không đọc được") as e:
        call_command("credentials", "verify", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue() + str(e.value)


def test_verify_a_valid_credential_and_the_pdf(cw, tmp_path):
    certificate = cw.issue(issued_on=date(2025, 9, 1), decision=cw.province_decision)
    token = tmp_path / "gcn.jwt"
    token.write_text(certificate.credential.jwt)
    out, err = _verify(token)
    assert "✓ Chứng nhận số hợp lệ: Giấy chứng nhận sản phẩm OCOP số" in out and not err
    pdf = tmp_path / "gcn.pdf"
    pdf.write_bytes(certificate_pdf(certificate, date(2025, 9, 2)))
    out, _err = _verify(pdf)
    assert "✓ Chứng nhận số hợp lệ" in out


def test_verify_refusals(cw, tmp_path):
    certificate = cw.issue(issued_on=date(2025, 9, 1), decision=cw.province_decision)
    tampered = tmp_path / "sua.jwt"
    tampered.write_text(tamper(certificate.credential.jwt,
                               lambda vc: vc["issuer"].update(name="Ai đó")))
    assert "✗ Chữ ký không hợp lệ: nội dung đã bị sửa" in _refused(tampered)

    garbage = tmp_path / "rac.txt"
    garbage.write_text("xin chào")
    assert "tệp không chứa chứng nhận số (vc+jwt) nào" in _refused(garbage)
    assert "Không đọc được tệp" in _refused(tmp_path / "khong-co.jwt")

    certificates.revoke_certificate(actor=None, certificate=certificate, reason="Vi phạm",
                                    decision_number="9/QĐ-UBND", today=date(2025, 10, 1))
    good = tmp_path / "gcn.jwt"
    good.write_text(certificate.credential.jwt)
    assert "✗ Giấy chứng nhận đã bị thu hồi" in _refused(good)


def test_verify_the_address_of_the_printed_qr_code(cw, tmp_path):
    certificate = cw.issue(issued_on=date(2025, 9, 1), decision=cw.province_decision)
    address = qrlink.link(verify_url(certificate.number), certificate.credential.jwt)
    out, err = _verify(address)
    assert "✓ Chứng nhận số hợp lệ" in out and not err
    saved = tmp_path / "qr.txt"  # as a QR reader app saves it
    saved.write_text(address + "\n")
    assert "✓ Chứng nhận số hợp lệ" in _verify(saved)[0]
    # One changed byte in the signature; then the data cut short.
    data = address.split("#vc=")[1]
    flipped = data[:-5] + ("A" if data[-5] != "A" else "B") + data[-4:]
    assert "✗ Chữ ký không hợp lệ" in _refused(address.replace(data, flipped))
    with pytest.raises(CommandError, match="Mã QR không chứa chứng nhận số đọc được"):
        call_command("credentials", "verify", address[:200], stdout=StringIO())


def test_verify_expired(cw, tmp_path, units):
    # A 2023 decision: its certificate was valid to the end of 10/01/2026, before today.
    decision = certificates.create_decision(
        actor=None, number="5/QĐ-UBND", date=date(2023, 1, 10), signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", level="district", issuing_unit=units.legacy_luc_ngan)
    certificate = cw.issue(decision=decision, issued_on=date(2023, 1, 10))
    # Rated before 24/02/2023: under the criteria set of Decision 1048/QĐ-TTg.
    assert body(certificate.credential.jwt)["credentialSubject"]["scope"]["version"] == (
        "1048/QĐ-TTg")
    path = tmp_path / "gcn.jwt"
    path.write_text(certificate.credential.jwt)
    assert ("✗ Giấy chứng nhận đã hết hiệu lực: chỉ có giá trị đến hết ngày 10/01/2026."
            in _refused(path))


def test_rotate_compromise_backfill_keys(cw, tmp_path):
    certificate = cw.issue()
    out = StringIO()
    call_command("credentials", "rotate", "24", stdout=out)
    assert "Thành phố Bắc Ninh: khoá mới" in out.getvalue()
    assert IssuerKey.objects.filter(province_id="P24").count() == 2
    with pytest.raises(CommandError, match="Không có tỉnh/thành phố hiện hành nào mang mã “99”"):
        call_command("credentials", "rotate", "99")

    old_kid = certificate.credential.key.kid
    out = StringIO()
    # "--": a key id is a base64url thumbprint, which starts with "-" one time in 64 and would
    # otherwise be read as an option (the test failed on such a key once).
    call_command("credentials", "compromise", "--", old_kid, stdout=out)
    assert "đã ký lại 1 chứng nhận số" in out.getvalue()
    assert IssuerKey.objects.get(kid=old_kid).state == KeyState.COMPROMISED
    with pytest.raises(CommandError, match="Không có khoá nào mang mã “khong-co”"):
        call_command("credentials", "compromise", "khong-co")

    Credential.objects.all().delete()
    out = StringIO()
    call_command("credentials", "backfill", stdout=out)
    assert out.getvalue().strip() == "Đã cấp 1 chứng nhận số còn thiếu."

    out = StringIO()
    call_command("credentials", "keys", stdout=out)
    # The retired key was reported: its credential went to the key already active.
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("Đã bị lộ, không còn tin cậy") and old_kid in lines[0]
    assert lines[1].endswith("Đang dùng để ký")
