"""Public catalogue benchmark: 17,000 certified products of 10,000 producers under gunicorn.

    .venv/bin/python bench/catalogue_bench.py          # SQLite (a fresh file in var/bench/)
    .venv/bin/python bench/catalogue_bench.py --database-url postgres://postgres@127.0.0.1:5432/ocop_catalogue_bench
    .venv/bin/python bench/catalogue_bench.py --products 2000 --producers 1200 --duration 5

Steps, on a fresh database (migrated, full administrative map and classification):
1. seeds ``--small`` products (default 1,000) with producers in proportion, every product with a
   certificate valid today (``seed``: the registry rows of ``ocop.demo.scale``, then one
   decision per province and one certificate per product in bulk), and counts the SQL queries
   of one uncached request of each measured page (list, filtered search, product page);
2. tops up to ``--products`` (17,000) and ``--producers`` (10,000) and counts again: the counts
   must be equal (exit 1 otherwise);
3. starts gunicorn (``--workers``, DEBUG off) and drives, with ``wrk``, the list's first page, a
   filtered search page and a product page, each against a static file of the same size served
   by the same server (WhiteNoise) in the same run: requests/s, p50/p99 and page ÷ static;
   and each page with one connection (service time without queueing);
4. revokes (through the certificates service) the certificate of a product on the first page
   and polls the list and the product page until the product is gone: it must be gone within
   ``caching.PUBLIC_SECONDS`` (60 s) plus one polling interval (exit 1 otherwise).

The PostgreSQL database named in the URL is created first and dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402
from trace_bench import _drive_wrk, ensure_wrk  # noqa: E402

POLL_SECONDS = 1.0


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def seed(products: int, producers: int, today: date | None = None) -> int:
    """Top the database up to ``products`` products of ``producers`` producers, each product
    with a certificate valid ``today``; returns the certificates written."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from ocop.certificates.models import Certificate, RecognitionDecision
    from ocop.demo import scale
    from ocop.registry.models import Product

    today = today or timezone.localdate()
    scale.generate(products=products, producers=producers, history=False, today=today)
    rng = random.Random(products)
    todo = list(Product.objects.filter(~Exists(Certificate.objects.filter(product=OuterRef("pk"))))
                .select_related("producer__commune").order_by("pk"))
    decisions: dict[str, RecognitionDecision] = {}
    rows = []
    for product in todo:
        province_id = product.producer.commune.current_province_id
        if province_id not in decisions:
            decisions[province_id] = RecognitionDecision.objects.create(
                number=f"{len(decisions) + 1}/QĐ-UBND-BENCH-{product.pk}", date=today,
                signer_name="Trần Văn Ký", signer_title="Chủ tịch", level="province",
                issuing_unit_id=province_id)
        issued = today - timedelta(days=rng.randint(0, 700))
        rows.append(Certificate(
            number=f"OCOP-{province_id[1:]}-B-{product.pk:07d}", product=product,
            producer_id=product.producer_id, decision=decisions[province_id],
            stars=rng.choice((3, 3, 3, 4, 4, 5)), total_score=Decimal("75.00"), issued_on=issued,
            valid_until=issued + timedelta(days=3 * 365 - 1), administered_by_id=province_id))
    Certificate.objects.bulk_create(rows, batch_size=2_000)
    return len(rows)


def page_paths() -> dict[str, str]:
    """The measured pages: the list's first page, a filtered search (the first word of the first
    product's name, in its province, most stars first: never empty, so the rows are read) and
    that product's page."""
    from ocop.core.text import fold
    from ocop.registry.models import Product

    product = Product.objects.select_related("producer__commune").order_by("pk").first()
    word = fold(product.name).split()[0]
    province = product.producer.commune.current_province_id
    return {"list": "/san-pham-ocop/",
            "search": f"/san-pham-ocop/?q={word}&tinh={province}&sap_xep=sao",
            "product": f"/san-pham-ocop/{product.pk}/"}


