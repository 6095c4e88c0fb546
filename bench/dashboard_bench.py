#!/usr/bin/env python
"""Dashboard benchmark: the office dashboard, a chart and a drill-down list at national scale.

    .venv/bin/python bench/dashboard_bench.py [--database-url URL] [--requests 20]

Creates a fresh database (SQLite under var/bench/ by default, or a throw-away PostgreSQL
database that is dropped at the end), loads the whole administrative map and the classification,
then seeds national-scale data in steps (default 1,000 then 17,000 products, with about 10,000
producers and 50,000 dossiers at full size, ocop-facts §3.1). At each size it signs in as the
provincial office of the province with the most products and as the central office and requests
the dashboard page, its heaviest chart and a drill-down list N times each, printing p50/p95
latency and SQL queries per request.

Certificates and dossiers come from ``ocop.demo.scale.generate``'s history of the programme
(rounds, dossiers in every state, decisions, certificates issued, renewed, upgraded, expired and
revoked), so the figures have expiries, renewals and dossiers to count.

Exit status 1 when any query count at the largest size exceeds the one at the smallest: the
dashboard must cost the same number of queries whatever the data size.
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

PRODUCER_RATIO = 10_000 / 17_000
DOSSIER_RATIO = 50_000 / 17_000
SHEET = "1048-rau-cu-qua-hat-tuoi"
# Statements that only open or close the session write's transaction (see ``time_get``).


@dataclass(frozen=True)
class Row:
    size: int
    who: str
    endpoint: str
    p50_ms: float
    p95_ms: float
    queries: int
    rows: int  # products in the viewer's area


def _generate(products: int) -> None:
    from ocop.demo.scale import generate

    generate(products=products, producers=max(1, round(products * PRODUCER_RATIO)),
             documents=0, dossiers=round(products * DOSSIER_RATIO))


def seed(products: int, *, log=print) -> None:
    from django.db import connection

    started = time.perf_counter()
    _generate(products)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"seeded {products:,} products in {time.perf_counter() - started:.1f} s")




def measure(size: int, requests: int) -> list[Row]:
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
        (f"province {big}", User.objects.get(username=f"{USER_PREFIX}tinh-{big.lower()}"),
         "districts"),
        ("central", User.objects.get(username=f"{USER_PREFIX}trunguong"), "provinces"),
    ]
    home = reverse("dashboards:home")
    rows: list[Row] = []
    for who, user, chart in users:
        client = Client()
        login_client(user, client)
        visible = (Product.objects.count() if user.is_nationwide else
                   Product.objects.filter(producer__commune__current_province_id=user.unit_id)
                   .count())
        endpoints = [("page", home),
                     (f"chart {chart}", reverse("dashboards:chart", args=[chart])),
                     ("drill valid", reverse("dashboards:products") + "?set=valid")]
        for label, url in endpoints:
            timing = benchdb.time_get(client, url, requests, user.username)
            rows.append(Row(size, who, label, timing.p50_ms, timing.p95_ms, timing.queries,
                            visible))
    return rows


def print_table(rows: Iterable[Row], out=sys.stdout) -> None:
    header = f"{'products':>9}  {'user (products visible)':<28} {'endpoint':<16} " \
             f"{'p50 ms':>8} {'p95 ms':>8} {'queries':>8}"
    out.write(header + "\n" + "-" * len(header) + "\n")
    for r in rows:
        who = f"{r.who} ({r.rows:,})"
        out.write(f"{r.size:>9,}  {who:<28} {r.endpoint:<16} "
                  f"{r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.queries:>8}\n")


def query_growth(rows: list[Row]) -> list[str]:
    return benchdb.query_growth(rows, lambda r: f"{r.who} {r.endpoint}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_bench "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--sizes", default="1000,17000",
                        help="Product totals to measure at, ascending (default 1000,17000)")
    parser.add_argument("--requests", type=int, default=20, help="Requests per measurement")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    with benchdb.bench_database(args.database_url, sqlite_name="dashboard.sqlite3"):
        from ocop.certificates.models import Certificate
        from ocop.dossiers.models import Dossier

        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"{args.requests} requests per row")
        rows: list[Row] = []
        for size in sizes:
            seed(size)
            print(f"  {Certificate.objects.count():,} certificates, "
                  f"{Dossier.objects.count():,} dossiers")
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
