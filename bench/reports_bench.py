#!/usr/bin/env python
"""Reports benchmark: the time to build the monthly report of the whole nation (and of the
largest province) at national scale.

    .venv/bin/python bench/reports_bench.py [--database-url URL] [--products 17000]

Creates a fresh database (an SQLite file under var/bench/ by default, or a throw-away
PostgreSQL database given postgres://…), loads the whole administrative map and the
classification, seeds national-scale producers and products with ``ocop.demo.scale.generate``
(about 17,000 products, ocop-facts §3.1) with the generator's certificate history. Then
builds last month's summary report for the nation and for the province with the most products
exactly as the worker does
(``services.build``), printing the time of each step (figures, Excel, PDF) and the sizes.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdb  # noqa: E402

PRODUCER_RATIO = 10_000 / 17_000  # producers per product nationally (ocop-facts §3.1)


def seed(products: int, *, today: date, log=print) -> None:
    """National-scale producers and products with the programme's history up to ``today``
    (rounds, dossiers, decisions, certificates: ``ocop.demo.scale.generate``)."""
    from ocop.demo import scale

    started = time.perf_counter()
    scale.generate(products=products, producers=max(1, round(products * PRODUCER_RATIO)),
                   documents=0, today=today)
    log(f"seeded {products:,} products in {time.perf_counter() - started:.1f} s")


def build(scope, today: date) -> dict[str, float | int]:
    """Build last month's summary report for ``scope`` (None: the nation) as the worker does;
    the seconds of each step and what it holds."""
    from ocop.reports import services
    from ocop.reports.models import Report
    from ocop.reports.periods import previous_month

    period = previous_month(today)
    report = Report.objects.create(scope=scope, start=period.start, end=period.end)
    marks: list[float] = []
    started = time.perf_counter()
    services.build(report, lambda done, total: marks.append(time.perf_counter()), today=today)
    steps = [b - a for a, b in zip([started, *marks], marks, strict=False)]
    report.refresh_from_db()
    return {"figures_s": sum(steps[:-2]), "excel_s": steps[-2], "pdf_s": steps[-1],
            "total_s": time.perf_counter() - started, "excel_kb": report.excel.size // 1024,
            "pdf_kb": report.pdf.size // 1024}


def measure(today: date) -> list[tuple[str, dict]]:
    from ocop.certificates.models import Certificate
    from ocop.demo.scale import big_province
    from ocop.units.models import Unit

    big = big_province()
    rows = [("nation", build(None, today))]
    if big is not None:
        rows.append((f"province {big}", build(Unit.objects.get(pk=big), today)))
    print(f"{Certificate.objects.count():,} certificates, "
          f"{Certificate.objects.valid_on(today).values('product').distinct().count():,} "
          f"products valid today")
    return rows


def print_table(rows: list[tuple[str, dict]], out=sys.stdout) -> None:
    header = (f"{'monthly report':<16} {'figures s':>10} {'Excel s':>8} {'PDF s':>8} "
              f"{'total s':>8} {'xlsx KiB':>9} {'pdf KiB':>8}")
    out.write(header + "\n" + "-" * len(header) + "\n")
    for who, r in rows:
        out.write(f"{who:<16} {r['figures_s']:>10.2f} {r['excel_s']:>8.2f} {r['pdf_s']:>8.2f} "
                  f"{r['total_s']:>8.2f} {r['excel_kb']:>9} {r['pdf_kb']:>8}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_bench "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--products", type=int, default=17_000,
                        help="OCOP products nationally (default 17,000)")
    args = parser.parse_args(argv)
    with benchdb.bench_database(args.database_url, sqlite_name="reports.sqlite3"):
        from django.db import connection
        from django.utils import timezone

        today = timezone.localdate()
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs")
        seed(args.products, today=today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        rows = measure(today)
        print("load average while measuring: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
        print()
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