def count_queries(paths: dict[str, str]) -> dict[str, int]:
    """SQL queries of one uncached anonymous request of each page (the caches emptied first)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    client = Client(HTTP_HOST="localhost")  # a host the bench's settings allow
    for name, path in paths.items():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        counts[name] = len(benchdb.page_queries(ctx.captured_queries))
    return counts


def product_on_first_page() -> tuple[int, str]:
    """A product on the list's first page and its certificate number."""
    from django.utils import timezone

    from ocop.catalogue import selectors
    from ocop.certificates.models import Certificate

    first = selectors.catalogue_products(timezone.localdate(),
                                         selectors.CatalogueFilter()).first()
    certificate = Certificate.objects.valid_on(timezone.localdate()).filter(product=first).get()
    return first.pk, certificate.number


def revoke(number: str) -> None:
    from ocop.certificates.models import Certificate
    from ocop.certificates.services import revoke_certificate

    revoke_certificate(actor=None, certificate=Certificate.objects.get(number=number),
                       reason="Kiểm tra của benchmark", decision_number="1/QĐ-BENCH")


def gone_after(fetch, product_id: int, limit: float) -> float:
    """Seconds until the product leaves both the list and its page (``fetch(path)`` →
    (status, html)); ``limit`` reached → the elapsed time, which the caller reports."""
    started = time.perf_counter()
    link = f'href="/san-pham-ocop/{product_id}/"'
    while True:
        _status, listing = fetch("/san-pham-ocop/")
        page_status, _page = fetch(f"/san-pham-ocop/{product_id}/")
        elapsed = time.perf_counter() - started
        if link not in listing and page_status == 404:
            return elapsed
        if elapsed > limit:
            return elapsed
        time.sleep(POLL_SECONDS)


