#!/usr/bin/env python
"""Registry benchmark: product list page and product API at 1,000 and 17,000 products.

    .venv/bin/python bench/registry_bench.py [--database-url URL] [--requests 200]

Creates a fresh database — an SQLite file under var/bench/ by default, or, given
postgres://user@host:port/name, a throw-away PostgreSQL database of that name that is dropped at
the end — migrates it, loads the whole administrative map and the classification, then seeds
national-scale data (``scale_data``) in steps. At each size it signs in with Django's test
Client as the provincial office of the province with the most products and as the central
office, and requests the product list page and the product API list N times each, printing
p50/p95 latency and SQL queries per request.

Exit status 1 when any query count at the largest size exceeds the one at the smallest: the
list must cost the same number of queries whatever the data size.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdb  # noqa: E402

# Producers per product nationally: about 10,000 for 17,000 products (ocop-facts §3.1).
PRODUCER_RATIO = 10_000 / 17_000
API_PRODUCTS = "/api/v1/products"


@dataclass(frozen=True)
class Row:
    size: int
    who: str
    endpoint: str
    p50_ms: float
    p95_ms: float
    queries: int  # the most seen in any one request
    rows: int


def seed(products: int, *, provinces: int | None = None, history: bool = True,
         log=print) -> None:
    """Top the database up to ``products`` products with the matching number of producers
    (and, with ``history``, their dossiers and certificates: ``scale.generate``)."""
    from django.db import connection

    from ocop.demo.scale import generate

    started = time.perf_counter()
    generate(products=products, producers=max(1, round(products * PRODUCER_RATIO)),
             provinces=provinces, documents=products, history=history)
    # Fresh planner statistics, as autovacuum (PostgreSQL) or a nightly ANALYZE would give a
    # live database; without them the planner guesses on tables that grew 17-fold.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"seeded {products:,} products in {time.perf_counter() - started:.1f} s")


def measure(size: int, requests: int) -> list[Row]:
    """Time each endpoint for each benchmark user (``benchdb.time_get``)."""
    from django.test import Client
    from django.urls import reverse

    from ocop.accounts.models import User
    from ocop.accounts.testing import login_client
    from ocop.demo.scale import USER_PREFIX, big_province
    from ocop.registry.models import Product

    big = big_province()
    if big is None:
        raise SystemExit("No products: seed first.")
    users = [
        (f"province {big}", User.objects.get(username=f"{USER_PREFIX}tinh-{big.lower()}")),
        ("central", User.objects.get(username=f"{USER_PREFIX}trunguong")),
    ]
    endpoints = [("page " + reverse("registry:product_list"), reverse("registry:product_list")),
                 ("api " + API_PRODUCTS, API_PRODUCTS)]
    rows: list[Row] = []
    for who, user in users:
        client = Client()
        login_client(user, client)
        visible = (
            Product.objects.count() if user.is_nationwide
            else Product.objects.filter(producer__commune__current_province_id=user.unit_id)
            .count()
        )
        for label, url in endpoints:
            timing = benchdb.time_get(client, url, requests, user.username)
            rows.append(Row(size, who, label, timing.p50_ms, timing.p95_ms, timing.queries,
                            visible))
    return rows


def print_table(rows: Iterable[Row], out=sys.stdout) -> None:
    header = f"{'products':>9}  {'user (rows visible)':<26} {'endpoint':<20} " \
             f"{'p50 ms':>8} {'p95 ms':>8} {'queries':>8}"
    out.write(header + "\n" + "-" * len(header) + "\n")
    for r in rows:
        who = f"{r.who} ({r.rows:,})"
        out.write(f"{r.size:>9,}  {who:<26} {r.endpoint:<20} "
                  f"{r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.queries:>8}\n")


def query_growth(rows: list[Row]) -> list[str]:
    return benchdb.query_growth(rows, lambda r: f"{r.who} {r.endpoint}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_bench "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--sizes", default="1000,17000",
                        help="Product totals to measure at, ascending (default 1000,17000)")
    parser.add_argument("--requests", type=int, default=200, help="Requests per measurement")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    with benchdb.bench_database(args.database_url, sqlite_name="registry.sqlite3"):
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"{args.requests} requests per row")
        rows: list[Row] = []
        for size in sizes:
            seed(size)
            rows += measure(size, args.requests)
            print("load average while measuring: " +
                  " ".join(f"{x:.1f}" for x in os.getloadavg()))
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
