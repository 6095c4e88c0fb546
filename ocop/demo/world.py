"""The demo world: Bắc Giang's OCOP programme 2018–2024 and the merged Bắc Ninh after July 2025.

Everything is drawn from one ``random.Random(seed)`` and from database rows read in key order,
so the same seed on the same map gives the same producers, tax codes and products.
Producers, products and documents go through the registry services (validation and audit entries
as for a real user); only what no service writes — the historical ``created_at`` dates — is set
afterwards with plain updates. Stars are never written here: each rated product gets its
certificate history from paper records (``ocop.demo.paper``), and the certificates app derives
the stars from it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts.models import Role, User
from ocop.accounts.policy import is_staff_account
from ocop.audit import services as audit
from ocop.demo import catalogue
from ocop.demo.catalogue import Area, Template
from ocop.demo.classification import SetResolver
from ocop.demo.codes import make_company_prefix, make_gtin13, make_tax_code
from ocop.demo.names import person_name
from ocop.demo.paper import EXPIRING_SOON_DAYS, PaperHistory, Rated, build_paper_history
from ocop.registry import services as registry
from ocop.registry.models import LegalForm, Producer, Product, ProductSet
from ocop.rules.certification import add_months
from ocop.units.models import Unit
from ocop.units.names import official_name

# Published in the README: these accounts exist only in demo databases.
DEMO_PASSWORD = "ocop-demo-2026"  # noqa: S105
DEFAULT_SEED = 2024
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Bắc Giang 2024 (ocop-facts §3.2): 334 products, 1 five-star, 2 potential five-star; the 4★
# share follows end-2022 (31 of 205, about 15%).
FIVE_STAR = 1
POTENTIAL_FIVE_STAR = 2
FOUR_STAR = 48
# Products recognised per year, cumulative 116 by 2021 and 205 by 2022 as reported, 334 in 2024.
RECOGNISED_PER_YEAR = {2019: 40, 2020: 40, 2021: 36, 2022: 89, 2023: 60, 2024: 69}
# Legal forms of Bắc Giang producers: mostly cooperatives (84.7% at end 2022).
LEGAL_FORMS = (
    (LegalForm.COOPERATIVE, 85), (LegalForm.ENTERPRISE, 8), (LegalForm.HOUSEHOLD, 5),
    (LegalForm.COOPERATIVE_GROUP, 2),
)  # fmt: skip
WOMAN_OWNER_SHARE = 0.40
TITLES = {
    LegalForm.COOPERATIVE: "Giám đốc", LegalForm.ENTERPRISE: "Giám đốc",
    LegalForm.HOUSEHOLD: "Chủ hộ kinh doanh", LegalForm.COOPERATIVE_GROUP: "Tổ trưởng",
}  # fmt: skip
# Fixed (not "until today") so that the same seed gives the same dates on any day.
NEW_REGISTRATION_PERIOD = (date(2025, 7, 15), date(2026, 6, 30))

VILLAGES = (
    "Đồng", "Trại", "Chằm", "Thượng", "Hạ", "Trung", "Mới", "Bến", "Đình", "Chùa", "Cầu",
    "Hồ", "Nà", "Khuôn", "Bãi", "Quang", "Tân", "Phú", "An", "Hòa",
)
ISSUERS = {
    "food_safety": "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản {province}",
    "test_report": "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng {province}",
    "quality_decl": "Ban Quản lý an toàn thực phẩm {province}",
    "qms": "Trung tâm Chứng nhận VietGAP Việt Nam",
    "planting_area": "Chi cục Trồng trọt và Bảo vệ thực vật {province}",
    "trademark": "Cục Sở hữu trí tuệ",
    "business_reg": "Phòng Tài chính – Kế hoạch",
}
# The abbreviation closing a document's number, as Vietnamese issuers write them
# ("349/2021/GCN-ATTP"), by document type.
NUMBER_SUFFIX = {
    "food_safety": "GCN-ATTP", "test_report": "PKN", "quality_decl": "TCB", "qms": "CN-VG",
    "planting_area": "MSVT", "trademark": "GCN-NH", "business_reg": "ĐKKD",
    "traceability": "TXNG", "environment": "BVMT", "award": "GK",
}
# Validity of each document type in years (None: does not expire).
VALIDITY_YEARS = {"food_safety": 3, "qms": 2, "trademark": 10, "test_report": 1}


@dataclass
class Flagship:
    """A named producer the demo accounts and the walkthroughs rely on."""

    label: str
    area: str
    commune_code: int
    legal_form: str
    name: str
    templates: tuple[str, ...]
    product_names: tuple[str, ...]


FLAGSHIPS = (
    Flagship("chuthe", "Lục Ngạn", 7582, LegalForm.COOPERATIVE, "HTX Vải thiều Phì Điền",
             ("vai-tuoi", "vai-say", "mat-ong-vai", "ruou-vai"),
             ("Vải thiều Lục Ngạn", "Vải thiều sấy khô Phì Điền", "Mật ong hoa vải Phì Điền",
              "Rượu vải Phì Điền")),
    Flagship("chuthe2", "Lục Ngạn", 7603, LegalForm.COOPERATIVE, "HTX Mỳ Chũ Nam Dương",
             ("my-chu", "my-chu"), ("Mỳ Chũ Nam Dương", "Mỳ Chũ gạo lứt Nam Dương")),
)


@dataclass
class PlannedProducer:
    area: Area
    commune: Unit
    legal_form: str
    name: str
    templates: list[Template]
    product_names: list[str]
    tax_prefix: str
    province_label: str
    region: str  # "bg" (Bắc Giang 2018–2024), "bn" (old Bắc Ninh), "new" (after July 2025)
    flagship: str = ""
    woman: bool = False
    minority: bool = False
    person: str = ""


@dataclass
class DemoResult:
    producers: int = 0
    products: int = 0
    documents: int = 0
    users: int = 0
    skipped_areas: list[str] = field(default_factory=list)
    flagships: dict[str, Producer] = field(default_factory=dict)
    paper: PaperHistory = field(default_factory=PaperHistory)


def area_communes(area: Area, *, province: str) -> list[Unit]:
    """Legacy communes of an area, in key order (the deterministic order the plan relies on)."""
    keys = [f"LD{code}" for code in area.districts]
    qs = Unit.objects.filter(
        era=Unit.Era.LEGACY, level=Unit.Level.COMMUNE, parent_id__in=keys,
        parent__parent_id=province,
    ).select_related("current_commune").order_by("key")
    communes = list(qs)
    if area.commune_codes:
        low, high = area.commune_codes
        communes = [c for c in communes if low <= int(c.code) <= high]
    return communes


class _Names:
    """Producer names, unique across the demo."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, candidates: Sequence[str]) -> str:
        for name in candidates:
            if name not in self.used:
                self.used.add(name)
                return name
        base = candidates[0]
        n = 2
        while f"{base} {n}" in self.used:
            n += 1
        self.used.add(f"{base} {n}")
        return f"{base} {n}"


