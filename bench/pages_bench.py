#!/usr/bin/env python
"""Pages benchmark: the SQL queries of every list page and public page, for every role, at
1,000 and 17,000 products.

    .venv/bin/python bench/pages_bench.py [--database-url URL] [--requests 10]

Creates a fresh database (an SQLite file under var/bench/ by default; with a postgres://…/name
URL a throw-away PostgreSQL database that is dropped at the end), loads the whole map and the
classification, then tops the data up in two steps (default 1,000 then 17,000 products) with the
work-queue benchmark's seeding (``workqueue_bench.seed``: producers, products, accounts, dossiers
in every state, corrections, councils, assignments, certificates, inspection visits, revocation
proposals, complaints, training registrations) plus, in proportion to the products, published
news articles, production zones and lots.

The pages are not a hand-picked few: every URL pattern without parameters (``ocop.urls``), and
with it every menu entry (``ocop.web.nav.MENU``), minus the forms, actions, downloads and sign-in
steps listed in ``NOT_LISTS`` with the reason; plus the public pages that take a key (certificate
verification, a criteria sheet, a news article, the public map of a province) and the staff
pages that list what hangs on one record (a council, an inspection plan, a programme year, a
producer, a product, a course, a lot), the same record at both sizes. Each person — admin,
central office, provincial office, commune officer, council member, inspector, producer — and an
anonymous visitor requests each page once; those that answer 200 are that person's pages, and are
timed N times (``benchdb.time_get``), page 1 and, where the page links to further pages, its last
page.

Printed: for each person and page, queries at each size and p50 ms at the smallest and the
largest. Each page's first request runs under django-zeal, which names any related row loaded one
at a time (an N+1 that a full page of 25 rows hides from the counts: it costs the same at both
sizes). Exit status 1 when any count at the largest size exceeds the one at the smallest, when
zeal reports an N+1, or when a page that answered at the smallest size no longer does.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import sys
import warnings
from collections.abc import Iterable, Iterator
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
import workqueue_bench  # noqa: E402 — the seeding that gives every role's lists rows

BENCH = "pg-"
# Parameterless URL names that are not list or public pages, and why they are left out.
NOT_LISTS = {
    "accounts:login": "sign-in form", "accounts:logout": "action",
    "accounts:profile": "own account form", "accounts:otp_verify": "sign-in step",
    "accounts:otp_setup": "sign-in step", "accounts:password_change": "form",
    "accounts:password_change_done": "confirmation", "accounts:password_reset": "form",
    "accounts:password_reset_done": "confirmation",
    "accounts:password_reset_complete": "confirmation",
    "registry:producer_create": "form", "registry:producer_import": "form",
    "registry:producer_export": "download (bench/exports_bench.py)",
    "registry:product_create": "form", "registry:product_import": "form",
    "registry:product_export": "download (bench/exports_bench.py)",
    "evaluation:council_create": "form", "trace:zone_create": "form",
    "trace:clear_suspicion": "action", "inspections:plan_create": "form",
    "inspections:complaint_public": "public form",
    "criteria:manage": "upload form", "dossiers:create": "form",
    "dossiers:programme_year_create": "form", "notifications:mark_read": "action",
    "units:commune_options": "form helper fragment", "planning:create": "form",
    "news:create": "form", "training:course_create": "form",
    "training:support_create": "form", "set_language": "action", "healthz": "probe",
    "readyz": "probe (its checks open connections of their own)", "metrics": "scrape endpoint",
    "certificates:verify_lookup": "lookup form (the verify page itself is measured)",
    "api-v1:openapi-view": "API documentation page (static)",
    "api-v1:api-root": "API index",
}
# Pages that need a query string to list anything (without it they answer 404), and create
# forms where a nation-wide account picks the province first (the others ignore ?tinh=).
QUERY = {"dashboards:products": "?set=valid", "market:gift_set_create": "?tinh=P01",
         "tourism:destination_create": "?tinh=P01", "tourism:itinerary_create": "?tinh=P01"}
PAGE_LINK = re.compile(rb"[?&]page=(\d+)")


@dataclass(frozen=True)
class Row:
    size: int
    who: str
    page: str
    p50_ms: float
    queries: int
    nplusone: tuple[str, ...] = ()  # what django-zeal saw loaded one row at a time


def _parameterless() -> list[str]:
    """Every named URL pattern of the site without parameters, the admin site aside (the API's
    lists are staff lists too; its POST-only routes answer 405 to a GET and drop out)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, ns: str) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                if not p.pattern.regex.groups:
                    yield from walk(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace
                                                          else ""))
            elif isinstance(p, URLPattern) and p.name and not p.pattern.regex.groups:
                yield ns + p.name

    return sorted(set(walk(get_resolver().url_patterns, "")))


