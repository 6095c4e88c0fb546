"""Levels: who evaluates and recognises which stars, under 148 and under 148 as amended by 1489."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ocop.rules import levels
from ocop.rules.certification import CERTIFIABLE_STARS
from ocop.rules.councils import CENTRAL_COUNCIL_QUORUM_MIN


def test_who_recognises_which_stars():
    def table(basis: levels.LegalBasis) -> dict[str, tuple[int, ...]]:
        return {lv.code: lv.stars for lv in basis.levels}

    assert table(levels.basis(levels.THREE_LEVEL)) == {
        levels.DISTRICT: (3,), levels.PROVINCE: (4,), levels.CENTRAL: (5,)}
    assert table(levels.basis(levels.TWO_LEVEL)) == {
        levels.PROVINCE: (3, 4), levels.CENTRAL: (5,)}
    assert date(2025, 7, 1) == levels.REFORM_DATE
    assert levels.basis(levels.THREE_LEVEL).valid_to == levels.REFORM_DATE - timedelta(days=1)


def test_every_certified_rating_has_exactly_one_level_in_each_basis():
    for basis in levels.BASES:
        recognised = [s for lv in basis.levels for s in lv.stars]
        assert sorted(recognised) == list(CERTIFIABLE_STARS)
        for stars in CERTIFIABLE_STARS:
            assert stars in basis.level_for_stars(stars).stars


@given(st.dates(min_value=date(2023, 2, 24), max_value=date(2040, 12, 31)))
def test_the_basis_in_force_covers_the_day(day):
    basis = levels.levels_in_force(day)
    assert basis.valid_from <= day and (basis.valid_to is None or day <= basis.valid_to)


def test_only_the_central_council_has_a_fixed_quorum():
    assert levels.default_quorum_min(levels.CENTRAL) == CENTRAL_COUNCIL_QUORUM_MIN == 5
    assert levels.default_quorum_min(levels.PROVINCE) is None
    assert levels.default_quorum_min(levels.DISTRICT) is None
