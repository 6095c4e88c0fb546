"""Deadlines with a controlled clock, and the evaluation levels bound to their legal basis."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ocop.dossiers import services
from ocop.dossiers.models import DossierState
from ocop.dossiers.tests.conftest import D2025, Cycle, open_ready
from ocop.rules.levels import REFORM_DATE, THREE_LEVEL, TWO_LEVEL, levels_in_force

pytestmark = pytest.mark.django_db


def test_levels_in_force_switch_on_1_july_2025() -> None:
    before = levels_in_force(date(2025, 6, 30))
    after = levels_in_force(REFORM_DATE)
    assert before.procedure == THREE_LEVEL
    assert [(lv.code, lv.stars) for lv in before.levels] == [
        ("district", (3,)), ("province", (4,)), ("central", (5,))]
    assert not before.requires_commune_precheck
    assert after.procedure == TWO_LEVEL
    assert [(lv.code, lv.stars) for lv in after.levels] == [
        ("province", (3, 4)), ("central", (5,))]
    assert [i.code for i in after.commune_precheck] == [
        "local_raw_materials", "local_labour", "idea_origin"]
    assert after.level_for_stars(4).code == "province"
    assert before.level_for_stars(3).code == "district"
    assert before.next_level("district").code == "province"
    assert after.next_level("central") is None


def test_submission_on_the_deadline_day_is_accepted(cycle: Cycle) -> None:
    dossier = open_ready(cycle)
    services.submit(actor=None, dossier=dossier, today=date(2024, 5, 15))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


def test_submission_after_the_deadline_names_the_date(cycle: Cycle) -> None:
    dossier = open_ready(cycle)
    with pytest.raises(services.StateError) as exc:
        services.submit(actor=None, dossier=dossier, today=date(2024, 5, 16))
    assert "hạn cuối là ngày 15/05/2024" in exc.value.message
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT and not dossier.versions.exists()


def test_submission_before_the_round_opens_is_refused(cycle: Cycle) -> None:
    dossier = open_ready(cycle)
    with pytest.raises(services.StateError, match="từ ngày 01/03/2024"):
        services.submit(actor=None, dossier=dossier, today=date(2024, 2, 20))


def test_submission_needs_a_round(cycle: Cycle) -> None:
    dossier = services.open_dossier(actor=None, product=cycle.products["own"],
                                    today=date(2024, 4, 1))
    with pytest.raises(services.StateError, match="Chưa chọn đợt"):
        services.submit(actor=None, dossier=dossier, today=date(2024, 4, 1))


def test_after_the_reform_a_district_round_is_not_an_entry(cycle: Cycle) -> None:
    # A dossier submitted in September 2025 to a (still open) 2024 district round: refused,
    # districts no longer evaluate.
    cycle.district_round.submission_deadline = date(2025, 12, 31)
    cycle.district_round.evaluation_deadline = date(2025, 12, 31)
    cycle.district_round.recognition_deadline = date(2025, 12, 31)
    cycle.district_round.save()
    dossier = open_ready(cycle, when=D2025, round_=cycle.district_round)
    with pytest.raises(services.StateError, match="cấp tỉnh"):
        services.submit(actor=None, dossier=dossier, today=D2025)


def test_round_outside_the_producers_area_is_refused(cycle: Cycle) -> None:
    dossier = open_ready(cycle, when=D2025, position="other_province")
    with pytest.raises(services.StateError, match="không thuộc địa bàn"):
        services.submit(actor=None, dossier=dossier, today=D2025)


def test_rounds_validate_dates_and_levels(cycle: Cycle) -> None:
    base = {"level": "district", "number": 2, "name": "Đợt 2 cấp huyện 2025",
            "opens_on": date(2025, 8, 1), "submission_deadline": date(2025, 9, 1),
            "evaluation_deadline": date(2025, 10, 1), "recognition_deadline": date(2025, 11, 1),
            "status": "open", "issuing_unit": cycle.units.bac_ninh}
    with pytest.raises(ValidationError) as exc:
        services.save_round(actor=None, programme_year=cycle.year_2025, data=base)
    assert "level" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.save_round(actor=None, programme_year=cycle.year_2025, data={
            **base, "level": "province", "submission_deadline": date(2025, 7, 1)})
    assert "submission_deadline" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.save_round(actor=None, programme_year=cycle.year_2025, data={
            **base, "level": "province", "issuing_unit": cycle.units.ha_noi})
    assert "issuing_unit" in exc.value.message_dict
    with pytest.raises(ValidationError, match="Đã có đợt số 1"):
        services.save_round(actor=None, programme_year=cycle.year_2025, data={
            **base, "level": "province", "number": 1})
    with pytest.raises(ValidationError) as exc:
        services.save_round(actor=None, programme_year=cycle.year_2025, data={
            **base, "level": "province", "name": "<b>Đợt 2</b>"})
    assert exc.value.message_dict["name"][0].startswith("Tên đợt chỉ được ghi chữ thường")