def list_pages() -> list[str]:
    """The URL names measured without arguments: the URL conf's and the menu's."""
    from ocop.web.nav import MENU, Entry

    menu = [e.url_name for item in MENU
            for e in ((item,) if isinstance(item, Entry) else item.entries)]
    return sorted((set(_parameterless()) | set(menu)) - set(NOT_LISTS))


_RECORDS: dict[str, str] = {}


def keyed_pages() -> list[tuple[str, str]]:
    """(label, path) of the pages that take a key: chosen at the first size, the same records
    (which grow with the seeding) at every later one."""
    from django.db.models import Count
    from django.urls import reverse

    from ocop.certificates.models import Certificate, RecognitionDecision
    from ocop.criteria.models import CriteriaSetVersion
    from ocop.demo.scale import big_province
    from ocop.dossiers.models import ProgrammeYear, Round
    from ocop.evaluation.models import Council
    from ocop.inspections.models import InspectionPlan
    from ocop.news.models import Article
    from ocop.registry.models import Producer, Product
    from ocop.trace.models import Lot, Zone
    from ocop.training.models import Course

    if not _RECORDS:
        big = big_province()
        council = (Council.objects.filter(round__issuing_unit_id=big)
                   .annotate(n=Count("assignments")).order_by("-n", "pk").first())
        producer = (Producer.objects.filter(commune__current_province_id=big)
                    .annotate(n=Count("products")).order_by("-n", "pk").first())
        picks = {
            "certificates:verify": Certificate.objects.order_by("pk").first().number,
            "criteria:sheet": CriteriaSetVersion.objects.order_by("pk").first().code,
            "news:detail": Article.objects.order_by("pk").first().pk,
            "maps:public_area": big,
            "evaluation:council": council.pk,
            "inspections:plan_detail": InspectionPlan.objects.filter(province_id=big)
            .order_by("pk").first().pk,
            "dossiers:programme_year": ProgrammeYear.objects.filter(province_id=big)
            .order_by("-year").first().pk,
            "registry:producer_detail": producer.pk,
            # Its panels (the certificate held, the dossier under way) come from two apps above.
            "registry:product_detail": Product.objects.filter(
                producer__commune__current_province_id=big)
            .annotate(n=Count("certificates")).order_by("-n", "pk").first().pk,
            "training:course": Course.objects.filter(province_id=big).order_by("pk").first().pk,
            "trace:lot_detail": Lot.objects.order_by("pk").first().pk,
            "trace:zone_detail": Zone.objects.order_by("pk").first().pk,
            "certificates:decision_detail": RecognitionDecision.objects
            .filter(issuing_unit_id=big).annotate(n=Count("certificates"))
            .order_by("-n", "pk").first().pk,
            "evaluation:recognition": Round.objects.filter(issuing_unit_id=big)
            .annotate(n=Count("dossiers")).order_by("-n", "pk").first().pk,
        }
        _RECORDS.update({name: str(key) for name, key in picks.items()})
    return [(f"{name} {key}", reverse(name, args=[key])) for name, key in _RECORDS.items()]


