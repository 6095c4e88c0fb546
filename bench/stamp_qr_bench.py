"""Stamp QR size and signature cost: the HMAC stamps printed before key ids against Ed25519.

    .venv/bin/python bench/stamp_qr_bench.py
    .venv/bin/python bench/stamp_qr_bench.py --base https://qr.ocop.example.vn

For a typical and a longest stamp URI of each scheme: its length, the QR version the stamp sheet
prints (zxing-cpp, error correction M, as ocop/trace/pdf.py draws it; segno's choice beside it
as a check) and the module size at the printed size (pdf.QR_SIZE, 26 mm, quiet zone outside).
Then signatures and verifications per second with a loaded key (what a scan costs). No database:
the Ed25519 key is made in memory. The figures are recorded in docs/stamps.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")

import django  # noqa: E402

django.setup()

import segno  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from ocop.trace import pdf, stampkeys, stamps  # noqa: E402

GTIN = "08930000000019"
# (label, lot, serial): a lot code as the demo and tests use, and the longest the rules allow.
CASES = [("typical", "VS-2025-01", 1_000_000), ("longest", "L" * 20, 10**18 - 1)]
KID = "Ab3_"  # the key id is 4 characters (stampkeys.KID_LENGTH)


@dataclass
class Row:
    scheme: str
    case: str
    uri: str
    version: int
    modules: int
    segno_version: int

    @property
    def module_mm(self) -> float:
        return pdf.QR_SIZE / pdf.MM / self.modules


def uris(base: str, key: Ed25519PrivateKey) -> list[tuple[str, str, str]]:
    out = []
    for case, lot, serial in CASES:
        head = f"{base.rstrip('/')}{stamps.gs1_path(GTIN, lot, serial)}"
        message = stamps.message(GTIN, lot, serial)
        out.append(("HMAC (before)", case, f"{head}?s={stamps.legacy_sign(GTIN, lot, serial)}"))
        signature = stampkeys.encode_signature(key.sign(message))
        out.append(("Ed25519 (now)", case, f"{head}?k={KID}&s={signature}"))
    return out


def measure(base: str) -> list[Row]:
    key = Ed25519PrivateKey.generate()
    rows = []
    for scheme, case, uri in uris(base, key):
        modules, _bits = pdf.qr_mask(uri)
        rows.append(Row(scheme, case, uri, (modules - 17) // 4, modules,
                        segno.make(uri, error="m").version))
    return rows


def rates(seconds: float = 1.0) -> dict[str, float]:
    """Operations per second: HMAC sign+check, Ed25519 sign, Ed25519 verify (loaded key)."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    message = stamps.message(GTIN, "VS-2025-01", 1)
    signature = key.sign(message)
    legacy = stamps.legacy_sign(GTIN, "VS-2025-01", 1)

    def per_second(work) -> float:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(100):
                work()
            count += 100
        return count / (time.perf_counter() - start)

    return {
        "HMAC check": per_second(lambda: stamps.check(GTIN, "VS-2025-01", 1, legacy)),
        "Ed25519 sign": per_second(lambda: key.sign(message)),
        "Ed25519 verify": per_second(lambda: public.verify(signature, message)),
    }


def print_table(rows: list[Row], speed: dict[str, float], out: TextIO) -> None:
    out.write(f"Printed QR size {pdf.QR_SIZE / pdf.MM:.0f} mm, error correction M\n")
    out.write(f"{'scheme':<14} {'case':<8} {'chars':>5} {'version':>7} {'modules':>7} "
              f"{'module mm':>9} {'segno v':>7}\n")
    for r in rows:
        out.write(f"{r.scheme:<14} {r.case:<8} {len(r.uri):>5} {r.version:>7} {r.modules:>7} "
                  f"{r.module_mm:>9.2f} {r.segno_version:>7}\n")
    for r in rows[:2]:
        out.write(f"  {r.uri}\n")
    for name, value in speed.items():
        out.write(f"{name:<16} {value:>10,.0f} /s\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="https://ocop.bacninh.gov.vn",
                        help="the resolver host printed on stamps (STAMP_RESOLVER_URL)")
    parser.add_argument("--seconds", type=float, default=1.0)
    # run_all.py passes every benchmark the same arguments (e.g. --database-url): this one
    # uses no database, so what it does not know is ignored.
    args, _unknown = parser.parse_known_args()
    print_table(measure(args.base), rates(args.seconds), sys.stdout)


if __name__ == "__main__":
    main()
