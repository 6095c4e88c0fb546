#!/usr/bin/env python
"""List-export benchmark: the Excel exports of producers, products and certificates at national
scale, through the shared list-export writer (ocop/jobs/exports.py) the background job uses.

    .venv/bin/python bench/exports_bench.py [--database-url URL] [--sizes 1000,17000]

Creates a fresh database (an SQLite file under var/bench/ by default, or a throw-away
PostgreSQL database), seeds national-scale products and producers (``scale_data``) and one
certificate per product, then, at each size, writes each export as the central office and as
the provincial office with the most products: seconds, file size, rows and SQL queries.

Exit status 1 when any export's query count at the largest size exceeds the one at the
smallest: an export must not issue a query per row.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdb  # noqa: E402
import registry_bench  # noqa: E402

EXPORTS = ("registry.producers", "registry.products", "certificates.certificates")


@dataclass(frozen=True)
class Row:
    size: int
    who: str
    export: str
    seconds: float
    kib: int
    rows: int
    queries: int


def certify_all(log=print) -> None:
    """One certificate for every product that has none, under one decision per province (bulk
    inserts: the benchmark measures the export, not issuing)."""
    from django.db.models import F

    from ocop.certificates.models import Certificate, RecognitionDecision
    from ocop.registry.models import Product

    started = time.perf_counter()
    todo = Product.objects.filter(certificates__isnull=True).values(
        "pk", "producer_id", province=F("producer__commune__current_province_id"))
    decisions: dict[str, RecognitionDecision] = {}
    batch = []
    for row in todo.iterator(chunk_size=2000):
        province = row["province"]
        if province not in decisions:
            decisions[province] = RecognitionDecision.objects.get_or_create(
                number="1/QĐ-UBND", issuing_unit_id=province, defaults={
                    "date": date(2025, 9, 1), "signer_name": "Nguyễn Văn Ký",
                    "signer_title": "Chủ tịch", "level": "province"})[0]
        batch.append(Certificate(
            number=f"OCOP-B-{row['pk']:07d}", product_id=row["pk"],
            producer_id=row["producer_id"], decision=decisions[province], stars=3 + row["pk"] % 3,
            total_score=Decimal("60.00") + row["pk"] % 40, issued_on=date(2025, 9, 1),
            valid_until=date(2028, 8, 31), administered_by_id=province))
    Certificate.objects.bulk_create(batch, batch_size=2000)
    log(f"certified {len(batch):,} products in {time.perf_counter() - started:.1f} s")


def measure(size: int) -> list[Row]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ocop.accounts.models import User
    from ocop.demo.scale import USER_PREFIX, big_province
    from ocop.jobs.exports import EXPORTS as REGISTERED
    from ocop.jobs.exports import export_file

    big = big_province()
    users = [(f"province {big}", User.objects.get(username=f"{USER_PREFIX}tinh-{big.lower()}")),
             ("central", User.objects.get(username=f"{USER_PREFIX}trunguong"))]
    rows = []
    for who, user in users:
        for name in EXPORTS:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                out, count = export_file(REGISTERED[name], user, {})
                seconds = time.perf_counter() - started
            with out:
                out.seek(0, os.SEEK_END)
                kib = out.tell() // 1024
            rows.append(Row(size, who, name, seconds, kib, count, len(queries)))
    return rows


def print_table(rows: Iterable[Row], out=sys.stdout) -> None:
    header = (f"{'products':>9}  {'user':<16} {'export':<26} {'rows':>7} {'seconds':>8} "
              f"{'KiB':>7} {'queries':>8}")
    out.write(header + "\n" + "-" * len(header) + "\n")
    for r in rows:
        out.write(f"{r.size:>9,}  {r.who:<16} {r.export:<26} {r.rows:>7,} {r.seconds:>8.2f} "
                  f"{r.kib:>7,} {r.queries:>8}\n")


def query_growth(rows: list[Row]) -> list[str]:
    return benchdb.query_growth(rows, lambda r: f"{r.who} {r.export}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_bench "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--sizes", default="1000,17000",
                        help="Product totals to measure at, ascending (default 1000,17000)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with benchdb.bench_database(args.database_url, sqlite_name="exports.sqlite3"):
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs")
        rows: list[Row] = []
        for size in sizes:
            # Registry rows only: this bench certifies every product itself (certify_all),
            # one certificate each, so the rows it exports or maps are a known number.
            registry_bench.seed(size, history=False)
            certify_all()
            rows += measure(size)
        print_table(rows)
        growth = query_growth(rows)
        for line in growth:
            print(f"QUERY COUNT GREW: {line}")
        return 1 if growth else 0


if __name__ == "__main__":
    raise SystemExit(main())
