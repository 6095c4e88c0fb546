#!/usr/bin/env python
"""Work-queue benchmark: the home page (with its "Việc cần làm" queue) for each role at 1,000
and 17,000 products (about 3 dossiers per product: 50,000 at 17,000).

    .venv/bin/python bench/workqueue_bench.py [--database-url URL] [--requests 50]

Creates a fresh database (an SQLite file under var/bench/ by default; with a
postgres://…/name URL a throw-away PostgreSQL database that is dropped at the end), loads the
whole map and the classification, then at each size tops the data up: producers, products and
accounts through ``ocop.demo.scale.generate`` (given ``dossiers=`` too when that generator takes
it), then with ``bulk_create`` what the queues read — dossiers in every state, correction
requests (half of them overdue), a province round with two councils per province (one without a
chair), assignments, certificates (a quarter expiring within 90 days), an inspection plan with
visits, follow-ups, revocation proposals and complaints (a few naming no product, for the
central office), a training course with registrations.

It then signs in with Django's test Client as the commune officer, the provincial office and
an inspector of the province with the most products, a member of its council, a producer of
it, and the central office, and requests the home page N times each, printing p50/p95 latency
and SQL queries per request with how many items each queue counted.

Exit status 1 when any query count at the largest size exceeds the one at the smallest: the
queue must cost the same number of queries whatever the data size.
"""

from __future__ import annotations

import argparse
import os
import platform
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
import registry_bench  # noqa: E402 — the same producers-per-product ratio

DOSSIERS_PER_PRODUCT = 50_000 / 17_000
BATCH = 5_000
BENCH = "wq-"  # accounts and records this benchmark creates
# The state of the i-th dossier: a mix in which every queue has work.
STATES = ("recognised", "recognised", "recognised", "draft", "submitted", "commune_checked",
          "corrections_requested", "accepted", "under_evaluation", "scored", "withdrawn",
          "proposed_up")


@dataclass(frozen=True)
class Row:
    size: int
    who: str
    p50_ms: float
    p95_ms: float
    queries: int  # the most seen in any one request
    waiting: int  # the total the person's queue counted


def _generate(products: int, log) -> None:
    """Producers, products and accounts only (``history=False``): the queue records — dossiers
    in every waiting state, corrections, assignments, expiring certificates, visits — are made
    by ``seed_work`` so that every role's queue has work at every size, which the generator's
    life-like history does not promise at small sizes."""
    from django.db import connection

    from ocop.demo.scale import generate

    started = time.perf_counter()
    generate(products=products,
             producers=max(1, round(products * registry_bench.PRODUCER_RATIO)),
             documents=products, history=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"generated {products:,} products in {time.perf_counter() - started:.1f} s")