def _producer_name_candidates(rng: random.Random, legal_form: str, activity: str, place: str,
                              person: str) -> list[str]:
    village = rng.choice(VILLAGES)
    if legal_form == LegalForm.COOPERATIVE:
        return [f"HTX {activity} {place}", f"HTX Nông nghiệp {place}",
                f"HTX Dịch vụ nông nghiệp {place}", f"HTX Sản xuất và tiêu thụ {activity} {place}",
                f"HTX {activity} thôn {village}"]
    if legal_form == LegalForm.ENTERPRISE:
        kind = rng.choice(("Công ty TNHH", "Công ty TNHH", "Công ty Cổ phần"))
        return [f"{kind} {activity} {place}", f"{kind} {activity} Bắc Giang",
                f"{kind} Nông sản {place}", f"{kind} Thương mại {activity} {place}",
                f"{kind} Thương mại và Dịch vụ {place}"]
    if legal_form == LegalForm.COOPERATIVE_GROUP:
        return [f"Tổ hợp tác {activity} thôn {village}", f"Tổ hợp tác {activity} {place}",
                f"Tổ hợp tác sản xuất thôn {village}"]
    return [f"Hộ kinh doanh {person}"]


def _weighted_key(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs], k=1)[0]


def _split_products(rng: random.Random, producers: int, products: int) -> list[int]:
    """How many products each producer has: at least one, at most four, summing to ``products``."""
    counts = [1] * producers
    extra = products - producers
    while extra > 0:
        i = rng.randrange(producers)
        if counts[i] < 4:
            counts[i] += 1
            extra -= 1
    return counts


