"""Scoring one sheet: arithmetic, star bands, mandatory caps, partial sheets, errors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocop.criteria.engine import (
    STAR_BANDS,
    CriteriaSet,
    EvaluationError,
    answers_from_pairs,
    evaluate,
    star_for_total,
    star_threshold,
)
from ocop.criteria.engine.model import MAX_STARS
from ocop.rules.certification import (
    CERTIFIABLE_STARS,
    MIN_CERTIFIABLE_STARS,
    TOP_STARS,
    is_certifiable,
)

from .helpers import (
    answers_for,
    best_answers,
    set_148,
    set_1048,
    set_and_answers,
    small_set,
    worst_answers,
)

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ star bands


@pytest.mark.parametrize(
    ("total", "stars"),
    [
        ("0", 1), ("29.99", 1), ("30", 2), ("30.00", 2), ("49.99", 2), ("50", 3),
        ("69.99", 3), ("70", 4), ("89.99", 4), ("90", 5), ("100", 5),
        ("49.999999", 2), ("89.9999999999", 4),
    ],
)  # fmt: skip
def test_band_edges(total: str, stars: int) -> None:
    assert star_for_total(Decimal(total)) == stars


def test_star_for_total_refuses_floats_and_out_of_range() -> None:
    with pytest.raises(TypeError):
        star_for_total(49.99)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        star_for_total(Decimal("100.01"))
    with pytest.raises(ValueError):
        star_for_total(Decimal(-1))


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_band_is_monotonic_and_matches_the_table(total: Decimal) -> None:
    stars = star_for_total(total)
    low = {1: 0, 2: 30, 3: 50, 4: 70, 5: 90}[stars]
    high = {1: 30, 2: 50, 3: 70, 4: 90, 5: 101}[stars]
    assert low <= total < high


def test_the_bands_and_the_rulebook_agree() -> None:
    """The engine owns the bands, the rulebook which bands are certified: every certified
    rating is a band, the top band is the top rating, and under 50 points is not certified."""
    bands = {stars for stars, _low in STAR_BANDS}
    assert set(CERTIFIABLE_STARS) <= bands
    assert max(bands) == MAX_STARS == TOP_STARS
    assert star_threshold(MIN_CERTIFIABLE_STARS) == Decimal(50)
    assert not is_certifiable(star_for_total(Decimal("49.99")))
    assert is_certifiable(star_for_total(Decimal(50)))


# ------------------------------------------------------------------ properties


@FAST
@given(set_and_answers())
def test_total_is_sum_of_parts_and_within_maxima(data: tuple[CriteriaSet, dict[str, str]]) -> None:
    criteria_set, answers = data
    ev = evaluate(criteria_set, answers)
    assert ev.total == sum(p.points for p in ev.parts)
    assert Decimal(0) <= ev.total <= Decimal(100)
    for part in ev.parts:
        assert part.points <= part.max_points
        assert part.points == min(part.raw, part.max_points)
        raw = sum(c.points for c in ev.criteria if c.part == part.code)
        assert part.raw == raw
    assert ev.stars == min(ev.band_stars, ev.star_cap or 5)
    assert ev.certifiable == (ev.stars >= 3)
    assert ev.band_stars == star_for_total(ev.total)
    json.dumps(ev.to_dict())


def _no_rule_regression(criteria_set: CriteriaSet, code: str, old: str, new: str) -> bool:
    """True when switching ``code`` from ``old`` to ``new`` breaks no passing rule."""
    crit = criteria_set.criterion(code)
    assert crit is not None
    o_old, o_new = crit.option(old), crit.option(new)
    assert o_old is not None and o_new is not None
    return all(
        r.passes(o_new) or not r.passes(o_old)
        for r in criteria_set.mandatory
        if r.criterion == code
    )


@FAST
@given(set_and_answers(), st.data())
def test_better_option_never_lowers_the_star(
    data: tuple[CriteriaSet, dict[str, str]], draw: st.DataObject
) -> None:
    criteria_set, answers = data
    crit = draw.draw(st.sampled_from(criteria_set.criteria))
    current = crit.option(answers[crit.code])
    assert current is not None
    better = [o for o in crit.options if o.points >= current.points]
    new = draw.draw(st.sampled_from(better))
    # A "better" option earns at least as many points and satisfies every mandatory rule the
    # current one satisfied (a one_of rule can prefer a cheaper option on purpose).
    if not _no_rule_regression(criteria_set, crit.code, current.code, new.code):
        return
    before = evaluate(criteria_set, answers)
    after = evaluate(criteria_set, {**answers, crit.code: new.code})
    assert after.total >= before.total
    assert after.stars >= before.stars


@FAST
@given(st.sampled_from([set_1048(), set_148()]), st.data())
def test_on_shipped_sets_more_points_never_lowers_the_star(
    criteria_set: CriteriaSet, draw: st.DataObject
) -> None:
    answers = draw.draw(answers_for(criteria_set))
    crit = draw.draw(st.sampled_from(criteria_set.criteria))
    current = crit.option(answers[crit.code])
    assert current is not None
    new = draw.draw(st.sampled_from([o for o in crit.options if o.points >= current.points]))
    before = evaluate(criteria_set, answers)
    after = evaluate(criteria_set, {**answers, crit.code: new.code})
    assert after.stars >= before.stars


@FAST
@given(set_and_answers(), st.data())
def test_partial_score_is_a_lower_bound(
    data: tuple[CriteriaSet, dict[str, str]], draw: st.DataObject
) -> None:
    criteria_set, answers = data
    keep = draw.draw(st.sets(st.sampled_from(sorted(answers))))
    partial = evaluate(criteria_set, {k: answers[k] for k in keep}, partial=True)
    full = evaluate(criteria_set, answers)
    assert partial.total <= full.total
    assert set(partial.missing) == set(answers) - keep
    assert partial.partial == bool(partial.missing)
    if partial.partial:
        assert not partial.certifiable


# ------------------------------------------------------------------ examples


def test_best_and_worst_answers() -> None:
    for criteria_set in (set_1048(), set_148(), small_set()):
        best = evaluate(criteria_set, best_answers(criteria_set))
        assert best.total == 100 and best.stars == 5 and best.certifiable
        worst = evaluate(criteria_set, worst_answers(criteria_set))
        assert worst.stars == 1 and not worst.certifiable


def test_1048_worst_sheet_counts_options_without_zero() -> None:
    # Criteria 1, 3, 5, 10, 15, 20, 31 have no 0-point option in the reconstruction.
    assert evaluate(set_1048(), worst_answers(set_1048())).total == 7


def test_bonus_counts_but_parts_are_capped() -> None:
    s = set_148()
    answers = best_answers(s)
    ev = evaluate(s, answers)
    part_a = ev.part("A")
    assert part_a.raw == 42 and part_a.points == 40 and part_a.capped
    assert part_a.bonus_points == 2
    assert ev.total == 100
    assert any("khuyến khích" in line for line in ev.explanation_vi)
    assert any("chỉ được tính tối đa 40" in line for line in ev.explanation_vi)
    # Below the cap the bonus does count: one point less on A1, still 40 thanks to the bonus.
    lower = evaluate(s, {**answers, "A1": "c"})
    assert lower.part("A").points == 40
    no_bonus = evaluate(s, {**answers, "A1": "c", "A-KK1": "a", "A-KK2": "a"})
    assert no_bonus.part("A").points == 39


def test_failed_mandatory_rule_caps_the_star() -> None:
    s = set_148()
    answers = {**best_answers(s), "C6": "b"}  # food-safety test failed: 0 points
    ev = evaluate(s, answers)
    assert ev.total == 96 and ev.band_stars == 5
    assert [r.code for r in ev.failed_rules] == ["M3-ATTP"]
    assert ev.star_cap == 2 and ev.stars == 2 and not ev.certifiable
    text = "\n".join(ev.explanation_vi)
    assert "M3-ATTP" in text and "tối đa 2 sao" in text and "giảm từ 5 sao" in text
    data = ev.to_dict()
    assert data["failed_rules"][0]["code"] == "M3-ATTP"
    assert data["stars"] == 2 and data["total"] == "96.00"


def test_one_of_rule() -> None:
    s = small_set()
    answers = {"A1": "c", "A2": "c", "AK": "a", "B1": "b", "C1": "c"}
    ev = evaluate(s, answers)
    assert ev.total == Decimal("85") and ev.band_stars == 4
    assert [r.code for r in ev.failed_rules] == ["M4"] and ev.stars == 3


def test_decimal_points_are_exact() -> None:
    s = small_set()
    ev = evaluate(s, {"A1": "a", "A2": "b", "AK": "a", "B1": "b", "C1": "b"})
    assert ev.total == Decimal("30.5")
    assert ev.to_dict()["total"] == "30.50"
    assert ev.stars == 2


def test_partial_lists_the_missing_criteria() -> None:
    s = set_148()
    answers = {"A1": "d", "C6": "d", "C5": "c"}
    ev = evaluate(s, answers, partial=True)
    assert ev.partial and not ev.certifiable
    assert len(ev.missing) == len(s.criteria) - 3
    assert "A2" in ev.missing and "A1" not in ev.missing
    assert ev.total == 5 + 4 + 3
    # Rules whose criterion is unanswered are pending, not failed.
    assert "M3-COSO" in [r.code for r in ev.pending_rules]
    assert "M3-COSO" not in [r.code for r in ev.failed_rules]
    text = "\n".join(ev.explanation_vi)
    assert "chưa đầy đủ" in text and "A2" in text
    assert ev.to_dict()["missing"] == list(ev.missing)


def test_missing_answers_without_partial_are_errors() -> None:
    s = small_set()
    with pytest.raises(EvaluationError) as err:
        evaluate(s, {"A1": "a"})
    missing = [p.criterion for p in err.value.problems]
    assert missing == ["A2", "AK", "B1", "C1"]
    assert "no answer given" in str(err.value)


def test_unknown_criterion_and_option() -> None:
    s = small_set()
    answers = {**worst_answers(s), "Z9": "a", "B1": "q"}
    with pytest.raises(EvaluationError) as err:
        evaluate(s, answers)
    by_code = {p.criterion: p for p in err.value.problems}
    assert set(by_code) == {"Z9", "B1"}
    assert "unknown criterion 'Z9'" in by_code["Z9"].message
    assert by_code["B1"].option == "q" and "unknown option 'q'" in by_code["B1"].message
    assert "valid options: a, b, c" in by_code["B1"].message
    assert "criterion B1, option q" in str(by_code["B1"])
    assert err.value.to_dict()["error"] == "EvaluationError"


def test_answers_must_be_text() -> None:
    s = small_set()
    with pytest.raises(EvaluationError):
        evaluate(s, {**worst_answers(s), "A1": 3})  # type: ignore[dict-item]
    with pytest.raises(EvaluationError):
        evaluate(s, ["A1"])  # type: ignore[arg-type]


def test_answers_from_pairs_rejects_duplicates() -> None:
    assert answers_from_pairs([("A1", "a"), ("B1", "b")]) == {"A1": "a", "B1": "b"}
    with pytest.raises(EvaluationError) as err:
        answers_from_pairs([("A1", "a"), ("A1", "c")])
    assert err.value.problems[0].criterion == "A1"
    assert "answered twice" in str(err.value)
    # The API can feed json.loads pairs straight in.
    with pytest.raises(EvaluationError):
        json.loads('{"A1": "a", "A1": "b"}', object_pairs_hook=answers_from_pairs)
    with pytest.raises(EvaluationError):
        answers_from_pairs([("A1", 1)])


def test_explanation_is_vietnamese_and_readable() -> None:
    s = set_1048()
    ev = evaluate(s, best_answers(s))
    text = "\n".join(ev.explanation_vi)
    assert "Tổng điểm: 100,00/100" in text
    assert "5 sao" in text and "giấy chứng nhận" in text
    assert "Lưu ý: Bộ tiêu chí tái dựng" in text
