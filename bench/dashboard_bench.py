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

Certificates and dossiers: ``ocop.demo.scale.generate`` is asked for them when it takes a
``dossiers`` argument (another change extends the generator with dossiers and certificates);
with a generator that does not make them yet, this script adds its own (``top_up_cycle``), so
the figures always have certificates, expiries, renewals and dossiers to count.

Exit status 1 when any query count at the largest size exceeds the one at the smallest: the
dashboard must cost the same number of queries whatever the data size.
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Iterable
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

PRODUCER_RATIO = 10_000 / 17_000
DOSSIER_RATIO = 50_000 / 17_000
SHEET = "1048-rau-cu-qua-hat-tuoi"
# Statements that only open or close the session write's transaction (see ``time_get``).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
BATCH = 2000


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

    kwargs = {"products": products, "producers": max(1, round(products * PRODUCER_RATIO)),
              "documents": 0}
    # Only a generator that knows dossiers is asked for them (see the module docstring).
    if "dossiers" in inspect.signature(generate).parameters:
        kwargs["dossiers"] = round(products * DOSSIER_RATIO)
    generate(**kwargs)


def top_up_cycle(products: int) -> None:
    """Certificates (a first one for about four products in five, renewals and expiries over the
    last six years) and dossiers (one per product per round, across the states), in bulk, when
    the generator did not make them."""
    from django.db import transaction

    from ocop.certificates.models import Certificate, RecognitionDecision
    from ocop.criteria.models import CriteriaSetVersion
    from ocop.criteria.services import load_shipped_sets
    from ocop.dossiers.models import Dossier, DossierState, ProgrammeYear, Round
    from ocop.registry.models import Product
    from ocop.rules.certification import certificate_valid_until
    from ocop.units.models import Unit

    today = date.today()
    rng = random.Random(f"dashboard:{products}")
    have = set(Certificate.objects.values_list("product_id", flat=True).distinct())
    rows = list(Product.objects.exclude(pk__in=have).order_by("pk")
                .values_list("pk", "producer_id", "producer__commune__current_province_id"))
    provinces = Unit.objects.filter(era=Unit.Era.CURRENT, level=Unit.Level.PROVINCE)
    decisions = {}
    for province in provinces:
        decisions[province.pk], _ = RecognitionDecision.objects.get_or_create(
            issuing_unit=province, number="BENCH/QĐ-UBND", defaults={
                "date": today, "signer_name": "Nguyễn Văn Ký", "signer_title": "Chủ tịch",
                "level": "province"})
    serial = Certificate.objects.count()
    certificates = []
    for product_id, producer_id, province in rows:
        if province is None or rng.random() > 0.8:
            continue
        issued = today - timedelta(days=rng.randint(0, 6 * 365))
        stars = rng.choices((3, 4, 5), weights=(72, 27, 1))[0]
        chain = [issued]
        # An expired certificate comes back (re-evaluated) about six times in ten.
        if (issued + timedelta(days=36 * 30)) < today and rng.random() < 0.6:
            chain.append(issued + timedelta(days=36 * 30 + rng.randint(-60, 200)))
        for day in chain:
            if day > today:
                continue
            serial += 1
            certificates.append(Certificate(
                number=f"OCOP-BENCH-{serial:07d}", product_id=product_id,
                producer_id=producer_id, decision=decisions[province], stars=stars,
                total_score=Decimal(50 + 10 * (stars - 2)), issued_on=day,
                valid_until=certificate_valid_until(day), administered_by_id=province))
    with transaction.atomic():
        Certificate.objects.bulk_create(certificates, batch_size=BATCH)

    target = round(products * DOSSIER_RATIO)
    missing = target - Dossier.objects.count()
    if missing <= 0:
        return
    load_shipped_sets(codes=[SHEET])
    sheet = CriteriaSetVersion.objects.order_by("pk").first()
    rounds = {}
    for province in provinces:
        year, _ = ProgrammeYear.objects.get_or_create(province=province, year=today.year)
        rounds[province.pk] = []
        for number in (1, 2, 3):
            r, _ = Round.objects.get_or_create(
                programme_year=year, level="province", number=number, issuing_unit=province,
                defaults={"name": f"Đợt {number}", "opens_on": date(today.year, 1, 1),
                          "submission_deadline": date(today.year, 3 * number, 1),
                          "evaluation_deadline": date(today.year, 3 * number + 1, 1),
                          "recognition_deadline": date(today.year, 3 * number + 2, 1)})
            rounds[province.pk].append(r)
    states = list(DossierState.values)
    everyone = list(Product.objects.order_by("pk")
                    .values_list("pk", "producer_id", "producer__commune__current_province_id"))
    dossiers = []
    while len(dossiers) < missing:
        product_id, producer_id, province = rng.choice(everyone)
        if province is None:
            continue
        state = rng.choice(states)
        the_round = rng.choice(rounds[province])
        dossiers.append(Dossier(
            product_id=product_id, producer_id=producer_id, criteria_set=sheet, state=state,
            requested_round=the_round, target_stars=rng.choices((3, 4, 5), (60, 35, 5))[0],
            round=the_round if state not in ("draft", "submitted", "withdrawn") else None))
    with transaction.atomic():
        Dossier.objects.bulk_create(dossiers, batch_size=BATCH)


def seed(products: int, *, log=print) -> None:
    from django.db import connection

    started = time.perf_counter()
    _generate(products)
    top_up_cycle(products)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"seeded {products:,} products in {time.perf_counter() - started:.1f} s")


def time_get(client, url: str, requests: int, who: str) -> benchdb.Timing:
    """``benchdb.time_get``, counting the queries of the page itself: the session's "last
    seen" stamp is rewritten once a minute (ocop/accounts/session_limits.py; an UPDATE in its
    own transaction), so a slow series of requests would otherwise count that write in some of
    them and a fast one not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} as {who}: HTTP {response.status_code}")
    times: list[float] = []
    queries = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} as {who}: HTTP {response.status_code}")
        own = [q for q in ctx.captured_queries if "django_session" not in q["sql"]
               and not q["sql"].startswith(TRANSACTION_CONTROL)]
        queries = max(queries, len(own))
    return benchdb.Timing(statistics.median(times), benchdb.percentile(times, 95), queries)


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
            timing = time_get(client, url, requests, user.username)
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
    sizes = sorted({r.size for r in rows})
    small = {(r.who, r.endpoint): r.queries for r in rows if r.size == sizes[0]}
    return [
        f"{r.who} {r.endpoint}: {small[(r.who, r.endpoint)]} → {r.queries} queries"
        for r in rows
        if r.size == sizes[-1] and r.queries > small.get((r.who, r.endpoint), r.queries)
    ]


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
