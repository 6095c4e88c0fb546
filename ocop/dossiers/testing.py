"""Dossier test data, importable from any app's tests: the ``cycle`` fixture (Bắc Giang 2024 —
legacy LP24, district round of huyện Lục Ngạn LD219 and a province round — and merged Bắc Ninh
2025, P24, with one account per role and position) and helpers that fill, open and submit a
dossier. A conftest imports ``cycle`` to use it.

Producers stand at the positions of ``ocop.registry.testing.position_producers``: ``own`` and
``other_producer`` in Xã Lục Ngạn (C07582), ``other_commune`` in Phường Bắc Giang (C07210, same
province), ``other_province`` in Hà Nội (P01).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.accounts.models import Role, User
from ocop.accounts.testing import make_user
from ocop.criteria import selectors as criteria_selectors
from ocop.criteria.services import load_shipped_sets
from ocop.dossiers import checklist, services
from ocop.dossiers.models import Dossier, ProgrammeYear, Round
from ocop.registry.testing import World, make_vegetable_set, position_producers, products_of
from ocop.units.models import Unit

# The two sheets of the product set "1048-01" the cycle uses (loading all 27 costs ~0.5 s a test).
VEGETABLE_SHEETS = ("1048-rau-cu-qua-hat-tuoi", "148-rau-cu-qua-hat-tuoi-minh-hoa")
D2024 = date(2024, 4, 1)  # inside the district round 1 of 2024
D2025 = date(2025, 9, 1)  # inside the province round 1 of 2025
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "tai-lieu.pdf", body: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + body, content_type="application/pdf")


@dataclass
class Cycle(World):
    """A registry test world (accounts keyed by the dossiers' roles) with the programme years
    and rounds."""

    year_2024: ProgrammeYear
    year_2025: ProgrammeYear
    district_round: Round  # LD219 Lục Ngạn, 2024 round 1
    province_round_2024: Round
    province_round_2025: Round
    central_round: Round


def _round(year: ProgrammeYear, level: str, unit: Unit | None, number: int, opens: date,
           deadline: date, evaluation: date, recognition: date) -> Round:
    return services.save_round(actor=None, programme_year=year, data={
        "level": level, "number": number, "name": f"Đợt {number} {level} {year.year}",
        "opens_on": opens, "submission_deadline": deadline, "evaluation_deadline": evaluation,
        "recognition_deadline": recognition, "status": Round.Status.OPEN, "issuing_unit": unit,
    })


@pytest.fixture
def cycle(units, mailoutbox) -> Cycle:
    product_set = make_vegetable_set()
    load_shipped_sets(codes=VEGETABLE_SHEETS)
    producers = position_producers(units, phone="0912345678")
    products = products_of(producers, product_set, prefix="Sản phẩm của")
    users = {
        "producer": make_user(Role.PRODUCER, producer=producers["own"]),
        "other_producer": make_user(Role.PRODUCER, producer=producers["other_producer"]),
        "commune_officer": make_user(Role.COMMUNE_OFFICER, unit=units.xa_luc_ngan),
        "other_commune_officer": make_user(Role.COMMUNE_OFFICER, unit=units.phuong_bac_giang),
        "province_office": make_user(Role.PROVINCE_OFFICE, unit=units.bac_ninh),
        "other_province_office": make_user(Role.PROVINCE_OFFICE, unit=units.ha_noi),
        "central": make_user(Role.CENTRAL),
        "council_member": make_user(Role.COUNCIL_MEMBER, unit=units.bac_ninh),
        "inspector": make_user(Role.INSPECTOR, unit=units.bac_ninh),
    }
    y24 = services.create_programme_year(actor=None, province=units.legacy_bac_giang, year=2024,
                                         plan_reference="Kế hoạch 14/KH-UBND")
    y25 = services.create_programme_year(actor=None, province=units.bac_ninh, year=2025)
    district = _round(y24, "district", units.legacy_luc_ngan, 1, date(2024, 3, 1),
                      date(2024, 5, 15), date(2024, 6, 15), date(2024, 12, 15))
    prov24 = _round(y24, "province", units.legacy_bac_giang, 1, date(2024, 3, 1),
                    date(2024, 6, 20), date(2024, 7, 10), date(2024, 12, 15))
    prov25 = _round(y25, "province", units.bac_ninh, 1, date(2025, 8, 1), date(2025, 10, 31),
                    date(2025, 11, 28), date(2025, 12, 31))
    central = _round(y25, "central", None, 1, date(2025, 8, 1), date(2025, 11, 30),
                     date(2025, 12, 15), date(2025, 12, 31))
    mailoutbox.clear()
    return Cycle(units, product_set, producers, products, users, y24, y25, district, prov24,
                 prov25, central)


def complete(dossier: Dossier, actor: User | None = None, *, round_: Round | None = None,
             answers: dict[str, str] | None = None) -> Dossier:
    """Fill what a submission needs: required form fields, every answer, mandatory docs."""
    engine_set = criteria_selectors.engine_set(dossier.criteria_set)
    all_answers = {c.code: c.options[-1].code for c in engine_set.criteria}
    all_answers.update(answers or {})
    dossier = services.autosave(
        actor=actor, dossier=dossier, requested_round=round_,
        form={"product_name": dossier.product.name, "contact_name": "Nguyễn Văn A",
              "contact_phone": "0912345678"},
        self_assessment=all_answers,
    )
    for item in checklist.items_for(dossier.product, dossier.target_stars):
        if item.is_mandatory(dossier.target_stars):
            services.attach_document(actor=actor, dossier=dossier, checklist_item=item.code,
                                     file=pdf(f"{item.code}.pdf", item.code.encode()))
    return dossier


def open_ready(cycle: Cycle, *, when: date = D2024, round_: Round | None = None,
               position: str = "own") -> Dossier:
    actor = cycle.users["producer"] if position == "own" else None
    dossier = services.open_dossier(actor=actor, product=cycle.products[position], today=when)
    if round_ is None:
        round_ = cycle.district_round if when < date(2025, 7, 1) else cycle.province_round_2025
    return complete(dossier, actor, round_=round_)


def submitted(cycle: Cycle, *, when: date = D2024, position: str = "own") -> Dossier:
    dossier = open_ready(cycle, when=when, position=position)
    services.submit(actor=None, dossier=dossier, today=when)
    dossier.refresh_from_db()
    return dossier


def fake_pdf() -> SimpleUploadedFile:
    # An executable renamed to .pdf: refused by content, whatever the name says.
    return SimpleUploadedFile("ho-so.pdf", b"MZ\x90\x00" + bytes(BytesIO(b"x" * 64).read()),
                              content_type="application/pdf")
