#!/usr/bin/env python
"""Scale-data benchmark: how long ``scale_data`` takes to fill a database to national size.

    .venv/bin/python bench/scale_bench.py [--database-url URL] [--products 17000]
        [--producers 10000] [--dossiers 50000]

Creates a fresh database — an SQLite file under var/bench/ by default, or, given
postgres://user@host:port/name, a throw-away PostgreSQL database of that name that is dropped at
the end — migrates it, loads the whole administrative map and the classification, then times
``ocop.demo.scale.generate`` at the sizes asked for (the criteria sheets it loads first are
inside the time) and prints what it added: producers, products, dossiers by state, recognition
decisions, certificates by status on the day, products by stars. Wall-clock and CPU seconds are
both printed: on a shared machine the first depends on the neighbours, the second does not.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdb  # noqa: E402


def seed(products: int, producers: int, dossiers: int | None) -> list[tuple[str, str]]:
    """Generate, then the measures: time, then what the database holds."""
    from collections import Counter

    from django.db.models import Count
    from django.utils import timezone

    from ocop.certificates.models import Certificate
    from ocop.demo.scale import generate
    from ocop.dossiers.models import Dossier
    from ocop.registry.models import Product

    wall, cpu = time.perf_counter(), time.process_time()
    report = generate(products=products, producers=producers, dossiers=dossiers)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    today = timezone.localdate()
    statuses = Counter(
        c.status_on(today) for c in Certificate.objects.only("issued_on", "valid_until",
                                                             "revoked_on")
    )
    states = dict(Dossier.objects.values_list("state").annotate(n=Count("pk")).order_by("state"))
    stars = dict(Product.objects.values_list("stars").annotate(n=Count("pk")).order_by("stars"))
    cycle = report.cycle
    return [
        ("generate, wall clock", f"{wall:.1f} s"),
        ("generate, CPU of this process", f"{cpu:.1f} s"),
        ("producers / products added", f"{report.producers:,} / {report.products:,}"),
        ("programme years / rounds added", f"{cycle.programme_years:,} / {cycle.rounds:,}"),
        ("dossiers added", f"{cycle.dossiers:,}"),
        ("dossiers by state", ", ".join(f"{k} {v:,}" for k, v in states.items())),
        ("recognition decisions added", f"{cycle.decisions:,}"),
        ("certificates added", f"{cycle.certificates:,}"),
        ("councils added (this year's open rounds)", f"{cycle.councils:,}"),
        ("inspection visits added (this year)", f"{cycle.visits:,}"),
        (f"certificates on {today:%d/%m/%Y}",
         ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()))),
        ("products by stars", ", ".join(f"{k}★ {v:,}" if k else f"none {v:,}"
                                         for k, v in stars.items())),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_bench "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--products", type=int, default=17_000)
    parser.add_argument("--producers", type=int, default=10_000)
    parser.add_argument("--dossiers", type=int, default=50_000)
    args, _others = parser.parse_known_args(argv)  # run_all.py passes every bench's options

    with benchdb.bench_database(args.database_url, sqlite_name="scale.sqlite3"):
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs")
        rows = seed(args.products, args.producers, args.dossiers)
        print("load average after generating: " +
              " ".join(f"{x:.1f}" for x in os.getloadavg()))
        print()
        benchdb.print_measures(rows, value_width=40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
