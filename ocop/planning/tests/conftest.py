"""Planning test world: products recognised in the area of tỉnh Bắc Giang (LP24, now part of
Bắc Ninh P24) under a legacy commune and under current communes that succeeded it, in the old
Bắc Ninh (LP27, also P24 today) and in Hà Nội (P01); certificates, a 5★ result, a central round
and zones at known dates; one account per role and position.

Every record is also listed in ``World.certs`` / ``World.zones`` with its area, so the tests
count the expected figures by plain Python over what was created (an independent count).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.criteria.models import CriteriaSetVersion
from ocop.criteria.services import load_shipped_sets
from ocop.dossiers.models import Dossier, DossierState, ProgrammeYear, Round
from ocop.evaluation.models import CouncilResult
from ocop.registry.models import Product, ProductGroup, ProductSet
from ocop.registry.testing import TAX_CODES, classification, make_producer, make_product
from ocop.rules.certification import certificate_valid_until
from ocop.trace.models import Zone
from ocop.training.models import Course, Registration
from ocop.units.models import Unit

__all__ = ["classification"]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 30)
VEGETABLE_SHEETS = ("1048-rau-cu-qua-hat-tuoi",)

# Areas a record may lie in: which plans must count it.
BG = "bac_giang"  # legacy LP24 (also P24 today)
BN_OLD = "bac_ninh_old"  # legacy LP27 (P24 today, not LP24)
HN = "ha_noi"  # P01


@dataclass
class Cert:
    product: str
    area: str
    stars: int
    issued_on: date
    valid_until: date
    revoked_on: date | None
    group: str


@dataclass
class World:
    units: object
    products: dict[str, Product]
    areas: dict[str, str]
    users: dict[str, User]
    certs: list[Cert] = field(default_factory=list)
    zones: list[tuple[str, date, str]] = field(default_factory=list)  # (area, created, status)
    five_star: list[tuple[str, date]] = field(default_factory=list)  # (product, day)
    # (producer, area, course end, status) of each training registration
    trained: list[tuple[str, str, date, str]] = field(default_factory=list)
    group2: ProductGroup | None = None


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=TZ)


@pytest.fixture
def world(units, classification) -> World:
    drinks = ProductGroup.objects.create(code="2", name_vi="Đồ uống", name_en="Drinks")
    drink_set = ProductSet.objects.create(code="1048-30", group=drinks, name_vi="Rượu")
    bn_old_commune = (Unit.objects.filter(era="legacy", level="commune",
                                          parent__parent_id="LP27").order_by("pk").first())
    hoan_kiem = Unit.objects.get(pk="C00070")
    producers = {
        "dong_coc": make_producer("HTX Đồng Cốc", units.legacy_dong_coc, TAX_CODES[0]),
        "luc_ngan": make_producer("HTX Lục Ngạn", units.xa_luc_ngan, TAX_CODES[1]),
        "bac_giang": make_producer("Công ty Bắc Giang", units.phuong_bac_giang, TAX_CODES[2]),
        "bn_old": make_producer("HTX Bắc Ninh cũ", bn_old_commune, TAX_CODES[3]),
        "hanoi": make_producer("HTX Hoàn Kiếm", hoan_kiem, TAX_CODES[4]),
    }
    spec = {  # product: (producer, area, product set)
        "A": ("dong_coc", BG, classification), "B": ("dong_coc", BG, classification),
        "G": ("dong_coc", BG, classification), "C": ("luc_ngan", BG, classification),
        "D": ("bac_giang", BG, drink_set), "E": ("bn_old", BN_OLD, classification),
        "F": ("hanoi", HN, classification),
    }
    products = {key: make_product(producers[p], f"Sản phẩm {key}", s)
                for key, (p, _area, s) in spec.items()}
    users = {
        "admin": make_user(Role.ADMIN),
        "central": make_user(Role.CENTRAL),
        "province_office": make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh),
        "other_province_office": make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi),
        "commune_officer": make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan),
        "other_commune_officer": make_user(Role.COMMUNE_OFFICER, unit=hoan_kiem),
        "inspector": make_user(Role.INSPECTOR, unit=units.bac_ninh),
        "other_inspector": make_user(Role.INSPECTOR, unit=units.ha_noi),
        "council_member": make_user(Role.COUNCIL_MEMBER, unit=units.bac_ninh),
        "producer": make_user(Role.PRODUCER, producer=producers["dong_coc"]),
    }
    w = World(units, products, {k: v[1] for k, v in spec.items()}, users, group2=drinks)
    decision = RecognitionDecision.objects.create(
        number="1/QĐ-UBND", date=date(2021, 3, 10), signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", level="district", issuing_unit=units.legacy_luc_ngan)

    def cert(key: str, stars: int, issued: date, revoked: date | None = None) -> None:
        valid_until = certificate_valid_until(issued)
        product = products[key]
        Certificate.objects.create(
            number=f"OCOP-24-{issued.year}-{len(w.certs) + 1:05d}", product=product,
            producer=product.producer, decision=decision, stars=stars,
            total_score=Decimal("70"), issued_on=issued, valid_until=valid_until,
            revoked_on=revoked, administered_by=units.bac_ninh if w.areas[key] != HN
            else units.ha_noi)
        w.certs.append(Cert(key, w.areas[key], stars, issued, valid_until, revoked,
                            product.product_set.group_id))

    cert("A", 3, date(2021, 3, 10))  # expires 09/03/2024 …
    cert("A", 4, date(2024, 5, 20))  # … comes back one star higher (Q2)
    cert("B", 3, date(2021, 8, 1))  # expires 31/07/2024, does not come back
    cert("G", 3, date(2022, 1, 10), revoked=date(2023, 6, 1))  # revoked: never due
    cert("C", 3, date(2024, 2, 15))  # new in Q1 (current commune, successor of LP24)
    cert("D", 4, date(2024, 11, 5))  # new in Q4, drinks group
    cert("E", 3, date(2021, 4, 1))  # old Bắc Ninh: expires 2024, comes back upgraded
    cert("E", 4, date(2024, 6, 1))
    cert("F", 3, date(2024, 1, 10))  # Hà Nội
    cert("F", 5, date(2025, 3, 1))

    load_shipped_sets(codes=VEGETABLE_SHEETS)
    sheet = CriteriaSetVersion.objects.order_by("pk").first()
    year = ProgrammeYear.objects.create(province=units.legacy_bac_giang, year=2024)
    central = Round.objects.create(
        programme_year=year, level="central", number=1, name="Đợt trung ương 2024",
        opens_on=date(2024, 9, 1), submission_deadline=date(2024, 10, 1),
        evaluation_deadline=date(2024, 11, 30), recognition_deadline=date(2024, 12, 31))

    def dossier(key: str, **extra) -> Dossier:
        product = products[key]
        return Dossier.objects.create(product=product, producer=product.producer,
                                      criteria_set=sheet, target_stars=5, **extra)

    for key, day in (("C", date(2024, 9, 10)), ("E", date(2024, 9, 12)),
                     ("F", date(2024, 8, 1))):
        CouncilResult.objects.create(dossier=dossier(key, state=DossierState.PROPOSED_UP),
                                     level="province", mean=Decimal("92"), stars=5, final=True,
                                     finalised_at=_at(day))
        w.five_star.append((key, day))
    # A province result below the centre's threshold is no candidate.
    CouncilResult.objects.create(dossier=dossier("B", state=DossierState.RECOGNISED),
                                 level="province", mean=Decimal("80"), stars=4, final=True,
                                 finalised_at=_at(date(2024, 9, 1)))
    dossier("A", state=DossierState.ACCEPTED, round=central, accepted_at=_at(date(2024, 11, 20)))
    w.five_star.append(("A", date(2024, 11, 20)))

    def zone(code: str, commune: Unit, area: str, created: date,
             status: str = Zone.Status.ISSUED) -> None:
        z = Zone.objects.create(code=code, name=f"Vùng {code}", producer=producers["dong_coc"],
                                commune=commune, crop="Vải thiều", crop_kind="perennial",
                                declared_area_ha=Decimal("5"), status=status)
        Zone.objects.filter(pk=z.pk).update(created_at=_at(created))
        w.zones.append((area, created, status))

    areas = {"dong_coc": BG, "luc_ngan": BG, "bac_giang": BG, "bn_old": BN_OLD, "hanoi": HN}

    def course(title: str, ends: date, *registrations: tuple[str, str]) -> None:
        c = Course.objects.create(province=units.bac_ninh, topic="digital", title=title,
                                  starts_on=ends, ends_on=ends, place="Bắc Giang")
        for key, status in registrations:
            Registration.objects.create(course=c, producer=producers[key], attendee="Người học",
                                        status=status)
            w.trained.append((key, areas[key], ends, status))

    attended, registered = Registration.Status.ATTENDED, Registration.Status.REGISTERED
    course("Kỹ năng số", date(2024, 6, 12), ("dong_coc", attended), ("luc_ngan", registered),
           ("hanoi", attended), ("bn_old", attended))
    course("Bao bì", date(2024, 10, 3), ("dong_coc", attended), ("bac_giang", attended),
           ("luc_ngan", Registration.Status.ABSENT))

    zone("VN-24-219-07591-001", units.legacy_dong_coc, BG, date(2024, 5, 1))
    zone("VN-24-07582-002", units.xa_luc_ngan, BG, date(2024, 10, 1))
    zone("VN-24-07582-003", units.xa_luc_ngan, BG, date(2024, 2, 1), Zone.Status.CANCELLED)
    zone("VN-01-00070-001", hoan_kiem, HN, date(2024, 3, 1))
    zone("VN-27-001", bn_old_commune, BN_OLD, date(2024, 4, 1))
    return w


@pytest.fixture
def bg_plan(world):
    from ocop.planning import services

    return services.create_plan(actor=None, data={
        "province": world.units.legacy_bac_giang, "year": 2024,
        "title": "Kế hoạch OCOP tỉnh Bắc Giang năm 2024", "decision_number": "14/KH-UBND",
        "decision_date": date(2024, 2, 6)})
