#!/usr/bin/env python
"""OCOP cycle benchmark: dossier list, scoring page, verification and certificate PDF at
national scale (17,000 products, 50,000 dossiers, 400,000 member score sheets).

    .venv/bin/python bench/cycle_bench.py [--database-url URL] [--requests 100] [--scale 1.0]

Creates a fresh database (an SQLite file under var/bench/ by default; with a
postgres://…/name URL a throw-away PostgreSQL database that is dropped at the end), loads the
whole map and the classification, seeds the products with ``scale_data`` and the cycle rows
with ``bulk_create`` (one 2025 programme year and one province round per province, a council of
10 scoring members per round, dossiers spread over the provinces, 10 submitted sheets per
evaluated dossier, a certificate per recognised dossier). It then times, with Django's test
Client, the standing office's dossier list (``dossiers:list``) as the office of the province
with the most products, a council member's scoring page, the public verification page and API,
and the rendering of one certificate PDF; it prints p50/p95 latency and SQL queries per request.
``--scale 0.1`` seeds a tenth of everything (quick runs).
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
import registry_bench  # noqa: E402 — shares the product seeding

# 8 of 10 dossiers are at or past evaluation, each scored by a 10-member council:
# 40,000 × 10 = 400,000 sheets.
PRODUCTS, DOSSIERS, SHEETS_PER_DOSSIER = 17_000, 50_000, 10
BATCH = 5_000


@dataclass(frozen=True)
class Row:
    who: str
    endpoint: str
    p50_ms: float
    p95_ms: float
    queries: int


@dataclass
class Seeded:
    products: int
    dossiers: int
    sheets: int
    certificates: int
    seconds: float


def seed_cycle(scale: float = 1.0, *, log=print) -> Seeded:
    """Products through scale_data, then the cycle rows with bulk_create (no services: the
    point is the size of the tables the pages read, not the speed of writing them)."""
    from django.db import transaction

    from ocop.accounts.models import Role, User
    from ocop.certificates.models import Certificate, RecognitionDecision
    from ocop.criteria.models import CriteriaSetVersion
    from ocop.criteria.services import load_shipped_sets
    from ocop.dossiers.models import Dossier, ProgrammeYear, Round
    from ocop.evaluation.models import Assignment, Council, CouncilMember, ScoreSheet
    from ocop.registry.models import Product
    from ocop.rules.certification import certificate_valid_until

    started = time.perf_counter()
    products_wanted = max(50, round(PRODUCTS * scale))
    registry_bench.seed(products_wanted, history=False, log=log)  # its own cycle below
    load_shipped_sets()
    criteria = CriteriaSetVersion.objects.get(code="148-rau-cu-qua-hat-tuoi-minh-hoa")
    answers = {c["code"]: c["options"][-1]["code"] for c in criteria.data["criteria"]}
    products = list(Product.objects.values_list("pk", "producer_id",
                                                "producer__commune__current_province_id")
                    .order_by("pk"))
    provinces = sorted({p[2] for p in products})
    with transaction.atomic():
        years = {p: ProgrammeYear(province_id=p, year=2025) for p in provinces}
        ProgrammeYear.objects.bulk_create(years.values())
        rounds = {p: Round(programme_year=years[p], level="province", number=1,
                           name=f"Đợt 1 cấp tỉnh 2025 ({p})", opens_on=date(2025, 8, 1),
                           submission_deadline=date(2025, 10, 31),
                           evaluation_deadline=date(2025, 11, 30),
                           recognition_deadline=date(2025, 12, 31), issuing_unit_id=p)
                  for p in provinces}
        Round.objects.bulk_create(rounds.values())
        councils = {p: Council(round=rounds[p], level="province", name=f"Hội đồng tỉnh {p}")
                    for p in provinces}
        Council.objects.bulk_create(councils.values())
        users = [User(username=f"bench-hd-{p.lower()}-{i}", role=Role.COUNCIL_MEMBER,
                      unit_id=p, password="!") for p in provinces
                 for i in range(SHEETS_PER_DOSSIER)]
        User.objects.bulk_create(users)
        members: dict[str, list[CouncilMember]] = {}
        for user in users:
            province = user.unit_id
            role = "chair" if user.username.endswith("-0") else "member"
            members.setdefault(province, []).append(
                CouncilMember(council=councils[province], user=user, role=role))
        CouncilMember.objects.bulk_create([m for ms in members.values() for m in ms])
        n_dossiers = max(100, round(DOSSIERS * scale))
        states = ("recognised",) * 5 + ("scored", "under_evaluation", "under_evaluation",
                                        "accepted", "submitted")
        dossiers = []
        for i in range(n_dossiers):
            pk, producer, province = products[i % len(products)]
            dossiers.append(Dossier(product_id=pk, producer_id=producer, criteria_set=criteria,
                                    round=rounds[province], state=states[i % len(states)],
                                    procedure="1489_2025", target_stars=3, kind="new"))
        for start in range(0, len(dossiers), BATCH):
            Dossier.objects.bulk_create(dossiers[start:start + BATCH])
        evaluated = [d for d in dossiers if d.state in ("recognised", "scored",
                                                        "under_evaluation")]
        province_of = {pk: prov for pk, _, prov in products}
        Assignment.objects.bulk_create(
            (Assignment(council=councils[province_of[d.product_id]], dossier=d)
             for d in evaluated), batch_size=BATCH)
        sheets = 0
        batch: list[ScoreSheet] = []
        for d in evaluated:
            for member in members[province_of[d.product_id]][:SHEETS_PER_DOSSIER]:
                batch.append(ScoreSheet(member=member, dossier=d, criteria_set=criteria,
                                        revision=1, answers=answers, state="submitted",
                                        total=Decimal("64.50")))
            if len(batch) >= BATCH:
                ScoreSheet.objects.bulk_create(batch)
                sheets += len(batch)
                batch = []
        ScoreSheet.objects.bulk_create(batch)
        sheets += len(batch)
        decisions = {p: RecognitionDecision(number=f"{i + 1}/QĐ-UBND", date=date(2025, 12, 10),
                                            signer_name="Bench", signer_title="Chủ tịch",
                                            issuing_unit_id=p, level="province")
                     for i, p in enumerate(provinces)}
        RecognitionDecision.objects.bulk_create(decisions.values())
        issued = date(2025, 12, 10)
        certificates, seen = [], set()
        for d in dossiers:
            if d.state != "recognised" or d.product_id in seen:
                continue
            seen.add(d.product_id)
            province = province_of[d.product_id]
            certificates.append(Certificate(
                number=f"OCOP-{province[1:]}-2025-{len(certificates) + 1:05d}",
                product_id=d.product_id, producer_id=d.producer_id,
                decision=decisions[province], stars=3, total_score=Decimal("64.50"),
                issued_on=issued - timedelta(days=len(certificates) % 1000),
                valid_until=certificate_valid_until(
                    issued - timedelta(days=len(certificates) % 1000)),
                administered_by_id=province, source_dossier=d))
        Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    seconds = time.perf_counter() - started
    log(f"seeded {len(products):,} products, {len(dossiers):,} dossiers, {sheets:,} score "
        f"sheets, {len(certificates):,} certificates in {seconds:.1f} s")
    return Seeded(len(products), len(dossiers), sheets, len(certificates), seconds)


def _time(client, url: str, requests: int, who: str, label: str) -> Row:
    timing = benchdb.time_get(client, url, requests, who)
    return Row(who, label, timing.p50_ms, timing.p95_ms, timing.queries)


def measure(requests: int) -> tuple[list[Row], float]:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from ocop.accounts.models import User
    from ocop.accounts.testing import login_client
    from ocop.certificates.models import Certificate
    from ocop.certificates.pdf import certificate_pdf
    from ocop.demo.scale import USER_PREFIX, big_province
    from ocop.evaluation.models import Assignment, CouncilMember

    big = big_province()
    office = User.objects.get(username=f"{USER_PREFIX}tinh-{big.lower()}")
    rows = []
    client = Client()
    login_client(office, client)
    rows.append(_time(client, reverse("dossiers:list"), requests, f"office {big}",
                      "dossier list"))
    assignment = (Assignment.objects.filter(dossier__state="under_evaluation",
                                            council__round__issuing_unit_id=big)
                  .order_by("id").first())
    member = CouncilMember.objects.filter(council_id=assignment.council_id,
                                          role="member").order_by("id").first()
    client = Client()
    login_client(member.user, client)
    rows.append(_time(client, reverse("evaluation:score", args=[assignment.dossier_id]),
                      requests, "council member", "scoring page"))
    certificate = Certificate.objects.order_by("id")[Certificate.objects.count() // 2]
    anonymous = Client()
    rows.append(_time(anonymous, f"/verify/{certificate.number}", requests, "anonymous",
                      "verify page"))
    rows.append(_time(anonymous, f"/api/v1/certificates/{certificate.number}", requests,
                      "anonymous", "verify API"))
    certificate_pdf(certificate, timezone.localdate())  # warm-up: fonts, Pango
    pdf_times = []
    for _ in range(max(3, requests // 20)):
        started = time.perf_counter()
        certificate_pdf(certificate, timezone.localdate())
        pdf_times.append((time.perf_counter() - started) * 1000)
    return rows, statistics.median(pdf_times)


def print_table(rows: list[Row], pdf_ms: float, out=sys.stdout) -> None:
    header = f"{'user':<18} {'endpoint':<14} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}"
    out.write(header + "\n" + "-" * len(header) + "\n")
    for r in rows:
        out.write(f"{r.who:<18} {r.endpoint:<14} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} "
                  f"{r.queries:>8}\n")
    out.write(f"certificate PDF (WeasyPrint, one A4 page): {pdf_ms:.0f} ms median\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_cycle "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--requests", type=int, default=100, help="Requests per endpoint")
    parser.add_argument("--scale", type=float, default=1.0, help="Fraction of national scale")
    args = parser.parse_args(argv)
    with benchdb.bench_database(args.database_url, sqlite_name="cycle.sqlite3"):
        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"{args.requests} requests per row, scale {args.scale}")
        seed_cycle(args.scale)
        rows, pdf_ms = measure(args.requests)
        print()
        print_table(rows, pdf_ms)
        return 0


if __name__ == "__main__":
    sys.exit(main())