def seed_extras(products: int, *, today: date) -> None:
    """In proportion to the products: published news (national and provincial), production
    zones of the big province's producers and lots of their products, drawing on the zones."""
    from django.db import transaction
    from django.utils import timezone

    from ocop.demo.scale import big_province
    from ocop.news.models import Article
    from ocop.registry.models import Product
    from ocop.trace.models import Lot, Zone

    big = big_province()
    now = timezone.now()
    with transaction.atomic():
        have = Article.objects.filter(title__startswith="Tin thử tải").count()
        Article.objects.bulk_create(
            Article(kind=Article.Kind.ANNOUNCEMENT, province_id=big if i % 2 else None,
                    title=f"Tin thử tải số {i}", body="Nội dung thông báo thử tải.",
                    publish_at=now - timedelta(hours=i))
            for i in range(have, max(have, products // 20)))
        items = list(Product.objects.filter(producer__commune__current_province_id=big)
                     .values_list("pk", "producer_id", "producer__commune_id").order_by("pk"))
        have = Zone.objects.filter(code__startswith=BENCH).count()
        zones = Zone.objects.bulk_create(
            Zone(code=f"{BENCH}{i:06d}", name=f"Vùng thử tải {i}", producer_id=producer,
                 commune_id=commune, crop="Vải thiều", crop_kind="perennial",
                 declared_area_ha=Decimal("2.5"))
            for i, (_, producer, commune) in enumerate(items[have:max(have, products // 20)],
                                                       start=have))
        have = Lot.objects.filter(code__startswith=BENCH).count()
        lots = Lot.objects.bulk_create(
            Lot(product_id=product, code=f"{BENCH}{i:06d}", produced_on=today,
                quantity=Decimal("100"), unit="kg")
            for i, (product, _, _) in enumerate(items[have:max(have, products // 10)],
                                                start=have))
        if zones:
            Lot.zones.through.objects.bulk_create(
                Lot.zones.through(lot_id=lot.pk, zone_id=zones[i % len(zones)].pk)
                for i, lot in enumerate(lots))


def seed(products: int, *, log=print) -> None:
    today = date.today()
    workqueue_bench.seed(products, today=today, log=log)
    seed_extras(products, today=today)


def people() -> list[tuple[str, object]]:
    """The work-queue benchmark's people (one per role, in the province with the most
    products), an administrator, and ``None`` for the anonymous visitor."""
    from ocop.accounts.models import Role, User

    admin, _ = User.objects.get_or_create(
        username=f"{BENCH}admin", defaults={"role": Role.ADMIN, "is_superuser": True,
                                             "is_staff": True, "password": "!"})
    return [("admin", admin), *workqueue_bench.people(), ("anonymous", None)]


def _paths() -> list[tuple[str, str]]:
    from django.urls import reverse

    # A list and a create route of the API share one path: request it once.
    paths = {reverse(name) + QUERY.get(name, ""): name for name in list_pages()}
    return sorted(((name, path) for path, name in paths.items()), key=lambda p: p[0]) \
        + keyed_pages()


def _last_page(content: bytes) -> int | None:
    numbers = [int(n) for n in PAGE_LINK.findall(content)]
    return max(numbers) if numbers and max(numbers) > 1 else None


_ZEAL: list[bool] = []


def _watch_n_plus_one() -> None:
    """Install django-zeal's patches once (what its app does in ``ready()``, without listing
    it in INSTALLED_APPS), warning instead of raising. A page of 20 rows costs as many queries
    at 1,000 products as at 17,000 even if each row loads its producer on its own — the page
    is full at both sizes — so the counts alone miss a per-row query that zeal reports."""
    if _ZEAL:
        return
    from zeal.constants import initialize_app_registry
    from zeal.patch import patch

    initialize_app_registry()
    patch()
    _ZEAL.append(True)


def _get(client, url: str) -> tuple[object, tuple[str, ...]]:
    """One GET under django-zeal: the response and the N+1 loads it reported (its warnings
    name the model field and the first line of our code on the way)."""
    from django.test.utils import override_settings
    from zeal import zeal_context

    with warnings.catch_warnings(record=True) as caught, override_settings(ZEAL_RAISE=False):
        warnings.simplefilter("always")
        with zeal_context():
            response = client.get(url)
    found = (str(w.message).replace(str(ROOT) + "/", "") for w in caught
             if str(w.message).startswith("N+1 detected"))
    return response, tuple(dict.fromkeys(found))


def measure(size: int, requests: int, *, only: Iterable[str] = ()) -> list[Row]:
    """Every page of every person (``only``: of the people whose label starts so)."""
    from django.test import Client

    from ocop.accounts.testing import login_client

    _watch_n_plus_one()
    rows: list[Row] = []
    for who, user in people():
        if only and not who.startswith(tuple(only)):
            continue
        client = Client()
        if user is not None:
            login_client(user, client)
        for label, path in _paths():
            response, seen = _get(client, path)
            if response.status_code != 200:
                continue  # not this person's page (403/404, or a redirect to sign in)
            if response.streaming:
                continue  # a download streamed row by row (the exchange's export), not a page
            visits = [(label, path, seen)]
            last = _last_page(response.content)
            if last:
                joiner = "&" if "?" in path else "?"
                url = f"{path}{joiner}page={last}"
                visits.append((f"{label} last page", url, _get(client, url)[1]))
            for page, url, nplusone in visits:
                timing = benchdb.time_get(client, url, requests, who)
                rows.append(Row(size, who, page, timing.p50_ms, timing.queries, nplusone))
    return rows


def print_table(rows: Iterable[Row], out=sys.stdout) -> None:
    rows = list(rows)
    sizes = sorted({r.size for r in rows})
    by_key = {(r.size, r.who, r.page): r for r in rows}
    pages = list(dict.fromkeys((r.who, r.page) for r in rows))
    header = (f"{'who':<26} {'page':<46} "
              + " ".join(f"{f'q@{s:,}':>9}" for s in sizes)
              + f" {f'p50 ms@{sizes[0]:,}':>13} {f'p50 ms@{sizes[-1]:,}':>13}")
    out.write(header + "\n" + "-" * len(header) + "\n")
    for who, page in pages:
        counts = [by_key.get((s, who, page)) for s in sizes]
        last = counts[-1]
        flag = "  GROWS" if (counts[0] and last and last.queries > counts[0].queries) else ""
        if any(c and c.nplusone for c in counts):
            flag += "  N+1"
        out.write(f"{who:<26} {page:<46} "
                  + " ".join(f"{(c.queries if c else '-'):>9}" for c in counts)
                  + f" {(f'{counts[0].p50_ms:.1f}' if counts[0] else '-'):>13}"
                  + f" {(f'{last.p50_ms:.1f}' if last else '-'):>13}{flag}\n")


def query_growth(rows: list[Row]) -> list[str]:
    return benchdb.query_growth(rows, lambda r: f"{r.who} {r.page}")


def n_plus_one(rows: list[Row]) -> list[str]:
    """Every distinct N+1 load django-zeal reported, with the pages it was seen on."""
    where: dict[str, list[str]] = {}
    for r in rows:
        for found in r.nplusone:
            where.setdefault(found, []).append(f"{r.who} {r.page}")
    return [f"{found} — {len(pages)} page(s), e.g. {pages[0]}" for found, pages in where.items()]


def lost_pages(rows: list[Row]) -> list[str]:
    """Pages a person could open at the smallest size and not at the largest (a last page
    appears only once there are several): an error or refusal the count would hide."""
    sizes = sorted({r.size for r in rows})
    large = {(r.who, r.page) for r in rows if r.size == sizes[-1]}
    return [f"{r.who} {r.page}" for r in rows
            if r.size == sizes[0] and (r.who, r.page) not in large]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_pages "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--sizes", default="1000,17000",
                        help="Product totals to measure at, ascending (default 1000,17000)")
    parser.add_argument("--requests", type=int, default=10, help="Requests per measurement")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    with benchdb.bench_database(args.database_url, sqlite_name="pages.sqlite3"):
        from django.conf import settings

        # Each person is offered every page: the refusals (403/404) are expected, not news.
        # (Set once Django has configured logging.)
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        for name, value in benchdb.NO_RATE_LIMITS.items():
            setattr(settings, name, value)
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"{args.requests} requests per row")
        rows: list[Row] = []
        for size in sizes:
            seed(size)
            rows += measure(size, args.requests)
            print(f"{size:,} products: {sum(r.size == size for r in rows)} pages measured; "
                  "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
        print()
        print_table(rows)
        grown = query_growth(rows)
        lost = lost_pages(rows)
        loads = n_plus_one(rows)
        if loads:
            print("\nFAIL: rows loaded one by one (django-zeal):\n  " + "\n  ".join(loads))
            return 1
        if lost:
            print("\nFAIL: pages that no longer answer 200:\n  " + "\n  ".join(lost))
            return 1
        if grown:
            print("\nFAIL: query count grows with the data:\n  " + "\n  ".join(grown))
            return 1
        print(f"\nOK: query counts at {sizes[-1]:,} equal those at {sizes[0]:,}.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
