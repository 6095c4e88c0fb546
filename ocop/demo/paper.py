"""The demo's certificate history from paper records: every rated demo product's recognitions
before the platform, entered through ``certificates.services.enter_paper_certificates``.

A product's stars are never set by the demo: they follow from these certificates (the best one
valid today), like everywhere else. Each rated product gets a chain of certificates:

- the first recognition on the decision day after the product's recognition date (quarterly
  decision days: 28 March, 28 June, 28 September, 20 December);
- 36 months later it either comes back (re-recognised around its expiry, between 80 days
  before and 45 days after) or not: ``COME_BACK`` is 60 %, the 2024 plan's own figure ("40 %
  of the products did not take part in the re-evaluation", 2022);
- ``UPGRADE_SHARE`` of the 4★ products were first recognised at 3★ and upgraded 11–26 months
  later; the 5★ product was 4★ first, then recognised 5★ by the ministry;
- who signed: a 3★ decision before 1 July 2025 by the legacy district (huyện Lục Ngạn …), a 4★
  one by the legacy province (tỉnh Bắc Giang, tỉnh Bắc Ninh), any 3★/4★ decision since then by
  today's province, 5★ by the ministry (``ocop.rules.levels``);
- a few products' only certificate was issued 36 months before ``today`` plus a few days
  (``EXPIRING_SOON_DAYS``), so the 30/90/180-day expiry counts and reminders are never empty
  whatever the day the demo is built; one certificate valid today is revoked.

Everything except those few dates comes from the builder's seeded generator and fixed dates, so
the same seed gives the same history on any day up to ``today``'s cut (a renewal due after
``today`` has not happened yet).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from django.db.models import prefetch_related_objects

from ocop.certificates import services as certificates
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.demo.names import person_name
from ocop.registry.models import Product
from ocop.rules.certification import add_months, certificate_valid_until
from ocop.rules.levels import CENTRAL, DISTRICT, PROVINCE, REFORM_DATE
from ocop.units.models import Unit

COME_BACK = 0.6
UPGRADE_SHARE = 0.4
DECISION_DAYS = ((3, 28), (6, 28), (9, 28), (12, 20))
EXPIRING_SOON_DAYS = (12, 26, 55, 80, 130, 170)
# Above the numbers the evaluation demo gives its 2024 decisions (200 + round, 1500 + round).
FIRST_NUMBER = {DISTRICT: 300, PROVINCE: 2000, CENTRAL: 1100}
MINISTRY_RENAMED = date(2025, 3, 1)  # Bộ Nông nghiệp và Môi trường from 1 March 2025
REVOCATION = ("Cơ sở ngừng sản xuất, không duy trì điều kiện bảo đảm an toàn thực phẩm (kết quả "
              "kiểm tra định kỳ).")


@dataclass
class Rated:
    """A demo product and the best rating it reaches, first recognised on ``first``."""

    product: Product
    stars: int
    first: date


@dataclass
class PaperHistory:
    certificates: int = 0
    decisions: int = 0
    products: int = 0
    valid_products: int = 0
    expired_not_renewed: int = 0
    renewed: int = 0
    upgraded: int = 0
    revoked: int = 0
    by_year: dict[int, dict[int, int]] = field(default_factory=dict)  # year → stars → count

    def summary(self) -> str:
        years = "; ".join(
            f"{year}: " + ", ".join(f"{n} × {s}★" for s, n in sorted(stars.items()))
            for year, stars in sorted(self.by_year.items()))
        return (f"Demo certificates: {self.certificates} (paper records, {self.decisions} "
                f"decisions) for {self.products} products, {self.valid_products} valid today, "
                f"{self.expired_not_renewed} expired not renewed, {self.renewed} re-recognised, "
                f"{self.upgraded} upgraded, {self.revoked} revoked. By year: {years}.")


def decision_day(day: date) -> date:
    """The first decision day on or after ``day``."""
    for month, dom in DECISION_DAYS:
        candidate = date(day.year, month, dom)
        if candidate >= day:
            return candidate
    month, dom = DECISION_DAYS[0]
    return date(day.year + 1, month, dom)


def chain(rng: random.Random, rated: Rated, today: date) -> list[tuple[date, int]]:
    """(issue day, stars) of each certificate of one product, oldest first, none after today."""
    best = rated.stars
    stars = best - 1 if best == 5 or (best == 4 and rng.random() < UPGRADE_SHARE) else best
    issued = [(decision_day(rated.first), stars)]
    if stars < best:
        issued.append((decision_day(issued[0][0] + timedelta(days=rng.randint(330, 800))), best))
    while True:
        end = certificate_valid_until(issued[-1][0])
        comes_back = rng.random() < COME_BACK or best == 5  # the flagship keeps its 5★
        renewal = decision_day(end + timedelta(days=rng.randint(-80, 45)))
        if not comes_back or renewal > today:
            break
        issued.append((renewal, best))
    return [(day, s) for day, s in issued if day <= today]


def issuer(product: Product, stars: int, day: date) -> tuple[str, Unit | None]:
    """(level, unit) of the decision recognising ``product`` at ``stars`` on ``day``."""
    commune = product.producer.commune
    if stars == 5:
        return CENTRAL, None
    if day >= REFORM_DATE or commune.era == Unit.Era.CURRENT:
        return PROVINCE, commune.current_province
    district = commune.parent
    return (DISTRICT, district) if stars == 3 else (PROVINCE, district.parent)


def score(rng: random.Random, stars: int) -> Decimal:
    low, high = {3: (5050, 6950), 4: (7000, 8900), 5: (9000, 9600)}[stars]
    return Decimal(rng.randint(low, high)) / 100


class _Decisions:
    """One decision per issuing unit, level and day; each unit's numbers rise with the date."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.made: dict[tuple[str, str | None, date], RecognitionDecision] = {}
        self.numbers: dict[str | None, int] = {}
        self.signers: dict[str | None, str] = {}

    def create_all(self, keys: set[tuple[str, Unit | None, date]]) -> None:
        for level, unit, day in sorted(keys, key=lambda k: (k[2], k[0], k[1].pk if k[1] else "")):
            self.made[(level, unit.pk if unit else None, day)] = self._create(level, unit, day)

    def get(self, level: str, unit: Unit | None, day: date) -> RecognitionDecision:
        return self.made[(level, unit.pk if unit else None, day)]

    def _create(self, level: str, unit: Unit | None, day: date) -> RecognitionDecision:
        rng = self.rng
        owner = unit.pk if unit else None
        number = self.numbers.get(owner, FIRST_NUMBER[level]) + rng.randint(5, 40)
        self.numbers[owner] = number
        if owner not in self.signers:
            self.signers[owner] = person_name(rng, woman=rng.random() < 0.3, minority=False)
        if unit is None:
            suffix = "QĐ-BNN-VPĐP" if day < MINISTRY_RENAMED else "QĐ-BNNMT"
            title = "Thứ trưởng"
        else:
            suffix = "QĐ-UBND"
            title = rng.choice(("Chủ tịch Ủy ban nhân dân", "Phó Chủ tịch Ủy ban nhân dân"))
        return certificates.create_decision(
            actor=None, number=f"{number}/{suffix}", date=day, signer_name=self.signers[owner],
            signer_title=title, level=level, issuing_unit=unit)


