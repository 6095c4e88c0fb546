"""Every product set has a sheet, and the engine's properties hold on every shipped sheet.

The properties are the ones of test_scoring and test_advice (their bodies are called through
Hypothesis' ``inner_test`` so that the rule is stated once), drawn here per sheet: a random pick
among 28 sets in those tests would leave some sheets with a handful of examples.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocop.criteria import selectors, services
from ocop.criteria.engine import list_shipped_sets, load_set_file
from ocop.criteria.tests import test_advice, test_scoring
from ocop.criteria.tests.helpers import answers_for
from ocop.registry.models import ProductSet

SHIPPED = list_shipped_sets()
PER_SHEET = settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_engine_properties_hold_on_every_shipped_sheet(path: Path) -> None:
    criteria_set = load_set_file(path)

    @PER_SHEET
    @given(answers_for(criteria_set), st.data(), st.one_of(st.none(), st.integers(1, 5)))
    def check(answers: dict[str, str], draw: st.DataObject, target: int | None) -> None:
        data = (criteria_set, answers)
        test_scoring.test_total_is_sum_of_parts_and_within_maxima.hypothesis.inner_test(data)
        test_scoring.test_better_option_never_lowers_the_star.hypothesis.inner_test(data, draw)
        test_advice.test_applied_advice_reaches_the_target_and_meets_its_rules.hypothesis \
            .inner_test(data, target)

    check()


def test_generated_sheets_match_their_generator() -> None:
    """The illustrative sheets are written by scripts/illustrative_criteria_sets.py: a hand edit
    would be lost at the next run, so the files must be exactly what the script writes."""
    import importlib.util

    script = Path(__file__).resolve().parents[3] / "scripts" / "illustrative_criteria_sets.py"
    spec = importlib.util.spec_from_file_location("illustrative_criteria_sets", script)
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    base = yaml.safe_load(generator.BASE.read_text(encoding="utf-8"))
    written = 0
    for product_set in generator.product_sets():
        if product_set["code"] == generator.BASE_SET:
            continue
        expected = generator.build(base, product_set)
        on_disk = yaml.safe_load((generator.SETS / f"{expected['code']}.yaml").read_text("utf-8"))
        assert on_disk == expected, product_set["code"]
        assert on_disk["status"]["kind"] == "illustrative"
        written += 1
    assert written == 25


@pytest.mark.django_db
def test_every_product_set_has_a_sheet_in_force(classification_loaded,
                                               django_assert_num_queries) -> None:
    services.load_shipped_sets()
    today = dt.date(2026, 11, 30)
    with django_assert_num_queries(2):  # the versions, the product sets: no sheet loaded per row
        rows = selectors.coverage(today)
    assert len(rows) == ProductSet.objects.count() == 26
    assert [c.product_set.code for c in rows if c.sheet is None] == []
    # Each is the sheet of its own product set (the vegetables sheet binds by 148 sub-group).
    for c in rows:
        assert selectors.product_sets_of(c.sheet) == [c.product_set.code] or (
            c.product_set.code in selectors.product_sets_of(c.sheet))
        assert c.kind == "illustrative"
    honey = next(c for c in rows if c.product_set.code == "1048-04")
    assert honey.sheet.code == "148-mat-ong-minh-hoa"
    tourism = next(c for c in rows if c.product_set.code == "1048-26")
    assert "An toàn cho du khách" in str(tourism.sheet.data)
    # Before 148 took effect only the reconstructed 1048 vegetables sheet existed.
    before = {c.product_set.code: c.kind for c in selectors.coverage(dt.date(2022, 6, 1))}
    assert before["1048-01"] == "reconstructed" and before["1048-04"] == "none"


@pytest.fixture
def classification_loaded(db):
    from django.core.management import call_command

    call_command("load_classification", verbosity=0)