class _Provinces:
    """Per province, the records the queues hang on, made once: programme year, round, two
    councils (the second has no chair), an inspection plan, a recognition decision, a course."""

    def __init__(self, today: date) -> None:
        from ocop.accounts.models import Role, User
        from ocop.certificates.models import RecognitionDecision
        from ocop.demo.scale import USER_PREFIX
        from ocop.dossiers.models import ProgrammeYear, Round
        from ocop.evaluation.models import Council, CouncilMember
        from ocop.inspections.models import InspectionPlan
        from ocop.registry.models import Product
        from ocop.training.models import Course

        provinces = sorted(set(Product.objects.values_list(
            "producer__commune__current_province_id", flat=True)))
        self.rounds, self.councils, self.plans, self.decisions = {}, {}, {}, {}
        self.inspectors = {}
        for p in provinces:
            year, _ = ProgrammeYear.objects.get_or_create(province_id=p, year=today.year)
            self.rounds[p], _ = Round.objects.get_or_create(
                programme_year=year, level="province", number=1, issuing_unit_id=p,
                defaults={"name": f"Đợt 1 cấp tỉnh {today.year}",
                          "opens_on": today - timedelta(days=60),
                          "submission_deadline": today + timedelta(days=30),
                          "evaluation_deadline": today + timedelta(days=60),
                          "recognition_deadline": today + timedelta(days=90)})
            council, made = Council.objects.get_or_create(
                round=self.rounds[p], name=f"Hội đồng đánh giá tỉnh {p}",
                defaults={"level": "province"})
            self.councils[p] = council
            if made:
                users = User.objects.bulk_create(
                    User(username=f"{BENCH}hd-{p.lower()}-{i}", role=Role.COUNCIL_MEMBER,
                         unit_id=p, password="!") for i in range(5))
                CouncilMember.objects.bulk_create(
                    CouncilMember(council=council, user=u, role="chair" if i == 0 else "member")
                    for i, u in enumerate(users))
                spare = Council.objects.create(round=self.rounds[p], level="province",
                                               name=f"Hội đồng phúc khảo tỉnh {p}")
                CouncilMember.objects.create(council=spare, user=users[1], role="member")
            self.inspectors[p], _ = User.objects.get_or_create(
                username=f"{BENCH}kt-{p.lower()}",
                defaults={"role": Role.INSPECTOR, "unit_id": p, "password": "!"})
            self.plans[p], made = InspectionPlan.objects.get_or_create(
                province_id=p, title=f"Kế hoạch kiểm tra sau công nhận {today.year}",
                defaults={"kind": "annual", "starts_on": today - timedelta(days=30),
                          "ends_on": today + timedelta(days=120)})
            if made:
                self.plans[p].inspectors.add(
                    self.inspectors[p], User.objects.get(username=f"{USER_PREFIX}tinh-{p.lower()}"))
            self.decisions[p], _ = RecognitionDecision.objects.get_or_create(
                number=f"{BENCH}{p}/QĐ-UBND", issuing_unit_id=p,
                defaults={"date": today - timedelta(days=3 * 365), "signer_name": "Bench",
                          "signer_title": "Chủ tịch", "level": "province"})
            Course.objects.get_or_create(
                province_id=p, title="Tập huấn lập hồ sơ OCOP",
                defaults={"topic": "ocop", "starts_on": today + timedelta(days=10),
                          "ends_on": today + timedelta(days=11), "place": "Hội trường tỉnh"})


