"""The shipped sets and the classification load, validate and say what they are."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ocop.criteria.engine import (
    CriteriaSetError,
    dump_set_yaml,
    list_shipped_sets,
    load_classification,
    load_set_file,
    load_set_text,
    shipped_sets_dir,
)

from .helpers import set_148, set_1048


def test_shipped_files_are_listed_and_all_validate() -> None:
    paths = list_shipped_sets()
    names = {p.name for p in paths}
    assert {"1048-rau-cu-qua-hat-tuoi.yaml", "148-rau-cu-qua-hat-tuoi-minh-hoa.yaml",
            "148-mat-ong-minh-hoa.yaml", "148-dich-vu-du-lich-cong-dong-minh-hoa.yaml"} <= names
    assert len(names) == 27  # the 1048 reconstruction + one 148 sheet per product set
    assert all(p.parent == shipped_sets_dir() for p in paths)
    for path in paths:
        assert load_set_file(path).source == str(path)


def test_1048_sheet_matches_the_reconstruction() -> None:
    s = set_1048()
    assert s.status.kind == "reconstructed"
    assert "Phụ lục" in (s.status.warning_vi or "")
    assert [(p.code, p.max_points) for p in s.parts] == [
        ("A", Decimal(35)), ("B", Decimal(25)), ("C", Decimal(40)),
    ]  # fmt: skip
    assert len(s.criteria) == 31
    assert not any(c.bonus for c in s.criteria)
    # Criterion 11: the household rows are alternatives, max 2 (ocop-facts.md §1.5 note).
    c11 = s.criterion("A11")
    assert c11 is not None and c11.max_points == 2 and len(c11.options) == 4
    expected_max = {
        "A1": 3, "A2": 3, "A3": 4, "A4": 2, "A5": 5, "A6": 1, "A7": 3, "A8": 3, "A9": 2,
        "A10": 3, "A11": 2, "A12": 1, "A13": 1, "A14": 2, "B15": 5, "B16": 5, "B17": 5,
        "B18": 5, "B19": 3, "B20": 2, "C21": 2, "C22": 8, "C23": 3, "C24": 3, "C25": 2,
        "C26": 2, "C27": 5, "C28": 2, "C29": 3, "C30": 5, "C31": 5,
    }  # fmt: skip
    assert {c.code: int(c.max_points) for c in s.criteria} == expected_max
    assert [int(o.points) for o in s.criterion("C22").options] == [0, 1, 3, 5, 8]  # type: ignore[union-attr]
    assert s.mandatory == ()
    assert s.applies_to.product_set == "1048-01"


def test_148_sheet_is_illustrative_with_148_novelties() -> None:
    s = set_148()
    assert s.status.kind == "illustrative"
    assert "chưa phải bộ chính thức" in (s.status.warning_vi or "")
    assert [(p.code, p.max_points) for p in s.parts] == [
        ("A", Decimal(40)), ("B", Decimal(25)), ("C", Decimal(35)),
    ]  # fmt: skip
    labels = " ".join(c.label_vi for c in s.criteria)
    assert "Sở hữu trí tuệ" in labels and "hướng dẫn sử dụng" in labels
    bonus = [c for c in s.criteria if c.bonus]
    assert {c.code for c in bonus} == {"A-KK1", "A-KK2"}
    assert any("phụ nữ" in c.label_vi for c in bonus)
    assert any("dân tộc thiểu số" in c.label_vi for c in bonus)
    # More weight on local raw materials and labour than in 1048.
    assert s.criterion("A1").max_points > set_1048().criterion("A1").max_points  # type: ignore[union-attr]
    assert s.criterion("A14").max_points > set_1048().criterion("A12").max_points  # type: ignore[union-attr]
    three_star = [r for r in s.mandatory if r.min_stars == 3]
    assert len(three_star) >= 2
    assert all("Minh họa" in r.message_vi for r in s.mandatory)


def test_classification_has_six_groups_subgroups_and_26_product_sets() -> None:
    cl = load_classification()
    assert [g.code for g in cl.groups] == ["1", "2", "3", "4", "5", "6"]
    assert cl.group("5").name_vi == "Sinh vật cảnh"  # type: ignore[union-attr]
    assert len(cl.product_sets) == 26
    assert cl.product_set("1048-01").name_vi == "Rau, củ, quả, hạt tươi"  # type: ignore[union-attr]
    assert "NOT official" in (cl.product_sets_note or "")
    unconfirmed = [s for s in cl.subgroups if not s.confirmed]
    assert [s.code for s in unconfirmed] == ["1.3.d"]
    for s in (set_1048(), set_148()):
        assert cl.check_applies_to(s) == []
    assert cl.to_dict()["groups"][0]["name_en"] == "Food"


def test_applies_to_unknown_codes_are_reported() -> None:
    text = dump_set_yaml(set_1048()).replace("product_set: 1048-01", "product_set: 1048-99")
    s = load_set_text(text)
    problems = load_classification().check_applies_to(s)
    assert [p.field for p in problems] == ["product_set"]


@pytest.mark.parametrize("prefix", ["1048", "148"])
def test_yaml_dump_round_trip(prefix: str) -> None:
    original = set_1048() if prefix == "1048" else set_148()
    again = load_set_text(dump_set_yaml(original), source="dump")
    assert again == original


def test_yaml_duplicate_keys_and_syntax_errors_are_rejected() -> None:
    with pytest.raises(CriteriaSetError) as err:
        load_set_text("code: a\ncode: b\n", source="dup.yaml")
    assert "duplicate key 'code'" in str(err.value)
    assert "dup.yaml" in str(err.value)
    with pytest.raises(CriteriaSetError) as err:
        load_set_text("code: [unclosed\n", source="bad.yaml")
    assert "not valid YAML" in str(err.value) and "line" in str(err.value)


def test_set_to_dict_is_json_ready() -> None:
    import json

    data = set_148().to_dict()
    json.dumps(data)
    assert data["parts"][0]["max_points"] == "40.00"
    assert data["criteria"][0]["options"][0]["points"] == "1.00"
    assert data["legal_basis"]["date"] == "2023-02-24"
    assert data["version"] == 1 and data["criteria_count"] == 33
