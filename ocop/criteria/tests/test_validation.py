"""Each kind of broken set is rejected with a message naming the file and the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ocop.criteria.engine import CriteriaSetError, load_set_file, load_set_text, validate_set
from ocop.criteria.engine.loader import parse_yaml

from .helpers import DATA

CASES: list[tuple[str, list[dict[str, Any]]]] = [
    ("broken-duplicate-criterion.yaml",
     [{"criterion": "A1", "text": "duplicate criterion code"}]),
    ("broken-duplicate-option.yaml",
     [{"criterion": "B1", "option": "b", "text": "duplicate option code"}]),
    ("broken-option-above-max.yaml",
     [{"criterion": "B1", "option": "c", "field": "points",
       "text": "exceed the criterion maximum 20"}]),
    ("broken-negative-points.yaml",
     [{"criterion": "C1", "option": "a", "text": "negative points"}]),
    ("broken-part-unreachable.yaml",
     [{"part": "C", "text": "cannot be reached"}]),
    ("broken-part-exceeds.yaml",
     [{"part": "A", "text": "more than the part maximum 40"}]),
    ("broken-parts-not-100.yaml",
     [{"field": "parts", "text": "add up to 95, they must add up to 100"}]),
    ("broken-rule-unknown-criterion.yaml",
     [{"rule": "M3", "text": "unknown criterion 'C9'"}]),
    ("broken-rule-unknown-option.yaml",
     [{"rule": "M4", "option": "z", "text": "unknown option 'z'"}]),
    ("broken-missing-fields.yaml",
     [{"field": "title_en", "text": "required field is missing"},
      {"criterion": "B1", "field": "label_vi", "text": "required field is missing"}]),
    ("broken-wrong-types.yaml",
     [{"field": "version", "text": "whole number"},
      {"field": "applies_to.group", "text": "quote it in YAML"},
      {"criterion": "AK", "field": "bonus", "text": "true or false"},
      {"criterion": "C1", "option": "b", "field": "points", "text": "expected a number"}]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_broken_set_is_rejected_with_exact_problems(
    name: str, expected: list[dict[str, Any]]
) -> None:
    path = DATA / name
    with pytest.raises(CriteriaSetError) as err:
        load_set_file(path)
    problems = err.value.problems
    # Exactly the expected problems: no follow-on noise from the same mistake.
    assert len(problems) == len(expected), [str(p) for p in problems]
    for problem, want in zip(problems, expected, strict=True):
        assert problem.source == str(path)
        assert want["text"] in problem.message, str(problem)
        for key in ("criterion", "option", "rule", "part", "field"):
            if key in want:
                assert getattr(problem, key) == want[key], str(problem)
        # The rendered text names the file and the code too.
        text = str(problem)
        assert name in text
        for key in ("criterion", "option", "rule", "part"):
            if key in want:
                assert want[key] in text


def test_the_base_fixture_is_valid() -> None:
    s = load_set_file(DATA / "valid-small.yaml")
    assert s.key == "test-small@v3"
    assert s.criterion("A2").option("b").points == pytest.approx(5.5)  # type: ignore[union-attr]


def _base() -> dict[str, Any]:
    return parse_yaml((DATA / "valid-small.yaml").read_text(encoding="utf-8"), "base")


def _problems(data: Any) -> list[str]:
    with pytest.raises(CriteriaSetError) as err:
        validate_set(data, source="inline")
    return [str(p) for p in err.value.problems]


def test_not_a_mapping() -> None:
    assert _problems([1, 2]) == [
        "inline: the criteria set must be a mapping (key: value), got a list"
    ]


def test_unknown_fields_are_typos() -> None:
    data = _base()
    data["criteria"][0]["max_point"] = 20
    assert any("unknown field 'max_point'" in p and "criterion A1" in p for p in _problems(data))


def test_more_than_two_decimals_and_booleans_as_points() -> None:
    data = _base()
    data["criteria"][0]["options"][1]["points"] = 10.005
    data["criteria"][1]["options"][1]["points"] = True
    problems = _problems(data)
    assert any("at most 2 decimal places" in p and "criterion A1, option b" in p for p in problems)
    assert any("boolean" in p and "criterion A2, option b" in p for p in problems)


def test_declared_max_above_every_option() -> None:
    data = _base()
    data["criteria"][0]["max_points"] = 25
    data["criteria"][1]["options"][2]["points"] = 15
    problems = _problems(data)
    assert any("no option reaches the declared maximum 25" in p for p in problems)


def test_rule_shapes() -> None:
    data = _base()
    data["mandatory"][0]["one_of"] = ["a"]  # both min_points and one_of
    data["mandatory"][1]["min_stars"] = 1
    data["mandatory"].append(
        {"code": "M9", "min_stars": 3, "criterion": "A1", "min_points": 99, "message_vi": "x"}
    )
    data["mandatory"].append(dict(data["mandatory"][2]))
    problems = _problems(data)
    assert any("exactly one of 'min_points' or 'one_of'" in p and "rule M3" in p for p in problems)
    assert any("min_stars must be between 2 and 5" in p and "rule M4" in p for p in problems)
    assert any("could never pass" in p and "rule M9" in p for p in problems)
    assert any("duplicate mandatory rule code" in p for p in problems)


def test_structure_errors() -> None:
    data = _base()
    data["criteria"][0]["part"] = "Z"
    data["criteria"][1]["group"] = "B.1"
    data["criteria"][3]["options"] = []
    data["status"] = {"kind": "reconstructed"}
    data["legal_basis"]["effective_to"] = "2020-01-01"
    data["code"] = "Has Spaces"
    problems = _problems(data)
    assert any("unknown part 'Z'" in p for p in problems)
    assert any("group 'B.1' belongs to part B, not to part A" in p for p in problems)
    assert any("criterion B1" in p and "at least one option" in p for p in problems)
    assert any("needs a Vietnamese warning text" in p for p in problems)
    assert any("legal_basis.effective_to" in p and "before effective_from" in p for p in problems)
    assert any("invalid set code" in p for p in problems)


def test_text_loader_names_the_source(tmp_path: Path) -> None:
    with pytest.raises(CriteriaSetError) as err:
        load_set_text("code: x\n", source="upload.yaml")
    assert all(p.source == "upload.yaml" for p in err.value.problems)
    missing = tmp_path / "nope.yaml"
    with pytest.raises(CriteriaSetError) as err:
        load_set_file(missing)
    assert "cannot read the file" in str(err.value)
    assert err.value.to_dict()["problems"][0]["source"] == str(missing)
