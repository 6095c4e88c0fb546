"""Shared fixtures-as-functions and Hypothesis strategies for the criteria engine tests."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from ocop.criteria.engine import CriteriaSet, list_shipped_sets, load_set_file, validate_set

DATA = Path(__file__).parent / "data"


@cache
def shipped(code: str) -> CriteriaSet:
    """The shipped set ``code`` (its file is ``code.yaml``)."""
    for path in list_shipped_sets():
        if path.stem == code:
            return load_set_file(path)
    raise LookupError(code)


def set_1048() -> CriteriaSet:
    return shipped("1048-rau-cu-qua-hat-tuoi")


def set_148() -> CriteriaSet:
    return shipped("148-rau-cu-qua-hat-tuoi-minh-hoa")


@cache
def small_set() -> CriteriaSet:
    return load_set_file(DATA / "valid-small.yaml")


def all_sets() -> list[CriteriaSet]:
    return [set_1048(), set_148(), small_set()]


def answers_for(criteria_set: CriteriaSet) -> st.SearchStrategy[dict[str, str]]:
    """Random complete answers for a set."""
    return st.fixed_dictionaries(
        {c.code: st.sampled_from([o.code for o in c.options]) for c in criteria_set.criteria}
    )


def best_answers(criteria_set: CriteriaSet) -> dict[str, str]:
    return {c.code: max(c.options, key=lambda o: o.points).code for c in criteria_set.criteria}


def worst_answers(criteria_set: CriteriaSet) -> dict[str, str]:
    return {c.code: min(c.options, key=lambda o: o.points).code for c in criteria_set.criteria}


def _split(total: int, pieces: int, draw: Any) -> list[int]:
    """Split ``total`` hundredths into ``pieces`` positive integers."""
    cuts = sorted(
        draw(
            st.lists(
                st.integers(1, total - 1), min_size=pieces - 1, max_size=pieces - 1, unique=True
            )
        )
    )
    bounds = [0, *cuts, total]
    return [b - a for a, b in pairwise(bounds)]


@st.composite
def random_sets(draw: Any, max_criteria_per_part: int = 3) -> CriteriaSet:
    """Small random valid sets: 3 parts summing to 100, decimals, bonus criteria, rules."""
    a = draw(st.integers(20, 60))
    b = draw(st.integers(10, 90 - a))
    part_max = {"A": a, "B": b, "C": 100 - a - b}
    parts: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    for code, maximum in part_max.items():
        parts.append({
            "code": code, "label_vi": f"Phần {code}", "max_points": maximum,
            "groups": [{"code": f"{code}.1", "label_vi": "Nhóm"}],
        })  # fmt: skip
        count = draw(st.integers(1, max_criteria_per_part))
        # Work in hundredths so that the generated sets exercise 2-decimal points.
        maxima = _split(maximum * 100, count, draw) if count > 1 else [maximum * 100]
        for index, top in enumerate(maxima, start=1):
            others = draw(st.lists(st.integers(0, top - 1), max_size=3, unique=True))
            points = sorted({*others, top})
            draw(st.randoms()).shuffle(points)
            criteria.append({
                "code": f"{code}{index}", "part": code, "group": f"{code}.1",
                "label_vi": f"Tiêu chí {code}{index}",
                "options": [
                    {"code": chr(ord("a") + i), "label_vi": f"Mức {i}",
                     "points": str(Decimal(p) / 100)}
                    for i, p in enumerate(points)
                ],
            })  # fmt: skip
        if draw(st.booleans()):
            bonus_points = draw(st.integers(1, 500))
            criteria.append({
                "code": f"{code}K", "part": code, "group": f"{code}.1", "bonus": True,
                "label_vi": "Khuyến khích",
                "options": [{"code": "a", "label_vi": "Không", "points": 0},
                            {"code": "b", "label_vi": "Có",
                             "points": str(Decimal(bonus_points) / 100)}],
            })  # fmt: skip
    rules: list[dict[str, Any]] = []
    for index in range(draw(st.integers(0, 2))):
        crit = draw(st.sampled_from(criteria))
        rule: dict[str, Any] = {
            "code": f"M{index}", "min_stars": draw(st.integers(2, 5)),
            "criterion": crit["code"], "message_vi": "Quy tắc thử.",
        }  # fmt: skip
        option_codes = [o["code"] for o in crit["options"]]
        if draw(st.booleans()):
            rule["one_of"] = draw(st.lists(st.sampled_from(option_codes), min_size=1, unique=True))
        else:
            rule["min_points"] = draw(st.sampled_from([o["points"] for o in crit["options"]]))
        rules.append(rule)
    data = {
        "code": "random", "version": 1, "title_vi": "Ngẫu nhiên", "title_en": "Random",
        "legal_basis": {"decision": "X", "date": "2024-01-01", "effective_from": "2024-01-01"},
        "status": {"kind": "illustrative", "warning_vi": "Thử nghiệm."},
        "applies_to": {"group": "1"},
        "parts": parts, "criteria": criteria, "mandatory": rules,
    }  # fmt: skip
    return validate_set(data, source="<random>")


@st.composite
def set_and_answers(draw: Any) -> tuple[CriteriaSet, dict[str, str]]:
    criteria_set = draw(st.one_of(st.sampled_from(all_sets()), random_sets()))
    return criteria_set, draw(answers_for(criteria_set))
