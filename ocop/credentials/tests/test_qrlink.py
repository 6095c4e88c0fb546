"""The credential inside the certificate's printed QR code (docs/credentials.md, "The QR code"):
the format round-trips any token byte for byte, refuses what is not ours with a named reason, and
the QR code printed on the PDF scans back to a credential that verifies."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from datetime import date

import pytest
import segno
import zxingcpp
from django.template.loader import render_to_string
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from ocop.certificates.pdf import (
    TEMPLATE,
    certificate_context,
    certificate_pdf,
    laid_out,
    qr_svg,
    runs_over,
    verify_url,
)
from ocop.credentials import qrlink
from ocop.credentials.tests.helpers import check


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@given(header=st.dictionaries(st.text(), json_values, max_size=4),
       payload=st.dictionaries(st.text(), json_values, max_size=8),
       signature=st.binary(min_size=64, max_size=64))
def test_any_token_comes_back_byte_for_byte(header, payload, signature) -> None:
    token = ".".join([_b64(json.dumps(header).encode()), _b64(json.dumps(payload).encode()),
                      _b64(signature)])
    assert qrlink.unpack(qrlink.pack(token)) == token
    link = qrlink.link("https://ocop.example.vn/verify/OCOP-24-2025-00001", token)
    assert link.startswith("https://ocop.example.vn/verify/OCOP-24-2025-00001#vc=")
    assert qrlink.token_of(link) == token


@pytest.mark.parametrize(("data", "reason"), [
    ("", "không chứa chứng nhận số đọc được"),
    ("***", "không chứa chứng nhận số đọc được"),
    (_b64(b"\x02" + b"x" * 80), "định dạng khác"),
    (_b64(b"\x01" + b"short"), "không chứa chứng nhận số đọc được"),
    (_b64(b"\x01" + b"not deflate at all, not at all" + bytes(64)), "không chứa chứng nhận số"),
    ("A" * 5000, "không chứa chứng nhận số đọc được"),
])
def test_what_is_not_our_format_is_refused_by_name(data, reason) -> None:
    with pytest.raises(qrlink.NotALink, match=reason):
        qrlink.unpack(data)


def test_an_address_without_the_fragment_carries_no_token() -> None:
    assert qrlink.token_of("https://ocop.example.vn/verify/OCOP-24-2025-00001") is None
    assert qrlink.token_of("https://ocop.example.vn/verify/OCOP-24-2025-00001#top") is None


@pytest.mark.django_db
def test_the_printed_qr_code_carries_a_credential_that_verifies(cw, tmp_path) -> None:
    certificate = cw.issue()
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate_pdf(certificate, timezone.localdate()))
    info = subprocess.run([shutil.which("pdfinfo") or "pdfinfo", str(pdf)],  # noqa: S603
                          capture_output=True, check=True, text=True).stdout
    assert "Pages:           1" in info  # the larger code still fits the one page
    # 300 dpi, as an office printer prints it.
    subprocess.run([shutil.which("pdftoppm") or "pdftoppm", "-r", "300", "-png",  # noqa: S603
                    str(pdf), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert len(found) == 1
    url = found[0]
    assert url.startswith(verify_url(certificate.number) + "#vc=")
    token = qrlink.token_of(url)
    assert token == certificate.credential.jwt
    assert check(token).ok
    # The code's density at the printed size: about 0.3 mm a module (docs/credentials.md).
    code = segno.make(url, error="l")
    assert code.version <= 32, code.designator


@pytest.mark.django_db
def test_a_page_with_no_room_keeps_the_short_code(cw, tmp_path) -> None:
    # A chair's signature (two lines, lower than the larger code) under a product name of four
    # lines: the page has room for the short code, not for the larger one.
    certificate = cw.issue("legacy", issued_on=date(2024, 2, 29))
    certificate.product.name = ("Trà hoa vàng sấy lạnh túi lọc cao cấp " * 4).strip()
    certificate.product.save()
    with translation.override("vi"):
        context = certificate_context(certificate, timezone.localdate())
        assert context["qr_dense"]
        assert runs_over(laid_out(render_to_string(TEMPLATE, context)))
        context.update(qr=qr_svg(context["verify_url"]), qr_dense=False)
        assert not runs_over(laid_out(render_to_string(TEMPLATE, context)))
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate_pdf(certificate, timezone.localdate()))
    info = subprocess.run([shutil.which("pdfinfo") or "pdfinfo", str(pdf)],  # noqa: S603
                          capture_output=True, check=True, text=True).stdout
    assert "Pages:           1" in info
    subprocess.run([shutil.which("pdftoppm") or "pdftoppm", "-r", "200", "-png",  # noqa: S603
                    str(pdf), str(tmp_path / "page")], check=True)
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(next(tmp_path.glob("page*.png"))))]
    assert found == [verify_url(certificate.number)]
