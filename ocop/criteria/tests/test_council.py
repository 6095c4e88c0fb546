"""Council aggregation: quorum, exact mean, re-scoring, consensus rules, order independence."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocop.criteria.engine import (
    CouncilConfig,
    CriteriaSet,
    EvaluationError,
    MemberSheet,
    aggregate,
    validate_set,
)

from .helpers import answers_for, best_answers, set_148, set_1048, small_set

_TOTALS = ("0", "30", "30.5", "49.5", "50", "60", "70", "70.5", "95", "100")


@cache
def scale_set() -> CriteriaSet:
    """One criterion worth 0–100 whose options are the totals the tests need."""
    return validate_set(
        {
            "code": "scale",
            "version": 1,
            "title_vi": "Thang điểm",
            "title_en": "Scale",
            "legal_basis": {"decision": "x", "date": "2024-01-01", "effective_from": "2024-01-01"},
            "status": {"kind": "draft", "warning_vi": "Thử nghiệm."},
            "applies_to": {"group": "1"},
            "parts": [
                {
                    "code": "A",
                    "label_vi": "A",
                    "max_points": 100,
                    "groups": [{"code": "G", "label_vi": "G"}],
                }
            ],
            "criteria": [
                {
                    "code": "X",
                    "part": "A",
                    "group": "G",
                    "label_vi": "X",
                    "options": [{"code": f"p{t}", "label_vi": t, "points": t} for t in _TOTALS],
                }
            ],
        },
        source="scale",
    )


def sheet_with_total(total: str, member: str, **flags: bool) -> MemberSheet:
    """A sheet of :func:`scale_set` whose total is ``total``."""
    assert total in _TOTALS
    return MemberSheet(member, {"X": f"p{total}"}, **flags)


def test_mean_stars_from_unrounded_mean_and_half_up_display() -> None:
    s = scale_set()
    # Three members: 50 + 50 + 49.5 = 149.5 → mean 49.8333… → 2★, displayed 49.83.
    sheets = [
        sheet_with_total("50", "m1", is_chair=True),
        sheet_with_total("50", "m2"),
        sheet_with_total("49.5", "m3"),
    ]
    result = aggregate(s, sheets, CouncilConfig(size=3))
    assert result.mean_display == Decimal("49.83")
    assert result.band_stars == 2
    assert result.mean < 50 and str(result.mean).startswith("49.8333333")
    assert result.to_dict()["mean"] == "49.83"
    # Half up: 30 + 30.5 → 30.25 exactly; 30 + 30 + 30.5 → 30.1666… → 30.17.
    two = aggregate(
        s,
        [sheet_with_total("30", "a", is_chair=True), sheet_with_total("30.5", "b")],
        CouncilConfig(size=2),
    )
    assert two.mean == Decimal("30.25") and two.mean_display == Decimal("30.25")


def test_mean_just_below_a_band_edge_is_not_rounded_up() -> None:
    s = scale_set()
    # 6 members: five at 50 and one at 49.5 → 299.5 / 6 = 49.9166… (prints 49.92) → 2★.
    sheets = [sheet_with_total("50", f"m{i}", is_chair=(i == 0)) for i in range(5)]
    sheets.append(sheet_with_total("49.5", "m5"))
    result = aggregate(s, sheets, CouncilConfig(size=6))
    assert result.band_stars == 2 and result.mean_display == Decimal("49.92")


def test_quorum_ratio_and_chair() -> None:
    s = scale_set()
    base = [sheet_with_total("60", f"m{i}", is_chair=(i == 0)) for i in range(9)]
    # 9 members: ceil(0.75 × 9) = 7 must score.
    assert CouncilConfig(size=9).required_quorum == 7
    seven = [*base[:7], MemberSheet("m7", {}, present=False), MemberSheet("m8", {}, present=False)]
    result = aggregate(s, seven, CouncilConfig(size=9))
    assert result.quorum_met and result.final and result.certifiable
    assert result.excluded == (("m7", "absent"), ("m8", "absent"))
    six = [*base[:6], MemberSheet("m6", base[6].answers, conflicted=True)]
    result = aggregate(s, six, CouncilConfig(size=9))
    assert not result.quorum_met and not result.final and not result.certifiable
    assert ("m6", "conflicted") in result.excluded
    assert "m6" not in result.counted
    assert any("không đủ điều kiện" in line for line in result.explanation_vi)
    # Chair absent: no quorum when the chair is required, fine otherwise.
    no_chair = [MemberSheet(x.member_id, x.answers) for x in base]
    assert not aggregate(s, no_chair, CouncilConfig(size=9)).quorum_met
    assert aggregate(s, no_chair, CouncilConfig(size=9, chair_required=False)).quorum_met


def test_central_council_five_of_seven() -> None:
    s = scale_set()
    config = CouncilConfig(size=7, quorum_min=5)
    members = [sheet_with_total("95", f"c{i}", is_chair=(i == 0)) for i in range(5)]
    assert aggregate(s, members, config).quorum_met
    assert not aggregate(s, members[:4], config).quorum_met


def test_conflicted_member_is_excluded_from_every_figure() -> None:
    s = scale_set()
    sheets = [
        sheet_with_total("60", "a", is_chair=True),
        sheet_with_total("60", "b"),
        sheet_with_total("100", "c", conflicted=True),
    ]
    result = aggregate(s, sheets, CouncilConfig(size=3, quorum_min=2))
    assert result.mean == 60 and result.spread == 0 and not result.rescore_required
    assert [m.member_id for m in result.members] == ["a", "b"]


def test_rescore_names_the_pairs_over_the_limit() -> None:
    s = scale_set()
    sheets = [
        sheet_with_total("60", "a", is_chair=True),
        sheet_with_total("70", "b"),
        sheet_with_total("70.5", "c"),
    ]
    result = aggregate(s, sheets, CouncilConfig(size=3))
    assert result.spread == Decimal("10.5")
    assert [(p.member_a, p.member_b, p.difference) for p in result.rescore_pairs] == [
        ("a", "c", Decimal("10.5"))
    ]
    assert result.rescore_required and not result.final and not result.certifiable
    assert any("chấm lại" in line and "a – c" in line for line in result.explanation_vi)
    # Exactly 10 apart is allowed ("không chênh lệch quá 10 điểm").
    ok = aggregate(s, sheets[:2], CouncilConfig(size=2))
    assert not ok.rescore_required


def test_mandatory_rules_use_the_council_consensus() -> None:
    s = set_148()
    best = best_answers(s)
    # C6 (min 2 points, M3-ATTP): points 4, 0, 0 → mean 1.33 < 2 → fails → capped at 2★.
    sheets = [
        MemberSheet("a", best, is_chair=True),
        MemberSheet("b", {**best, "C6": "a"}),
        MemberSheet("c", {**best, "C6": "b"}),
    ]
    result = aggregate(s, sheets, CouncilConfig(size=3))
    assert [r.code for r in result.failed_rules] == ["M3-ATTP"]
    assert result.stars == 2 and result.band_stars == 5
    c6 = next(c for c in result.criteria if c.code == "C6")
    assert (c6.min, c6.max, c6.spread) == (0, 4, 4)
    assert c6.option_counts == {"a": 1, "b": 1, "d": 1}
    # Points 4, 4, 0 → mean 2.67 ≥ 2 → passes even though one member failed it.
    sheets[1] = MemberSheet("b", best)
    assert aggregate(s, sheets, CouncilConfig(size=3)).stars == 5
    # one_of (M3-CONGBO on C5: b or c): majority needed. 1 of 3 → fails; 2 of 3 → passes.
    sheets = [
        MemberSheet("a", {**best, "C5": "a"}, is_chair=True),
        MemberSheet("b", {**best, "C5": "a"}),
        MemberSheet("c", best),
    ]
    assert "M3-CONGBO" in [r.code for r in aggregate(s, sheets, CouncilConfig(size=3)).failed_rules]
    sheets[1] = MemberSheet("b", best)
    assert aggregate(s, sheets, CouncilConfig(size=3)).failed_rules == ()


def test_council_input_errors_name_the_member() -> None:
    s = scale_set()
    good = sheet_with_total("60", "a", is_chair=True)
    with pytest.raises(EvaluationError) as err:
        aggregate(s, [good, MemberSheet("b", {"X": "zz"})], CouncilConfig(size=3))
    assert any(p.source == "member b" for p in err.value.problems)
    with pytest.raises(EvaluationError, match="more than one sheet"):
        aggregate(s, [good, good], CouncilConfig(size=3))
    with pytest.raises(EvaluationError, match="sheets for a council of 1"):
        aggregate(s, [good, sheet_with_total("60", "b")], CouncilConfig(size=1))
    with pytest.raises(EvaluationError, match="quorum_ratio"):
        aggregate(s, [good], CouncilConfig(size=3, quorum_ratio=Decimal("1.5")))
    with pytest.raises(EvaluationError, match="no present"):
        aggregate(s, [MemberSheet("x", {}, present=False)], CouncilConfig(size=3))
    with pytest.raises(EvaluationError, match="more than one member is marked as chair"):
        aggregate(s, [good, sheet_with_total("60", "b", is_chair=True)], CouncilConfig(size=3))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([set_1048(), set_148(), small_set()]), st.data())
def test_aggregation_is_order_independent(criteria_set: CriteriaSet, data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 9))
    count = data.draw(st.integers(1, size))
    sheets = []
    for index in range(count):
        sheets.append(
            MemberSheet(
                member_id=f"member-{index}",
                answers=data.draw(answers_for(criteria_set)),
                present=index == 0 or data.draw(st.booleans()),
                conflicted=index != 0 and data.draw(st.booleans()),
                is_chair=index == 0,
            )
        )
    config = CouncilConfig(size=size)
    result = aggregate(criteria_set, sheets, config)
    shuffled = data.draw(st.permutations(sheets))
    again = aggregate(criteria_set, list(shuffled), config)
    assert again.to_dict() == result.to_dict()
    assert again.mean == result.mean
    json.dumps(result.to_dict())
    # The mean lies between the members' totals, and the spread is max − min.
    totals = [m.total for m in result.members]
    assert min(totals) <= result.mean <= max(totals)
    assert result.spread == max(totals) - min(totals)


def test_explanation_names_members_by_their_name_or_else_their_id():
    sheets = [
        MemberSheet("17", {"X": "p70"}, is_chair=True, name="Nguyễn Văn An (Chủ tịch hội đồng)"),
        MemberSheet("18", {"X": "p60"}),
        MemberSheet("19", {"X": "p50"}, conflicted=True, name="Lê Thị Hoa (Thành viên)"),
    ]
    result = aggregate(scale_set(), sheets, CouncilConfig(size=3, quorum_min=2))
    text = " ".join(result.explanation_vi)
    assert "Nguyễn Văn An (Chủ tịch hội đồng): 70,00; 18: 60,00." in text
    assert "Không chấm do xung đột lợi ích: Lê Thị Hoa (Thành viên)." in text
    assert "17:" not in text and "19" not in text