def plan_area(rng: random.Random, area: Area, communes: list[Unit], templates: dict[str, Template],
              names: _Names, *, tax_prefix: str, province_label: str, region: str,
              flagships: Sequence[Flagship] = ()) -> list[PlannedProducer]:
    """Producers of one area with their products (not yet written)."""
    by_code = {int(c.code): c for c in communes}
    plans: list[PlannedProducer] = []
    producers, products = area.producers, area.products
    for flag in flagships:
        commune = by_code.get(flag.commune_code) or communes[0]
        plans.append(PlannedProducer(
            area, commune, flag.legal_form, names.take([flag.name]),
            [templates[k] for k in flag.templates], list(flag.product_names),
            tax_prefix, province_label, region, flagship=flag.label,
            woman=rng.random() < WOMAN_OWNER_SHARE,
        ))
        producers -= 1
        products -= len(flag.templates)
    usable = [(k, w) for k, w in area.templates if k in templates]
    for count in _split_products(rng, producers, products):
        commune = rng.choice(communes)
        first = templates[_weighted_key(rng, usable)]
        chosen = [first]
        while len(chosen) < count:
            candidate = templates[_weighted_key(rng, usable)]
            if candidate not in chosen or len({k for k, _ in usable}) <= len(chosen):
                chosen.append(candidate)
        legal_form = _weighted_key(rng, LEGAL_FORMS)
        woman = rng.random() < WOMAN_OWNER_SHARE
        minority = rng.random() < area.minority_share
        person = person_name(rng, woman=woman, minority=minority)
        candidates = _producer_name_candidates(rng, legal_form, first.activity, commune.name,
                                               person)
        if len({t.activity for t in chosen}) > 1:
            # A producer of several kinds of product is named for none of them: "HTX Mật ong
            # Biển Động" running an eco-tourism spot read as a data error to officers.
            candidates = [c for c in candidates if first.activity not in c] or candidates
        name = names.take(candidates)
        product_names = [_product_name(rng, t, area, commune) for t in chosen]
        plans.append(PlannedProducer(
            area, commune, legal_form, name, chosen, product_names, tax_prefix, province_label,
            region, woman=woman, minority=minority, person=person,
        ))
    return plans


def _product_name(rng: random.Random, template: Template, area: Area, commune: Unit) -> str:
    if template.key == "du-lich":
        spot = rng.choice(area.spot_names) if area.spot_names else commune.name
        return f"{template.base} {spot}"
    if not template.generic:
        return template.base  # a speciality named after its place: "Mỳ Chũ", "Gốm Thổ Hà"
    # Some products carry their district's name as a brand, most their commune's.
    if area.districts and rng.random() < 0.3 and not area.name.startswith("TP"):
        return f"{template.base} {area.name}"
    return f"{template.base} {commune.name}"


