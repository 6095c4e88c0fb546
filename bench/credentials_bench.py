#!/usr/bin/env python
"""Verifiable credentials benchmark: credentials issued and verified per second.

    .venv/bin/python bench/credentials_bench.py [--database-url URL] [--count 500]

A fresh database (SQLite under var/bench/, or a throw-away PostgreSQL database), one producer
with ``count`` products in Bắc Ninh, one certificate each entered from paper records with their
credentials left out (as certificates that existed before the credentials app), then:

- issue: ``services.issue_credential`` for each (a random status bit, the UNTP DCC body, the ES256
  signature, the row) — what the backfill command and the first request do;
- verify: ``verification.verify`` for each (trust list, signature with ``cryptography``, the UNTP
  DCC JSON Schema, dates, the status list credential signed and checked per call) — what
  ``manage.py credentials verify`` does; and the signature alone.

Prints credentials/s for each. The figures are recorded in docs/credentials.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdb  # noqa: E402


def _certificates(count: int) -> list:
    from ocop.certificates import services as certificates
    from ocop.credentials.models import Credential
    from ocop.registry.models import ProductSet
    from ocop.registry.testing import make_producer, make_product
    from ocop.units.models import Unit

    province = Unit.objects.get(key="P24")
    commune = Unit.objects.filter(current_province=province, level="commune",
                                  era="current").order_by("key").first()
    producer = make_producer("HTX Đo tốc độ", commune, "0100109106")
    product_set = ProductSet.objects.order_by("pk").first()
    products = [make_product(producer, f"Sản phẩm đo {n}", product_set) for n in range(count)]
    decision = certificates.create_decision(
        actor=None, number="1/QĐ-BENCH", date=date(2025, 9, 1), signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", level="province", issuing_unit=province)
    created = certificates.enter_paper_certificates(actor=None, today=date(2025, 9, 2), records=[
        certificates.PaperCertificate(decision=decision, product=p, stars=4,
                                      total_score=Decimal("75"), issued_on=date(2025, 9, 1))
        for p in products])
    Credential.objects.all().delete()  # as if issued before the credentials app
    return created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    with benchdb.bench_database(args.database_url, sqlite_name="credentials.sqlite3"):
        from ocop.credentials import documents, selectors, services, verification

        created = _certificates(args.count)
        started = time.perf_counter()
        issued = [services.issue_credential(c) for c in created]
        issue_s = time.perf_counter() - started

        trust = selectors.trust_list()
        started = time.perf_counter()
        refused = sum(not verification.verify(c.jwt, trust=trust,
                                               status_list=selectors.status_list_at).ok
                      for c in issued)
        verify_s = time.perf_counter() - started

        started = time.perf_counter()
        for credential in issued:
            verification.check_signature(credential.jwt, trust,
                                         expected_type="DigitalConformityCredential")
        signature_s = time.perf_counter() - started
        size = sum(len(c.jwt) for c in issued) // len(issued)
        benchdb.print_measures([
            ("credentials", str(len(issued))),
            ("issued/s (body, bit, ES256, row)", f"{len(issued) / issue_s:.0f}"),
            ("verified/s (all checks, status list)", f"{len(issued) / verify_s:.0f}"),
            ("signatures checked/s", f"{len(issued) / signature_s:.0f}"),
            ("mean vc+jwt size (bytes)", str(size)),
            ("algorithm", documents.ALGORITHM),
        ], value_width=10)
        if refused:
            print(f"{refused} credentials refused", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