def _http_fetch(base: str):
    def fetch(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(base + path) as r:  # noqa: S310 — loopback only
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
    return fetch


def _replayed(url: str, tries: int = 8) -> int:
    """How many of ``tries`` answers the fast path replayed (ocop/operations/fastpath.py adds
    ``Age``): each worker keeps its own copy, so a page measured at Django's speed says why."""
    replayed = 0
    for _ in range(tries):
        with urllib.request.urlopen(url) as r:  # noqa: S310 — loopback only
            replayed += r.headers.get("Age") is not None
    return replayed


def measure_http(paths: dict[str, str], env: dict, args: argparse.Namespace) -> dict:
    from django.conf import settings

    from ocop.catalogue.caching import PUBLIC_SECONDS

    port = benchdb.free_port()
    base = f"http://127.0.0.1:{port}"
    static_dir = Path(settings.STATIC_ROOT) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    statics = {name: static_dir / f"catalogue-{name}-same-size.html" for name in paths}
    for f in statics.values():
        f.write_text("x")  # WhiteNoise indexes files at start-up: create them first
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "ocop.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"], cwd=ROOT, env=env)
    results: dict = {}
    fetch = _http_fetch(base)
    try:
        benchdb.wait_for(base + "/healthz", timeout=180)
        for name, path in paths.items():
            status, page = fetch(path)
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
            size = len(page.encode())
            statics[name].write_bytes(b"<!doctype html>" + b" " * (size - 15))
            benchdb.wait_for(f"{base}/static/bench/{statics[name].name}")
            for _ in range(4 * args.workers):  # every worker's page cache
                fetch(path)
            results[f"{name}_replayed"] = _replayed(base + path)
            results[name] = _drive_wrk(base, [path], args.duration, args.connections)
            results[f"{name}_static"] = _drive_wrk(
                base, [f"/static/bench/{statics[name].name}"], args.duration, args.connections)
            # Service time without queueing: one connection, one request at a time.
            results[f"{name}_single"] = _drive_wrk(base, [path], min(args.duration, 5), 1)
            results[f"{name}_bytes"] = size
        product_id, number = product_on_first_page()
        fetch(f"/san-pham-ocop/{product_id}/")
        revoke(number)
        results["revocation_seconds"] = gone_after(fetch, product_id,
                                                   PUBLIC_SECONDS + POLL_SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(static_dir, ignore_errors=True)
    return results


def run(args: argparse.Namespace, env: dict) -> tuple[list[tuple[str, str]], list[str]]:
    from django.db import connection

    from ocop.catalogue.caching import PUBLIC_SECONDS
    from ocop.registry.models import Producer, Product

    failures: list[str] = []
    ensure_wrk()
    # DEBUG off: the manifest storage needs collected static files, here and in gunicorn.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=env, check=True)
    small_producers = max(1, args.producers * args.small // args.products)
    started = time.perf_counter()
    seed(args.small, small_producers)
    _log(f"seeded {args.small:,} products in {time.perf_counter() - started:.0f} s")
    paths = page_paths()
    small = count_queries(paths)
    started = time.perf_counter()
    seed(args.products, args.producers)
    _log(f"topped up to {Product.objects.count():,} products, {Producer.objects.count():,} "
         f"producers in {time.perf_counter() - started:.0f} s")
    large = count_queries(paths)
    for name in paths:
        if small[name] != large[name]:
            failures.append(f"{name}: {small[name]} queries at {args.small:,}, "
                            f"{large[name]} at {args.products:,}")
    http = measure_http(paths, env, args)
    if http["revocation_seconds"] > PUBLIC_SECONDS + POLL_SECONDS:
        failures.append(f"revoked product still listed after {http['revocation_seconds']:.0f} s")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = [("database", connection.vendor),
            ("machine", f"{os.cpu_count()} CPUs, load average after the run {load}"),
            ("data", f"{Product.objects.count():,} certified products, "
                     f"{Producer.objects.count():,} producers")]
    for name, label in (("list", "list, first page"), ("search", "filtered search page"),
                        ("product", "product page")):
        page, static = http[name], http[f"{name}_static"]
        rows += [
            (f"{label}: queries (uncached)",
             f"{small[name]} at {args.small:,} products, {large[name]} at {args.products:,}"),
            (f"{label}", f"{page['rps']:,.0f} req/s, p50 {page['p50_ms']:.1f} ms, p99 "
                         f"{page['p99_ms']:.1f} ms ({page['non_2xx']} non-2xx; "
                         f"{http[f'{name}_bytes']:,} bytes; "
                         + f"{http[f'{name}_replayed']} of 8 answers replayed by the fast "
                           "path before the run)"),
            ("  static file, same size", f"{static['rps']:,.0f} req/s, p99 "
                                         f"{static['p99_ms']:.1f} ms"),
            (f"  {label} ÷ static", f"{page['rps'] / static['rps']:.2f} "
                                    "(goal ≥ 0.5 with p99 ≤ 50 ms)"),
            (f"  {label}, one connection", f"p50 {http[f'{name}_single']['p50_ms']:.1f} ms, "
                                           f"p99 {http[f'{name}_single']['p99_ms']:.1f} ms"),
        ]
    rows += [("revoked product gone from list and page after",
              f"{http['revocation_seconds']:.1f} s (limit {PUBLIC_SECONDS} s)"),
             ("load generator", f"wrk, {args.connections} connections, {args.duration} s each, "
                                f"gunicorn {args.workers} sync workers")]
    return rows, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgres://…/<throwaway db> (created, dropped)")
    parser.add_argument("--products", type=int, default=17_000)
    parser.add_argument("--producers", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000, help="first size for query counts")
    parser.add_argument("--duration", type=int, default=10, help="seconds per HTTP measure")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "ocop.settings", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40),
        "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING", **benchdb.NO_RATE_LIMITS,
    })
    os.environ.update(env)
    with benchdb.bench_database(args.database_url, sqlite_name="catalogue.sqlite3"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
        rows, failures = run(args, env)
    benchdb.print_measures(rows, value_width=60)
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