class DemoBuilder:
    def __init__(self, *, seed: int, today: date) -> None:
        # A seeded generator on purpose: the demo must be reproducible, not secret.
        self.rng = random.Random(seed)  # noqa: S311
        self.today = today
        self.result = DemoResult()
        self.names = _Names()
        self.used_tax: set[str] = set(Producer.objects.values_list("tax_code", flat=True))
        self.used_gtin: set[str] = set(
            Product.objects.exclude(gtin=None).values_list("gtin", flat=True)
        )
        self._sets: dict[str, ProductSet] = {}

    # --- plan ---------------------------------------------------------------------------------

    def templates(self) -> dict[str, Template]:
        resolver = SetResolver()
        if not resolver:
            raise ValueError("No product sets: run load_classification first.")
        out = {}
        for key, template in catalogue.TEMPLATES.items():
            product_set = resolver.resolve(template)
            if product_set is not None:
                out[key] = template
                self._sets[key] = product_set
        return out

    def plan(self) -> list[PlannedProducer]:
        templates = self.templates()
        plans: list[PlannedProducer] = []
        for area in catalogue.BAC_GIANG_AREAS:
            communes = area_communes(area, province="LP24")
            if not communes:
                self.result.skipped_areas.append(area.name)
                continue
            flags = [f for f in FLAGSHIPS if f.area == area.name]
            plans += plan_area(self.rng, area, communes, templates, self.names,
                               tax_prefix="24", province_label="Bắc Giang", region="bg",
                               flagships=flags)
        for area in catalogue.OLD_BAC_NINH_AREAS:
            communes = area_communes(area, province="LP27")
            if not communes:
                self.result.skipped_areas.append(area.name)
                continue
            plans += plan_area(self.rng, area, communes, templates, self.names,
                               tax_prefix="23", province_label="Bắc Ninh", region="bn")
        current = list(
            Unit.objects.filter(era=Unit.Era.CURRENT, level=Unit.Level.COMMUNE, parent_id="P24")
            .select_related("current_commune").order_by("key")
        )
        if current:
            plans += plan_area(self.rng, catalogue.NEW_REGISTRATIONS, current, templates,
                               self.names, tax_prefix="24", province_label="Bắc Ninh",
                               region="new")
        else:
            self.result.skipped_areas.append(catalogue.NEW_REGISTRATIONS.name)
        return plans

    # --- write --------------------------------------------------------------------------------

    def _tax_code(self, prefix: str) -> str:
        while True:
            code = make_tax_code(self.rng, prefix)
            if code not in self.used_tax:
                self.used_tax.add(code)
                return code

    def _gtin(self, company_prefix: str) -> str:
        while True:
            code = make_gtin13(self.rng, company_prefix)
            if code not in self.used_gtin:
                self.used_gtin.add(code)
                return code

    def _date_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    def producer_data(self, plan: PlannedProducer) -> dict:
        rng = self.rng
        woman, minority = plan.woman, plan.minority
        person = plan.person or person_name(rng, woman=woman, minority=minority)
        title = TITLES[plan.legal_form]
        employees = {
            LegalForm.COOPERATIVE: rng.randint(7, 60),
            LegalForm.ENTERPRISE: rng.randint(10, 120),
            LegalForm.HOUSEHOLD: rng.randint(2, 8),
            LegalForm.COOPERATIVE_GROUP: rng.randint(5, 20),
        }[plan.legal_form]
        members = (
            rng.randint(7, 150) if plan.legal_form == LegalForm.COOPERATIVE
            else rng.randint(3, 15) if plan.legal_form == LegalForm.COOPERATIVE_GROUP else 0
        )
        tax_code = self._tax_code(plan.tax_prefix)
        reg_date = self._date_between(date(2008, 1, 1), date(2018, 12, 31))
        data = {
            "legal_form": plan.legal_form,
            "name": plan.name,
            "tax_code": tax_code,
            "business_reg_no": tax_code if plan.legal_form != LegalForm.HOUSEHOLD
            else f"{plan.tax_prefix}{rng.randrange(10**6):06d}",
            "business_reg_date": reg_date,
            "commune": plan.commune,
            "street_address": f"Thôn {rng.choice(VILLAGES)}",
            "representative_name": person,
            "representative_title": title,
            "phone": f"0{rng.choice((9, 8, 3))}{rng.randrange(10**8):08d}",
            "employees": employees,
            "local_employees": employees - rng.randint(0, employees // 5),
            "members": members,
            "woman_owner": woman,
            "ethnic_minority_owner": minority,
        }
        if plan.legal_form == LegalForm.ENTERPRISE:
            data["email"] = f"lienhe{tax_code[-4:]}@example.vn"
        return data

    def product_data(self, plan: PlannedProducer, template: Template, name: str,
                     company_prefix: str | None) -> dict:
        rng = self.rng
        shelf = rng.randint(*template.shelf_life) if template.shelf_life else None
        gtin = (
            self._gtin(company_prefix)
            if company_prefix and template.barcode and rng.random() < 0.7 else None
        )
        return {
            "name": name,
            "product_set": self._sets[template.key],
            "description": template.description,
            "ingredients": template.ingredients,
            "packaging": rng.choice(template.packaging) if template.packaging else "",
            "shelf_life_days": shelf,
            "gtin": gtin,
        }

    def documents(self, producer: Producer, product: Product, template: Template,
                  plan: PlannedProducer, recognised: date) -> None:
        for doc_type in template.docs:
            if self.rng.random() > 0.75:
                continue
            issued = recognised - timedelta(days=self.rng.randint(30, 400))
            years = VALIDITY_YEARS.get(doc_type)
            expires = issued.replace(year=issued.year + years, day=min(issued.day, 28)) \
                if years else None
            issuer = ISSUERS.get(doc_type, "").format(province=f"tỉnh {plan.province_label}")
            registry.create_document(actor=None, producer=producer, data={
                "doc_type": doc_type,
                "number": f"{self.rng.randint(1, 999)}/{issued.year}/"
                          f"{NUMBER_SUFFIX.get(doc_type, 'GT')}",
                "issuer": issuer,
                "issued_on": issued,
                "expires_on": expires,
                "product": product,
            })
            self.result.documents += 1

    def recognition_dates(self, count: int) -> list[date]:
        years: list[int] = []
        for year, n in RECOGNISED_PER_YEAR.items():
            years += [year] * n
        # Fewer products (a subset map) keep the same year shape, scaled.
        if count != len(years):
            years = [years[int(i * len(years) / count)] for i in range(count)]
        self.rng.shuffle(years)
        return [self._date_between(date(y, 6, 1), date(y, 12, 15)) for y in years]

    def build(self) -> DemoResult:
        plans = self.plan()
        bg_total = sum(len(p.templates) for p in plans if p.region == "bg")
        bg_dates = iter(self.recognition_dates(bg_total))
        by_region: dict[str, list[Product]] = {"bg": [], "bn": [], "new": []}
        dated: list[tuple[Product, date]] = []
        for plan in plans:
            producer = registry.create_producer(actor=None, data=self.producer_data(plan))
            self.result.producers += 1
            if plan.flagship:
                self.result.flagships[plan.flagship] = producer
            company_prefix = make_company_prefix(self.rng) if self.rng.random() < 0.5 else None
            first_date: date | None = None
            for template, name in zip(plan.templates, plan.product_names, strict=True):
                product = registry.create_product(
                    actor=None, producer=producer,
                    data=self.product_data(plan, template, name, company_prefix),
                )
                self.result.products += 1
                by_region[plan.region].append(product)
                if plan.region == "bg":
                    recognised = next(bg_dates)
                elif plan.region == "new":
                    recognised = self._date_between(*NEW_REGISTRATION_PERIOD)
                else:
                    recognised = self._date_between(date(2019, 6, 1), date(2024, 12, 15))
                first_date = min(first_date or recognised, recognised)
                dated.append((product, recognised))
                self.documents(producer, product, template, plan, recognised)
            if first_date is not None:
                Producer.objects.filter(pk=producer.pk).update(created_at=_at(first_date))
        ratings = self.rate(by_region)
        rated = [Rated(p, ratings[p.pk], day) for p, day in dated if p.pk in ratings]
        soon = self.expiring_soon(rated, by_region["bg"])
        soon_ids = {r.product.pk for r in soon}
        for item in soon:
            # Their only certificate expires soon (``ocop.demo.paper``): recognised then.
            item.first = add_months(self.today, -36) + timedelta(days=EXPIRING_SOON_DAYS[
                soon.index(item)])
        first = {r.product.pk: r.first for r in soon}
        for product, day in dated:
            product.created_at = _at(first.get(product.pk, day))
        Product.objects.bulk_update([p for p, _ in dated], ["created_at"], batch_size=500)
        self.result.paper = build_paper_history(
            self.rng, [r for r in rated if r.product.pk not in soon_ids], today=self.today,
            soon=soon)
        return self.result

    def rate(self, by_region: dict[str, list[Product]]) -> dict[int, int]:
        """The best rating each product reaches (its certificates say when and how long):
        Bắc Giang as in the 2024 plan, old Bắc Ninh 38 % 4★; new registrations await
        evaluation."""
        ratings: dict[int, int] = {}
        bac_giang = by_region["bg"]
        if bac_giang:
            flagship_ids = {f.pk for f in self.result.flagships.values()}
            # The five-star product is the first flagship's first product (Vải thiều Lục Ngạn).
            ordered = sorted(bac_giang, key=lambda p: (p.producer_id not in flagship_ids, p.pk))
            five, rest = ordered[:FIVE_STAR], ordered[FIVE_STAR:]
            self.rng.shuffle(rest)
            n_four = round(FOUR_STAR * len(bac_giang) / 334)
            four, three = rest[:n_four], rest[n_four:]
            for stars, group in ((5, five), (4, four), (3, three)):
                ratings.update({p.pk: stars for p in group})
            for product in four[:POTENTIAL_FIVE_STAR]:
                Product.objects.filter(pk=product.pk).update(
                    description=f"{product.description} Sản phẩm tiềm năng 5 sao (2024)."
                )
        # Old Bắc Ninh: 66 of 174 were 4★ in mid 2024.
        for product in by_region["bn"]:
            ratings[product.pk] = 4 if self.rng.random() < 0.38 else 3
        return ratings

    def expiring_soon(self, rated: list[Rated], bac_giang: list[Product]) -> list[Rated]:
        """A few 3★ Bắc Giang products recognised in 2023–2024, not the demo accounts'."""
        ids = {p.pk for p in bac_giang}
        flagship_ids = {f.pk for f in self.result.flagships.values()}
        pool = [r for r in rated if r.stars == 3 and r.product.pk in ids
                and r.first.year >= 2023 and r.product.producer_id not in flagship_ids]
        return pool[:len(EXPIRING_SOON_DAYS)]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)