def build_paper_history(rng: random.Random, rated: list[Rated], *, today: date,
                        soon: list[Rated]) -> PaperHistory:
    """Enter the certificates of ``rated`` (chains as above) and of ``soon`` (one certificate
    each, expiring ``EXPIRING_SOON_DAYS`` from ``today``), revoke one, refresh the stars."""
    out = PaperHistory()
    planned: list[tuple[Product, int, date]] = []
    last: dict[int, tuple[date, int]] = {}
    for item in rated:
        issued = chain(rng, item, today)
        out.renewed += any(s == prev for (_, prev), (_, s) in pairwise(issued))
        out.upgraded += any(s > prev for (_, prev), (_, s) in pairwise(issued))
        planned += [(item.product, stars, day) for day, stars in issued]
        last[item.product.pk] = issued[-1]
    base = add_months(today, -12 * 3)
    for item, days in zip(soon, EXPIRING_SOON_DAYS, strict=False):
        day = base + timedelta(days=days)
        planned.append((item.product, item.stars, day))
        last[item.product.pk] = (day, item.stars)
    decisions = _Decisions(rng)
    communes = list({p.producer.commune_id: p.producer.commune for p, _s, _d in planned}.values())
    prefetch_related_objects(communes, "parent__parent", "current_province")
    issuers = [issuer(product, stars, day) for product, stars, day in planned]
    decisions.create_all({(level, unit, day) for (level, unit), (_p, _s, day)
                          in zip(issuers, planned, strict=True)})
    records = [
        certificates.PaperCertificate(
            decision=decisions.get(level, unit, day), product=product, stars=stars,
            total_score=score(rng, stars), issued_on=day)
        for (level, unit), (product, stars, day) in zip(issuers, planned, strict=True)
    ]
    created = certificates.enter_paper_certificates(actor=None, records=records, today=today)
    _revoke_one(created, last, today, avoid={i.product.pk for i in soon})
    valid_ids = set(Certificate.objects.valid_on(today).filter(
        pk__in=[c.pk for c in created]).values_list("product_id", flat=True))
    out.certificates, out.decisions, out.products = len(created), len(decisions.made), len(last)
    out.valid_products = len(valid_ids)
    out.expired_not_renewed = sum(1 for day, _s in last.values()
                                  if certificate_valid_until(day) < today)
    out.revoked = Certificate.objects.filter(pk__in=[c.pk for c in created],
                                             revoked_on__isnull=False).count()
    for record in records:
        year = out.by_year.setdefault(record.issued_on.year, {})
        year[record.stars] = year.get(record.stars, 0) + 1
    return out


def _revoke_one(created: list[Certificate], last: dict[int, tuple[date, int]], today: date,
                avoid: set[int]) -> None:
    """Revoke the first 3★ certificate, issued in 2024 and still valid, that is its product's
    latest (an inspection found the producer had stopped production)."""
    for certificate in sorted(created, key=lambda c: c.number):
        if (certificate.stars == 3 and certificate.issued_on.year == 2024
                and certificate.product_id not in avoid
                and last[certificate.product_id][0] == certificate.issued_on
                and certificate.valid_until >= today):
            certificates.revoke_certificate(
                actor=None, certificate=certificate, reason=REVOCATION,
                decision_number="45/QĐ-UBND",
                revoked_on=max(certificate.issued_on, min(today, date(2026, 3, 10))),
                today=today)
            return