def seed_work(products: int, *, today: date, log=print) -> int:
    """Top the queue records up to ``products`` × 50,000/17,000 dossiers; returns how many
    dossiers were added."""
    from django.db import transaction
    from django.utils import timezone

    from ocop.certificates.models import Certificate
    from ocop.criteria.models import CriteriaSetVersion
    from ocop.criteria.services import load_shipped_sets
    from ocop.dossiers.models import CorrectionRequest, Dossier, DossierVersion
    from ocop.evaluation.models import Assignment
    from ocop.inspections.models import Complaint, RevocationProposal, Visit
    from ocop.registry.models import Product
    from ocop.rules.certification import certificate_valid_until
    from ocop.training.models import Course, Registration

    started = time.perf_counter()
    load_shipped_sets(codes=("148-rau-cu-qua-hat-tuoi-minh-hoa",))
    criteria = CriteriaSetVersion.objects.get(code="148-rau-cu-qua-hat-tuoi-minh-hoa")
    per_province = _Provinces(today)
    present = Dossier.objects.count()
    missing = max(0, round(products * DOSSIERS_PER_PRODUCT) - present)
    items = list(Product.objects.values_list("pk", "producer_id",
                                             "producer__commune__current_province_id")
                 .order_by("pk"))
    now = timezone.now()
    with transaction.atomic():
        made = []
        for i in range(present, present + missing):
            product, producer, province = items[i % len(items)]
            state = STATES[i % len(STATES)]
            made.append(Dossier(
                product_id=product, producer_id=producer, criteria_set=criteria, state=state,
                procedure="1489_2025", target_stars=3, kind="new", state_changed_at=now,
                requested_round=per_province.rounds[province],
                round=per_province.rounds[province] if state in (
                    "accepted", "under_evaluation", "scored", "recognised") else None))
        for start in range(0, len(made), BATCH):
            Dossier.objects.bulk_create(made[start:start + BATCH])
        province_of = {pk: prov for pk, _, prov in items}
        corrections = [d for d in made if d.state == "corrections_requested"]
        versions = DossierVersion.objects.bulk_create(
            (DossierVersion(dossier=d, number=1, snapshot={}) for d in corrections),
            batch_size=BATCH)
        requests = CorrectionRequest.objects.bulk_create(
            (CorrectionRequest(dossier=v.dossier, version=v, message="Bổ sung phiếu kiểm nghiệm",
                               items=[{"code": "test_report", "comment": "Thiếu"}])
             for v in versions), batch_size=BATCH)
        CorrectionRequest.objects.filter(pk__in=[r.pk for r in requests[::2]]).update(
            created_at=now - timedelta(days=45))  # half of them past the 30 days
        Assignment.objects.bulk_create(
            (Assignment(council=per_province.councils[province_of[d.product_id]], dossier=d)
             for d in made if d.state == "under_evaluation"), batch_size=BATCH)
        taken = set(Certificate.objects.values_list("product_id", flat=True))
        serial = Certificate.objects.count()
        certificates = []
        for n, d in enumerate(d for d in made if d.state == "recognised"):
            if d.product_id in taken:
                continue
            taken.add(d.product_id)
            province = province_of[d.product_id]
            # Issued 33 to 36 months ago: a quarter expire within the 90-day window.
            issued = today - timedelta(days=3 * 365 - (n % 360))
            certificates.append(Certificate(
                number=f"OCOP-{province[1:]}-{issued.year}-W{serial + len(certificates):07d}",
                product_id=d.product_id, producer_id=d.producer_id,
                decision=per_province.decisions[province], stars=3,
                total_score=Decimal("64.50"), issued_on=issued,
                valid_until=certificate_valid_until(issued), administered_by_id=province,
                source_dossier=d))
        Certificate.objects.bulk_create(certificates, batch_size=BATCH)
        visits = []
        for n, c in enumerate(certificates[::20]):  # 5 % of the new certificates inspected
            province = province_of[c.product_id]
            visits.append(Visit(
                plan=per_province.plans[province], product_id=c.product_id, certificate=c,
                inspector=per_province.inspectors[province], visited_on=today - timedelta(days=5),
                place="Cơ sở sản xuất",
                concluded_at=now if n % 2 else None,
                conclusion="Không đạt về nhãn." if n % 2 else "",
                follow_up_by=today + timedelta(days=(n % 30) - 10) if n % 2 else None))
        Visit.objects.bulk_create(visits, batch_size=BATCH)
        RevocationProposal.objects.bulk_create(
            (RevocationProposal(visit=v, certificate=v.certificate, reason="Sai nhãn OCOP",
                                proposed_by=v.inspector) for v in visits[1::8]),
            batch_size=BATCH)
        Complaint.objects.bulk_create(
            (Complaint(text="Sản phẩm không đúng nhãn", product_id=c.product_id, certificate=c,
                       certificate_number=c.number, province_id=province_of[c.product_id])
             for c in certificates[::25]), batch_size=BATCH)
        # Reports naming no known product reach the central office.
        Complaint.objects.bulk_create(
            Complaint(text="Tem không quét được") for _ in range(len(certificates) // 100))
        courses = {c.province_id: c for c in Course.objects.filter(title="Tập huấn lập hồ sơ OCOP")}
        registered = set(Registration.objects.values_list("producer_id", flat=True))
        Registration.objects.bulk_create(
            (Registration(course=courses[province_of[d.product_id]], producer_id=d.producer_id,
                          attendee="Người đại diện")
             for d in {d.producer_id: d for d in made[::7]}.values()
             if d.producer_id not in registered and province_of[d.product_id] in courses),
            batch_size=BATCH)
    log(f"added {len(made):,} dossiers, {len(requests):,} correction requests, "
        f"{len(certificates):,} certificates, {len(visits):,} visits "
        f"in {time.perf_counter() - started:.1f} s")
    return len(made)


def seed(products: int, *, today: date | None = None, log=print) -> None:
    today = today or date.today()
    _generate(products, log)
    seed_work(products, today=today, log=log)


_CHOSEN: dict[str, int] = {}


def people() -> list[tuple[str, object]]:
    """One person per role in the province with the most products, chosen at the first size
    and the same accounts at every later one."""
    from ocop.accounts.models import User

    if not _CHOSEN:
        _CHOSEN.update({who: user.pk for who, user in _choose()})
    by_pk = User.objects.in_bulk(list(_CHOSEN.values()))
    return [(who, by_pk[pk]) for who, pk in _CHOSEN.items()]


def _choose() -> list[tuple[str, object]]:
    from ocop.accounts.models import Role, User
    from ocop.demo.scale import USER_PREFIX, big_province
    from ocop.dossiers.models import Dossier
    from ocop.evaluation.models import CouncilMember

    big = big_province()
    if big is None:
        raise SystemExit("No products: seed first.")
    office = User.objects.get(username=f"{USER_PREFIX}tinh-{big.lower()}")
    commune = (User.objects.filter(username__startswith=f"{USER_PREFIX}xa-",
                                   unit__current_province_id=big).order_by("username").first())
    member = (CouncilMember.objects.filter(council__round__issuing_unit_id=big, role="member")
              .order_by("id").first().user)
    inspector = User.objects.get(username=f"{BENCH}kt-{big.lower()}")
    producer = User.objects.filter(username=f"{BENCH}chuthe-{big.lower()}").first()
    if producer is None:
        first = (Dossier.objects.filter(producer__commune__current_province_id=big)
                 .values("producer_id").order_by("producer_id").first())
        producer = User.objects.create(username=f"{BENCH}chuthe-{big.lower()}",
                                       role=Role.PRODUCER, producer_id=first["producer_id"],
                                       password="!")
    central = User.objects.get(username=f"{USER_PREFIX}trunguong")
    found = [("commune officer", commune), (f"province office {big}", office),
             ("council member", member), ("inspector", inspector), ("producer", producer),
             ("central", central)]
    return [(who, user) for who, user in found if user is not None]


def measure(size: int, requests: int) -> list[Row]:
    from django.test import Client
    from django.urls import reverse

    from ocop.accounts.testing import login_client
    from ocop.workqueue.selectors import work_queue

    rows = []
    for who, user in people():
        client = Client()
        login_client(user, client)
        timing = benchdb.time_get(client, reverse("web:home"), requests, user.username)
        rows.append(Row(size, who, timing.p50_ms, timing.p95_ms, timing.queries,
                        work_queue(user).total))
    return rows


def print_table(rows: Iterable[Row], out=sys.stdout) -> None:
    header = (f"{'products':>9}  {'user':<24} {'waiting':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'queries':>8}")
    out.write(header + "\n" + "-" * len(header) + "\n")
    for r in rows:
        out.write(f"{r.size:>9,}  {r.who:<24} {r.waiting:>8,} {r.p50_ms:>8.1f} "
                  f"{r.p95_ms:>8.1f} {r.queries:>8}\n")


def query_growth(rows: list[Row]) -> list[str]:
    return benchdb.query_growth(rows, lambda r: r.who)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://postgres@127.0.0.1:5432/ocop_wq "
                                               "(created and dropped); default: SQLite file")
    parser.add_argument("--sizes", default="1000,17000",
                        help="Product totals to measure at, ascending (default 1000,17000)")
    parser.add_argument("--requests", type=int, default=50, help="Requests per measurement")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    with benchdb.bench_database(args.database_url, sqlite_name="workqueue.sqlite3"):
        from ocop.dossiers.models import Dossier

        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"{args.requests} requests per row")
        rows: list[Row] = []
        for size in sizes:
            seed(size)
            print(f"{Dossier.objects.count():,} dossiers in the database")
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
