#!/usr/bin/env python
"""Map benchmark: the map's JSON layers and page at national scale (17,000 certified products).

    .venv/bin/python bench/maps_bench.py [--database-url URL] [--sizes 1000,17000] [--requests 20]

Creates a fresh database (an SQLite file under var/bench/ by default, or a throw-away PostgreSQL
database that is dropped at the end), loads the whole administrative map, seeds national-scale
producers and products (``ocop.demo.scale``) and gives every product a valid certificate (the
programme counts about 17,000 certified products). At each size it times:

- the public layer built from the database (the server cache emptied before each request),
- the public layer served from the cache,
- the list of the commune with the most products (a popup),
- the staff layer for the central office and for the office of the province with the most
  products (its province is printed), and the busiest commune's staff list,
- the map page for the central office (province totals) and for that province's office (its
  province's communes listed),

printing p50/p95 latency, SQL queries per request and the JSON size. Exit status 1 when a query
count at the largest size exceeds the one at the smallest.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdb  # noqa: E402
import registry_bench  # noqa: E402


@dataclass(frozen=True)
class Row:
    size: int
    what: str
    p50_ms: float
    p95_ms: float
    queries: int
    kib: float


def certify_all(log=print) -> int:
    """A valid certificate for every product that has none (bulk, no services: a benchmark)."""
    from django.db import transaction

    from ocop.certificates.models import Certificate, RecognitionDecision
    from ocop.registry.models import Product
    from ocop.units.models import Unit

    today = date.today()
    decision, _ = RecognitionDecision.objects.get_or_create(
        number="BENCH/QĐ-UBND", defaults={
            "date": today - timedelta(days=30), "signer_name": "Bench", "signer_title": "Bench",
            "level": "province", "issuing_unit": Unit.objects.get(pk="P01")})
    todo = (Product.objects.filter(certificates__isnull=True)
            .values_list("pk", "producer_id", "producer__commune__current_province_id"))
    start = Certificate.objects.count()
    new = [
        Certificate(number=f"OCOP-BN-{today.year}-{start + i:06d}", product_id=pk,
                    producer_id=producer, decision=decision, stars=3 + (pk % 3),
                    total_score=Decimal("70"), issued_on=today - timedelta(days=10),
                    valid_until=today + timedelta(days=1000),
                    administered_by_id=province or "P01")
        for i, (pk, producer, province) in enumerate(todo)
    ]
    with transaction.atomic():
        Certificate.objects.bulk_create(new, batch_size=2000)
    log(f"certified {len(new):,} more products")
    return len(new)


def measure(size: int, requests: int) -> list[Row]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from ocop.accounts.models import User
    from ocop.accounts.testing import login_client
    from ocop.demo.scale import USER_PREFIX, big_province
    from ocop.maps import selectors

    big = big_province()
    print(f"province office: {big}")
    central = login_client(User.objects.get(username=f"{USER_PREFIX}trunguong"))
    office = login_client(User.objects.get(username=f"{USER_PREFIX}tinh-{big.lower()}"))
    public, staff, page = (reverse("maps:public_data"), reverse("maps:staff_data"),
                           reverse("maps:map"))
    rows: list[Row] = []

    def timed(what: str, client: Client, url: str, *, cold: bool = False) -> None:
        times, queries, size_bytes = [], 0, 0
        client.get(url)  # warm-up: session, templates
        for _ in range(requests):
            if cold:
                cache.delete(selectors.public_cache_key(timezone.localdate()))
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            queries = max(queries, len(ctx.captured_queries))
            size_bytes = len(response.content)
        rows.append(Row(size, what, statistics.median(times),
                        benchdb.percentile(times, 95), queries, size_bytes / 1024))

    busiest = max(selectors.public_layer(timezone.localdate())["areas"], key=lambda a: a["count"])
    print(f"busiest commune: {busiest['key']} ({busiest['count']} products)")
    area = reverse("maps:public_area", args=[busiest["key"]])
    timed("public layer, built", Client(), public, cold=True)
    timed("public layer, cached", Client(), public)
    timed("busiest commune's list", Client(), area)
    timed("staff layer, central", central, staff)
    timed("staff layer, province office", office, staff)
    timed("staff list, busiest commune", central,
          reverse("maps:staff_area", args=[busiest["key"]]))
    timed("page, central", central, page)
    timed("page, province office", office, page)
    return rows


def print_table(rows: list[Row], out=sys.stdout) -> None:
    header = f"{'products':>9}  {'request':<28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} " \
             f"{'KiB':>8}"
    out.write(header + "\n" + "-" * len(header) + "\n")
    for r in rows:
        out.write(f"{r.size:>9,}  {r.what:<28} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} "
                  f"{r.queries:>8} {r.kib:>8.0f}\n")


def query_growth(rows: list[Row]) -> list[str]:
    return benchdb.query_growth(rows, lambda r: r.what)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_bench "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--sizes", default="1000,17000",
                        help="Product totals to measure at, ascending (default 1000,17000)")
    parser.add_argument("--requests", type=int, default=20, help="Requests per measurement")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with benchdb.bench_database(args.database_url, sqlite_name="maps.sqlite3"):
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"{args.requests} requests per row")
        rows: list[Row] = []
        for size in sizes:
            # Registry rows only: this bench certifies every product itself (certify_all),
            # one certificate each, so the rows it exports or maps are a known number.
            registry_bench.seed(size, history=False)
            certify_all()
            rows += measure(size, args.requests)
        print()
        print_table(rows)
        grown = query_growth(rows)
        if grown:
            print("\nFAIL: query count grows with the data:\n  " + "\n  ".join(grown))
            return 1
        print(f"\nOK: query counts at {sizes[-1]:,} equal those at {sizes[0]:,}.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
