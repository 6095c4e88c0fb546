#!/usr/bin/env python
"""Feeds benchmark: the Google Merchant XML and the Shopify/WooCommerce CSVs at national scale.

    .venv/bin/python bench/market_feeds_bench.py [--database-url URL] [--sizes 1000,17000]

Creates a fresh database (SQLite under var/bench/, or a throw-away PostgreSQL database), seeds
national-scale producers and products (``registry_bench.seed``), gives every product a valid
certificate (``maps_bench.certify_all``) and one offer, then streams each feed once through the
test client and prints: the items, the bytes, the time and the peak Python memory while
streaming (tracemalloc). The feeds stream from a database iterator, so the peak must not grow
with the data: exit status 1 when the peak at the largest size exceeds twice the smallest's.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdb  # noqa: E402
import maps_bench  # noqa: E402
import registry_bench  # noqa: E402

FEEDS = ("google.xml", "shopify.csv", "woocommerce.csv")


@dataclass(frozen=True)
class Row:
    size: int
    feed: str
    items: int
    mib: float
    seconds: float
    peak_mib: float


def offer_all() -> int:
    """One offer (with a photo name, so the Google feed keeps the item) for every product
    without one: bulk, no services, a benchmark."""
    from django.db import transaction

    from ocop.market.models import Offer
    from ocop.registry.models import Product

    todo = list(Product.objects.filter(offers__isnull=True).values_list("pk", flat=True))
    with transaction.atomic():
        Product.objects.filter(pk__in=todo, image="").update(image="products/00/bench.png")
        Offer.objects.bulk_create(
            (Offer(product_id=pk, price=50000 + pk % 500 * 1000, unit="hộp",
                   package="Hộp 500 g") for pk in todo), batch_size=2000)
    return len(todo)


def measure(size: int) -> list[Row]:
    from django.test import Client

    client = Client()
    rows = []
    for feed in FEEDS:
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(f"/nguon-du-lieu/{feed}")
        total, items = 0, 0
        for part in response.streaming_content:
            total += len(part)
            items += part.count(b"<item>") if feed.endswith(".xml") else part.count(b"\n")
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if response.status_code != 200:
            raise SystemExit(f"{feed}: HTTP {response.status_code}")
        if feed.endswith(".csv"):
            items -= 1  # the header line
        rows.append(Row(size, feed, items, total / 1048576, seconds, peak / 1048576))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_bench "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--sizes", default="1000,17000",
                        help="Product totals to measure at, ascending (default 1000,17000)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with benchdb.bench_database(args.database_url, sqlite_name="market_feeds.sqlite3"):
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs")
        rows: list[Row] = []
        for size in sizes:
            registry_bench.seed(size, history=False)
            maps_bench.certify_all()
            offer_all()
            rows += measure(size)
        print(f"\n{'products':>9} {'feed':<16} {'items':>7} {'MiB':>7} {'s':>7} {'peak MiB':>9}")
        for r in rows:
            print(f"{r.size:>9,} {r.feed:<16} {r.items:>7,} {r.mib:>7.1f} {r.seconds:>7.2f} "
                  f"{r.peak_mib:>9.1f}")
        small = {r.feed: r.peak_mib for r in rows if r.size == sizes[0]}
        grown = [f"{r.feed}: {small[r.feed]:.1f} → {r.peak_mib:.1f} MiB" for r in rows
                 if r.size == sizes[-1] and r.peak_mib > 2 * max(small[r.feed], 1.0)]
        if grown:
            print("\nFAIL: peak memory grows with the data:\n  " + "\n  ".join(grown))
            return 1
        print(f"\nOK: streaming memory at {sizes[-1]:,} stays within twice that at {sizes[0]:,}.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
