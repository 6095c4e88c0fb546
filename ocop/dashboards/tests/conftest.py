"""Dashboard test world: two provinces (today's Bắc Ninh P24, with legacy huyện Lục Ngạn, and Hà
Nội P01), products under legacy and current communes, certificates dated from today (so that
the 30/90/180-day windows and the re-evaluation rate have members), dossiers in a provincial and
a central round, a 5★ council result and an annual plan; one account per role and position.

The expected figures are counted by the tests in plain Python over these objects, not with the
dashboard's queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.certificates.models import Certificate, RecognitionDecision
from ocop.criteria.models import CriteriaSetVersion
from ocop.criteria.services import load_shipped_sets
from ocop.dossiers.models import Dossier, DossierState, ProgrammeYear, Round
from ocop.evaluation.models import CouncilResult
from ocop.planning.models import AnnualPlan, Indicator, IndicatorKind
from ocop.registry.models import LegalForm, Product, ProductGroup, ProductSet
from ocop.registry.testing import TAX_CODES, classification, make_producer, make_product
from ocop.rules.certification import add_months, certificate_valid_until
from ocop.units.models import Unit

__all__ = ["classification"]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
VEGETABLE_SHEETS = ("1048-rau-cu-qua-hat-tuoi",)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=TZ)


@dataclass
class World:
    units: object
    today: date
    products: dict[str, Product]
    users: dict[str, User]
    hoan_kiem: Unit


@pytest.fixture
def world(units, classification) -> World:
    today = timezone.localdate()
    drinks = ProductGroup.objects.create(code="2", name_vi="Đồ uống", name_en="Drinks")
    drink_set = ProductSet.objects.create(code="1048-30", group=drinks, name_vi="Rượu")
    bn_old_commune = (Unit.objects.filter(era="legacy", level="commune",
                                          parent__parent_id="LP27").order_by("pk").first())
    hoan_kiem = Unit.objects.get(pk="C00070")
    producers = {
        "dong_coc": make_producer("HTX Đồng Cốc", units.legacy_dong_coc, TAX_CODES[0],
                                  woman_owner=True),
        "luc_ngan": make_producer("Hộ Lục Ngạn", units.xa_luc_ngan, TAX_CODES[1],
                                  legal_form=LegalForm.HOUSEHOLD, ethnic_minority_owner=True),
        "bac_giang": make_producer("Công ty Bắc Giang", units.phuong_bac_giang, TAX_CODES[2],
                                   legal_form=LegalForm.ENTERPRISE),
        "bn_old": make_producer("HTX Bắc Ninh cũ", bn_old_commune, TAX_CODES[3],
                                woman_owner=True, ethnic_minority_owner=True),
        "hanoi": make_producer("HTX Hoàn Kiếm", hoan_kiem, TAX_CODES[4], woman_owner=True),
    }
    spec = {  # product: (producer, product set)
        "A": ("dong_coc", classification), "B": ("dong_coc", classification),
        "G": ("dong_coc", classification), "C": ("luc_ngan", classification),
        "H": ("luc_ngan", classification), "D": ("bac_giang", drink_set),
        "J": ("bac_giang", classification), "E": ("bn_old", classification),
        "F": ("hanoi", classification), "K": ("hanoi", drink_set),
    }
    products = {key: make_product(producers[p], f"Sản phẩm {key}", s)
                for key, (p, s) in spec.items()}
    users = {
        "admin": make_user(Role.ADMIN),
        "central": make_user(Role.CENTRAL),
        "province_office": make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh),
        "other_province_office": make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi),
        "commune_officer": make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan),
        "other_commune_officer": make_user(Role.COMMUNE_OFFICER, unit=hoan_kiem),
        "inspector": make_user(Role.INSPECTOR, unit=units.bac_ninh),
        "inspector_without_area": make_user(Role.INSPECTOR),
        "council_member": make_user(Role.COUNCIL_MEMBER, unit=units.bac_ninh),
        "producer": make_user(Role.PRODUCER, producer=producers["dong_coc"]),
    }
    decision = RecognitionDecision.objects.create(
        number="1/QĐ-UBND", date=date(2021, 3, 10), signer_name="Trần Văn Ký",
        signer_title="Chủ tịch", level="province", issuing_unit=units.bac_ninh)
    serial = iter(range(1, 100))

    def cert(key: str, stars: int, issued: date, revoked: date | None = None) -> None:
        product = products[key]
        Certificate.objects.create(
            number=f"OCOP-24-{issued.year}-{next(serial):05d}", product=product,
            producer=product.producer, decision=decision, stars=stars,
            total_score=Decimal("70"), issued_on=issued,
            valid_until=certificate_valid_until(issued), revoked_on=revoked,
            administered_by=units.ha_noi if key in "FK" else units.bac_ninh)

    def months_ago(n: int, days: int = 0) -> date:
        return add_months(today, -n) + timedelta(days=days)

    cert("A", 3, months_ago(40))  # expired four months ago …
    cert("A", 4, months_ago(2))  # … and came back one star higher
    cert("B", 3, months_ago(38))  # expired two months ago, not back
    cert("G", 3, months_ago(30), revoked=months_ago(10))  # revoked: never due
    cert("C", 3, months_ago(36, 20))  # ends in about 20 days
    cert("D", 4, months_ago(36, 60))  # ends in about 60 days (drinks)
    cert("J", 5, months_ago(1))  # 5★
    cert("E", 3, months_ago(50))  # expired 14 months ago, back 2 months later
    cert("E", 4, months_ago(12))
    cert("F", 3, months_ago(45))  # Hà Nội: expired 9 months ago, back 5 months later
    cert("F", 5, months_ago(4))
    cert("K", 3, months_ago(36, 150))  # Hà Nội: ends in about 150 days

    load_shipped_sets(codes=VEGETABLE_SHEETS)
    sheet = CriteriaSetVersion.objects.order_by("pk").first()
    year = ProgrammeYear.objects.create(province=units.bac_ninh, year=today.year)
    hn_year = ProgrammeYear.objects.create(province=units.ha_noi, year=today.year)
    province_round = Round.objects.create(
        programme_year=year, level="province", number=1, name="Đợt 1 tỉnh Bắc Ninh",
        opens_on=date(today.year, 1, 1), submission_deadline=date(today.year, 3, 1),
        evaluation_deadline=date(today.year, 6, 1), recognition_deadline=date(today.year, 7, 1),
        issuing_unit=units.bac_ninh)
    central_round = Round.objects.create(
        programme_year=year, level="central", number=1, name="Đợt trung ương",
        opens_on=date(today.year, 1, 2), submission_deadline=date(today.year, 4, 1),
        evaluation_deadline=date(today.year, 8, 1), recognition_deadline=date(today.year, 9, 1))
    hn_round = Round.objects.create(
        programme_year=hn_year, level="province", number=1, name="Đợt 1 Hà Nội",
        opens_on=date(today.year, 1, 1), submission_deadline=date(today.year, 3, 1),
        evaluation_deadline=date(today.year, 6, 1), recognition_deadline=date(today.year, 7, 1),
        issuing_unit=units.ha_noi)

    def dossier(key: str, **extra) -> Dossier:
        product = products[key]
        return Dossier.objects.create(product=product, producer=product.producer,
                                      criteria_set=sheet, **extra)

    dossier("H", state=DossierState.DRAFT, requested_round=province_round)
    dossier("B", state=DossierState.SUBMITTED, requested_round=province_round,
            kind=Dossier.Kind.RE_RECOGNITION)
    dossier("D", state=DossierState.CORRECTIONS_REQUESTED, requested_round=province_round)
    five = dossier("C", state=DossierState.PROPOSED_UP, round=province_round, target_stars=5,
                   requested_round=province_round, accepted_at=at(today))
    CouncilResult.objects.create(dossier=five, level="province", mean=Decimal("92"), stars=5,
                                 final=True, finalised_at=at(today))
    dossier("A", state=DossierState.UNDER_EVALUATION, round=central_round, target_stars=5,
            accepted_at=at(today))
    dossier("F", state=DossierState.ACCEPTED, round=hn_round, target_stars=5,
            accepted_at=at(today))
    dossier("K", state=DossierState.RECOGNISED, round=hn_round)

    plan = AnnualPlan.objects.create(province=units.bac_ninh, year=today.year,
                                     title="Kế hoạch OCOP tỉnh Bắc Ninh")
    Indicator.objects.create(plan=plan, kind=IndicatorKind.VALID_PRODUCTS, target=10)
    AnnualPlan.objects.create(province=units.ha_noi, year=today.year,
                              title="Kế hoạch OCOP Hà Nội")
    return World(units, today, products, users, hoan_kiem)
