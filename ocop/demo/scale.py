"""National-scale synthetic data: producers, products, documents and accounts in all provinces,
and their OCOP cycle history — rounds, dossiers in every state, recognition decisions and
certificates (``ocop.demo.scale_cycle``), from which each product's stars are derived.

Built for benchmarks and load tests, so it trades the registry services for ``bulk_create`` in
batches: 17,000 products through the services (one transaction and one audit entry each) would
take minutes, and these rows are not real users' acts that the audit log must witness. The
fields a service would compute are computed here with the registry's own helpers
(``producer_search_text`` / ``product_search_text``) and the codes are valid (tax-code and GTIN
check digits), so the data looks to every page exactly like data entered by hand.

It tops up: the counts asked for are totals in the database, and a run only adds what is
missing. The random stream is seeded with the seed and the counts already present, so the same
sequence of runs on the same map always gives the same rows. Certificates are not a count: every
product without a history gets one (``scale_cycle``), so a run that adds products adds theirs.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.certificates.services import refresh_product_stars
from ocop.demo import catalogue
from ocop.demo.classification import SetResolver
from ocop.demo.codes import make_company_prefix, make_gtin13, make_tax_code
from ocop.demo.names import person_name
from ocop.demo.scale_cycle import DOSSIERS_PER_PRODUCT, CycleGenerator, CycleReport, pick
from ocop.demo.world import DEMO_PASSWORD, ISSUERS, TITLES, VALIDITY_YEARS, VILLAGES
from ocop.registry.models import (
    DocumentType,
    EvidenceDocument,
    LegalForm,
    Producer,
    Product,
    ProductSet,
)
from ocop.registry.services import producer_search_text, product_search_text
from ocop.units.models import Unit

BATCH = 2000
USER_PREFIX = "scale-"
# National shares, mid 2025 (ocop-facts §3.1): 32.9% cooperatives, 25.3% small enterprises,
# 33.5% households; the rest cooperative groups. 40% women owners, 17.1% ethnic minority.
LEGAL_FORMS = (
    (LegalForm.COOPERATIVE, 329), (LegalForm.ENTERPRISE, 253), (LegalForm.HOUSEHOLD, 335),
    (LegalForm.COOPERATIVE_GROUP, 83),
)  # fmt: skip
WOMEN = 0.40
MINORITY = 0.171
# Most certified products predate the July 2025 reform and stay under their legacy commune.
LEGACY_SHARE = 0.65
# Hà Nội alone holds about a sixth of the country's OCOP products (2,711 of ~12,000 in 2024),
# far more than its share of communes.
PROVINCE_WEIGHT = {"P01": 4.0}
DOC_TYPES = (
    DocumentType.FOOD_SAFETY, DocumentType.TEST_REPORT, DocumentType.QUALITY_DECLARATION,
    DocumentType.TRADEMARK, DocumentType.QMS, DocumentType.TRACEABILITY,
)  # fmt: skip


@dataclass
class ScaleReport:
    producers: int = 0
    products: int = 0
    documents: int = 0
    users: int = 0
    provinces: int = 0
    cycle: CycleReport = field(default_factory=CycleReport)


@dataclass
class _Province:
    unit: Unit
    weight: float
    current: list[Unit]
    legacy: list[Unit]


def _provinces(limit: int | None) -> list[_Province]:
    provinces = list(
        Unit.objects.filter(era=Unit.Era.CURRENT, level=Unit.Level.PROVINCE).order_by("key")
    )
    communes: dict[str, tuple[list[Unit], list[Unit]]] = {p.pk: ([], []) for p in provinces}
    for unit in (
        Unit.objects.filter(level=Unit.Level.COMMUNE, current_province__isnull=False)
        .select_related("current_commune").order_by("key")
    ):
        pair = communes.get(unit.current_province_id)
        if pair is not None:
            pair[0 if unit.era == Unit.Era.CURRENT else 1].append(unit)
    out = [
        _Province(p, len(communes[p.pk][0]) * PROVINCE_WEIGHT.get(p.pk, 1.0), *communes[p.pk])
        for p in provinces
        if communes[p.pk][0]
    ]
    if limit is not None:
        out = out[:limit]
    if not out:
        raise ValueError("No provinces with communes: run load_units first.")
    return out


class ScaleGenerator:
    def __init__(self, *, seed: int, provinces: int | None,
                 log: Callable[[str], None] = lambda _m: None) -> None:
        self.seed = seed
        self.log = log
        self.provinces = _provinces(provinces)
        self.weights = [p.weight for p in self.provinces]
        resolver = SetResolver()
        if not resolver:
            raise ValueError("No product sets: run load_classification first.")
        self.templates = [
            (t, s) for t in catalogue.TEMPLATES.values()
            if t.generic and (s := resolver.resolve(t)) is not None
        ]
        self.by_activity: dict[str, list[tuple[catalogue.Template, ProductSet]]] = {}
        for template, product_set in self.templates:
            self.by_activity.setdefault(template.activity, []).append((template, product_set))
        self.used_tax = set(Producer.objects.values_list("tax_code", flat=True))
        self.used_gtin = set(Product.objects.exclude(gtin=None).values_list("gtin", flat=True))

    def _rng(self, stage: str, present: int) -> random.Random:
        # Seeded with what is already there, so topping up continues deterministically.
        return random.Random(f"{self.seed}:{stage}:{present}")  # noqa: S311

    # --- producers ----------------------------------------------------------------------------

    def producers(self, target: int) -> int:
        present = Producer.objects.count()
        missing = max(0, target - present)
        rng = self._rng("producers", present)
        made = 0
        while made < missing:
            batch = [self._producer(rng) for _ in range(min(BATCH, missing - made))]
            with transaction.atomic():
                Producer.objects.bulk_create(batch, batch_size=BATCH)
            made += len(batch)
            self.log(f"  producers: {present + made:,}/{target:,}")
        return made

    def _producer(self, rng: random.Random) -> Producer:
        province = rng.choices(self.provinces, weights=self.weights, k=1)[0]
        pool = province.legacy if province.legacy and rng.random() < LEGACY_SHARE \
            else province.current
        commune = rng.choice(pool)
        legal_form = pick(rng, LEGAL_FORMS)
        woman = rng.random() < WOMEN
        minority = rng.random() < MINORITY
        person = person_name(rng, woman=woman, minority=minority)
        template, _ = rng.choice(self.templates)
        place = commune.name
        name = {
            LegalForm.COOPERATIVE: f"HTX {template.activity} {place}",
            LegalForm.ENTERPRISE: f"Công ty TNHH {template.activity} {place}",
            LegalForm.HOUSEHOLD: f"Hộ kinh doanh {person}",
            LegalForm.COOPERATIVE_GROUP: f"Tổ hợp tác {template.activity} {place}",
        }[legal_form]
        while True:
            tax_code = make_tax_code(rng, province.unit.code[-2:])
            if tax_code not in self.used_tax:
                self.used_tax.add(tax_code)
                break
        employees = rng.randint(2, 80)
        producer = Producer(
            legal_form=legal_form, name=name, tax_code=tax_code, business_reg_no=tax_code,
            business_reg_date=date(2005, 1, 1) + timedelta(days=rng.randrange(7000)),
            commune=commune, street_address=f"Thôn {rng.choice(VILLAGES)}",
            representative_name=person, representative_title=TITLES[legal_form],
            phone=f"09{rng.randrange(10**8):08d}", employees=employees,
            local_employees=employees - rng.randint(0, employees // 4),
            members=rng.randint(7, 120) if legal_form == LegalForm.COOPERATIVE else 0,
            woman_owner=woman, ethnic_minority_owner=minority,
        )
        producer.search_text = producer_search_text(producer)
        return producer

    # --- products -----------------------------------------------------------------------------

    def products(self, target: int) -> int:
        present = Product.objects.count()
        missing = max(0, target - present)
        if not missing:
            return 0
        rng = self._rng("products", present)
        # Every producer gets a product before any gets a second one.
        owners = list(
            Producer.objects.annotate(n=Count("products")).order_by("n", "pk")
            .values_list("pk", "name", "n", "commune__name")
        )
        if not owners:
            raise ValueError("No producers to attach products to.")
        empty = [o for o in owners if o[2] == 0]
        prefixes: dict[int, str] = {}
        made = 0
        while made < missing:
            batch = []
            for _ in range(min(BATCH, missing - made)):
                owner = empty.pop(0) if empty else rng.choice(owners)
                batch.append(self._product(rng, owner, prefixes))
            with transaction.atomic():
                Product.objects.bulk_create(batch, batch_size=BATCH)
            made += len(batch)
            self.log(f"  products: {present + made:,}/{target:,}")
        return made

    def _product(self, rng: random.Random, owner: tuple, prefixes: dict[int, str]) -> Product:
        producer_id, producer_name, _, commune_name = owner
        # "HTX Mật ong X" mostly makes honey: follow the activity its name announces.
        line = next((ts for activity, ts in self.by_activity.items()
                     if f" {activity} " in producer_name), None)
        template, product_set = rng.choice(line if line and rng.random() < 0.85
                                           else self.templates)
        gtin = None
        if template.barcode and rng.random() < 0.45:
            prefix = prefixes.setdefault(producer_id, make_company_prefix(rng))
            while True:
                gtin = make_gtin13(rng, prefix)
                if gtin not in self.used_gtin:
                    self.used_gtin.add(gtin)
                    break
        product = Product(
            producer=Producer(pk=producer_id, name=producer_name),
            name=f"{template.base} {commune_name}",
            product_set=product_set, description=template.description,
            ingredients=template.ingredients,
            packaging=rng.choice(template.packaging) if template.packaging else "",
            shelf_life_days=rng.randint(*template.shelf_life) if template.shelf_life else None,
            gtin=gtin,
        )
        product.search_text = product_search_text(product)
        return product

    # --- documents ----------------------------------------------------------------------------

    def documents(self, target: int) -> int:
        present = EvidenceDocument.objects.count()
        missing = max(0, target - present)
        if not missing:
            return 0
        rng = self._rng("documents", present)
        products = list(Product.objects.order_by("pk").values_list("pk", "producer_id"))
        made = 0
        today = timezone.localdate()
        while made < missing:
            batch = []
            for _ in range(min(BATCH, missing - made)):
                product_id, producer_id = rng.choice(products)
                doc_type = rng.choice(DOC_TYPES)
                issued = today - timedelta(days=rng.randint(30, 2500))
                years = VALIDITY_YEARS.get(doc_type)
                batch.append(EvidenceDocument(
                    producer_id=producer_id, product_id=product_id, doc_type=doc_type,
                    number=f"{rng.randint(1, 9999)}/{issued.year}",
                    issuer=ISSUERS.get(doc_type, "").format(province="tỉnh"),
                    issued_on=issued,
                    expires_on=issued + timedelta(days=365 * years) if years else None,
                ))
            with transaction.atomic():
                EvidenceDocument.objects.bulk_create(batch, batch_size=BATCH)
            made += len(batch)
        return made

    # --- accounts -----------------------------------------------------------------------------

    def users(self, target: int) -> int:
        """One province office per province and a central account, then commune officers for
        the communes holding the most producers, up to ``target`` scale accounts in all."""
        existing = set(
            User.objects.filter(username__startswith=USER_PREFIX).values_list("username", flat=True)
        )
        password = make_password(DEMO_PASSWORD)  # hashed once: the accounts share it
        wanted: list[tuple[str, str, str | None]] = [(f"{USER_PREFIX}trunguong", Role.CENTRAL,
                                                      None)]
        wanted += [
            (f"{USER_PREFIX}tinh-{p.unit.pk.lower()}", Role.PROVINCE_OFFICE, p.unit.pk)
            for p in self.provinces
        ]
        busiest = (
            Producer.objects.values("commune__current_commune")
            .annotate(n=Count("pk")).order_by("-n", "commune__current_commune")
        )
        for row in busiest:
            if len(wanted) >= target:
                break
            key = row["commune__current_commune"]
            if key:
                wanted.append((f"{USER_PREFIX}xa-{key.lower()}", Role.COMMUNE_OFFICER, key))
        new = [
            User(username=username, role=role, unit_id=unit, password=password)
            for username, role, unit in wanted[:max(target, 1 + len(self.provinces))]
            if username not in existing
        ]
        with transaction.atomic():
            User.objects.bulk_create(new, batch_size=BATCH)
        return len(new)

def big_province() -> str | None:
    """The current province with the most products: the heaviest list for its office."""
    row = (
        Product.objects.values("producer__commune__current_province")
        .annotate(n=Count("pk")).order_by("-n", "producer__commune__current_province").first()
    )
    return row["producer__commune__current_province"] if row else None


def generate(*, products: int, producers: int, provinces: int | None = None,
             users: int | None = None, documents: int | None = None,
             dossiers: int | None = None, seed: int = 2025, today: date | None = None,
             history: bool = True,
             log: Callable[[str], None] = lambda _m: None) -> ScaleReport:
    """Top the database up to the totals asked for. ``dossiers`` defaults to
    ``DOSSIERS_PER_PRODUCT`` per product; ``today`` (default: the local date) is the day the
    history leads up to — certificates valid, expiring or lapsed, this year's open round.
    ``history=False`` writes the registry rows only (no rounds, dossiers, decisions,
    certificates, councils; stars stay unset), for benchmarks that build a cycle of their own."""
    if not ProductSet.objects.exists():
        raise ValueError("No product sets: run load_classification first.")
    today = today or timezone.localdate()
    gen = ScaleGenerator(seed=seed, provinces=provinces, log=log)
    report = ScaleReport(provinces=len(gen.provinces))
    report.producers = gen.producers(producers)
    report.products = gen.products(products)
    report.documents = gen.documents(documents if documents is not None else products)
    report.users = gen.users(users if users is not None else
                             1 + len(gen.provinces) + producers // 20)
    if not history:
        return report
    cycle = CycleGenerator(seed=seed, today=today, log=log)
    cycle.run(dossiers if dossiers is not None else DOSSIERS_PER_PRODUCT * products,
              report.cycle)
    # Stars only ever come from certificates (docs/architecture.md, one truth for stars).
    refresh_product_stars(Product.objects.all(), today=today, audited=False)
    return report