# --- Users --------------------------------------------------------------------------------------


def demo_totp_key(username: str) -> str:
    """The demo account's TOTP secret (20 bytes, hex as TOTPDevice stores it). Derived from the
    username so that it is the same on every machine: it is as public as the demo password, and
    `manage.py demo_logins` prints it for an authenticator app."""
    return hashlib.sha256(f"ocop-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_users(flagships: dict[str, Producer]) -> list[tuple[str, str, str]]:
    """Create the demo accounts; return (username, role label, where) for each."""
    p24 = Unit.objects.filter(pk="P24").first()
    p01 = Unit.objects.filter(pk="P01").first()
    chuthe = flagships.get("chuthe")
    commune = chuthe.commune.current_commune if chuthe else None
    # The office's name follows the province's official name today ("tỉnh Bắc Ninh" until
    # 19 September 2026, "thành phố Bắc Ninh" since), like every page and PDF.
    in_p24 = official_name(p24, lowercase_type=True) if p24 else ""
    specs: list[dict] = [
        {"username": "demo-admin", "role": Role.ADMIN, "unit": None, "is_superuser": True,
         "is_staff": True, "first_name": "Quản trị", "last_name": "hệ thống"},
        {"username": "demo-trunguong", "role": Role.CENTRAL, "unit": None,
         "first_name": "Văn phòng Điều phối", "last_name": "Trung ương"},
        {"username": "demo-tinh", "role": Role.PROVINCE_OFFICE, "unit": p24,
         "first_name": "Cơ quan thường trực OCOP", "last_name": in_p24},
        {"username": "demo-xa", "role": Role.COMMUNE_OFFICER, "unit": commune,
         "first_name": "Cán bộ", "last_name": commune.name if commune else ""},
        *[
            {"username": f"demo-hoidong{i}", "role": Role.COUNCIL_MEMBER, "unit": p24,
             "first_name": "Thành viên hội đồng", "last_name": str(i)}
            for i in (1, 2, 3)
        ],
        {"username": "demo-thanhtra", "role": Role.INSPECTOR, "unit": p24,
         "first_name": "Thanh tra", "last_name": in_p24},
        {"username": "demo-chuthe", "role": Role.PRODUCER, "producer": chuthe,
         "first_name": chuthe.representative_name if chuthe else "", "last_name": ""},
        {"username": "demo-chuthe2", "role": Role.PRODUCER, "producer": flagships.get("chuthe2"),
         "first_name": flagships["chuthe2"].representative_name
         if "chuthe2" in flagships else "", "last_name": ""},
        {"username": "demo-hanoi", "role": Role.PROVINCE_OFFICE, "unit": p01,
         "first_name": "Cơ quan thường trực OCOP",
         "last_name": official_name(p01, lowercase_type=True) if p01 else ""},
    ]
    out = []
    for spec in specs:
        if spec["role"] == Role.PRODUCER and spec.get("producer") is None:
            continue
        if spec["role"] not in (Role.ADMIN, Role.CENTRAL, Role.PRODUCER) and spec["unit"] is None:
            continue  # the unit is not in the loaded map (a subset)
        username = spec.pop("username")
        user, _ = User.objects.update_or_create(username=username, defaults=spec)
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        if is_staff_account(user):
            # Every demo staff account has 2FA, as production requires of the offices.
            TOTPDevice.objects.update_or_create(
                user=user, name="Demo",
                defaults={"key": demo_totp_key(username), "confirmed": True},
            )
        where = (
            str(user.producer) if user.producer_id else (user.unit.full_name if user.unit
                                                          else "toàn quốc")
        )
        out.append((username, user.get_role_display(), where))
    return out


@transaction.atomic
def build_demo(*, seed: int = DEFAULT_SEED, today: date | None = None) -> DemoResult:
    """The demo world; ``today`` (default: today) cuts the certificate history and dates the
    few certificates that expire soon."""
    builder = DemoBuilder(seed=seed, today=today or timezone.localdate())
    result = builder.build()
    result.users = len(demo_users(result.flagships))
    audit.record(actor=None, action="demo.load", object_type="demo", object_id=str(seed),
                 object_repr=f"Dữ liệu mẫu (seed {seed})",
                 changes={"producers": result.producers, "products": result.products,
                          "documents": result.documents, "users": result.users,
                          "certificates": result.paper.certificates})
    return result
