"""Keeps bench/stamp_qr_bench.py from rotting: the sizes it reports are the printed codes'."""

from __future__ import annotations

import io

import stamp_qr_bench
import zxingcpp

from ocop.trace import pdf


def test_stamp_qr_bench_measures_both_schemes():
    rows = stamp_qr_bench.measure("https://ocop.example.vn")
    assert [(r.scheme, r.case) for r in rows] == [
        ("HMAC (before)", "typical"), ("Ed25519 (now)", "typical"),
        ("HMAC (before)", "longest"), ("Ed25519 (now)", "longest")]
    for row in rows:
        assert row.modules == 17 + 4 * row.version  # a QR code's side for its version
        code = zxingcpp.create_barcode(row.uri, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        assert [r.text for r in zxingcpp.read_barcodes(code.to_image(scale=2))] == [row.uri]
        assert pdf.qr_mask(row.uri)[0] == row.modules
        assert abs(row.module_mm * row.modules - 26) < 1e-9
    hmac, ed25519 = rows[0], rows[1]
    assert "?k=" in ed25519.uri and len(ed25519.uri) - len(hmac.uri) == 77
    out = io.StringIO()
    stamp_qr_bench.print_table(rows, stamp_qr_bench.rates(0.01), out)
    assert "module mm" in out.getvalue() and "Ed25519 verify" in out.getvalue()
