"""The pure diff between two versions' data, and one product's answers against a new version."""

from __future__ import annotations

import copy
from decimal import Decimal

from ocop.criteria import diff
from ocop.criteria.services import canonical_data
from ocop.criteria.tests.helpers import set_148

D = Decimal


def _data() -> dict:
    return copy.deepcopy(canonical_data(set_148()))


def _criterion(data: dict, code: str) -> dict:
    return next(c for c in data["criteria"] if c["code"] == code)


def test_identical_versions_have_no_changes():
    assert diff.diff_sets(_data(), _data()) == []


def test_every_kind_of_change_is_named():
    old, new = _data(), _data()
    new["parts"][0]["label_vi"] = "Sản phẩm và cộng đồng"
    a1 = _criterion(new, "A1")
    a1["options"][2]["points"] = 3  # changed points
    a1["options"].append({"code": "e", "label_vi": "Mới", "points": 5})  # added option
    del _criterion(new, "A2")["options"][0]  # removed option
    _criterion(new, "A3")["max_points"] = 4
    _criterion(new, "A3")["bonus"] = True
    removed = next(c for c in new["criteria"] if c["code"] == "B1")
    new["criteria"].remove(removed)
    new["criteria"].append({**removed, "code": "B9", "label_vi": "Tiêu chí mới"})
    new["mandatory"][0]["min_points"] = 3
    del new["mandatory"][1]
    changes = {(c.kind, c.subject, c.code, c.field): (c.before, c.after)
               for c in diff.diff_sets(old, new)}
    old_a2_a = _criterion(old, "A2")["options"][0]
    old_rule = old["mandatory"][1]["code"]
    assert changes == {
        (diff.CHANGED, diff.PART, "A", "label_vi"):
            ("Các tiêu chí đánh giá về sản phẩm và sức mạnh cộng đồng", "Sản phẩm và cộng đồng"),
        (diff.CHANGED, diff.OPTION, "A1 / c", "points"): (D(4), D(3)),
        (diff.ADDED, diff.OPTION, "A1 / e", None): (None, D(5)),
        (diff.REMOVED, diff.OPTION, f"A2 / {old_a2_a['code']}", None):
            (D(str(old_a2_a["points"])).normalize(), None),
        (diff.CHANGED, diff.CRITERION, "A3", "max_points"):
            (D(str(_criterion(old, "A3")["max_points"])).normalize(), D(4)),
        (diff.CHANGED, diff.CRITERION, "A3", "bonus"): (False, True),
        (diff.ADDED, diff.CRITERION, "B9", None): (None, D(str(removed["max_points"]))),
        (diff.REMOVED, diff.CRITERION, "B1", None): (D(str(removed["max_points"])), None),
        (diff.CHANGED, diff.RULE, "M3-ATTP", "min_points"): (D(2), D(3)),
        (diff.REMOVED, diff.RULE, old_rule, None): (None, None),
    }


def test_points_written_differently_are_equal():
    old, new = _data(), _data()
    _criterion(new, "A1")["options"][0]["points"] = "1.00"
    assert diff.diff_sets(old, new) == []


def test_previous_answers_against_a_new_version():
    old, new = _data(), _data()
    _criterion(new, "A1")["options"][2]["points"] = 3
    del _criterion(new, "A2")["options"][1]
    new["criteria"] = [c for c in new["criteria"] if c["code"] != "B1"]
    new["criteria"].append({**_criterion(old, "B1"), "code": "B9"})
    a2_b = _criterion(old, "A2")["options"][1]["code"]
    answers = {"A1": "c", "A2": a2_b, "B1": "a", "A4": "a", "ZZ": "a"}
    changes = diff.answers_against(old, answers, new)
    assert [(c.kind, c.criterion, c.option, c.before, c.after, c.lost) for c in changes] == [
        (diff.POINTS_CHANGED, "A1", "c", D(4), D(3), True),
        (diff.OPTION_REMOVED, "A2", a2_b,
         D(str(_criterion(old, "A2")["options"][1]["points"])).normalize(), None, True),
        (diff.CRITERION_REMOVED, "B1", "a",
         D(str(_criterion(old, "B1")["options"][0]["points"])).normalize(), None, True),
        (diff.CRITERION_NEW, "B9", None, None, None, False),
    ]


def test_more_points_for_the_same_answer_is_not_a_loss():
    old, new = _data(), _data()
    _criterion(new, "A1")["options"][0]["points"] = 2
    (change,) = diff.answers_against(old, {"A1": "a"}, new)
    assert change.kind == diff.POINTS_CHANGED and not change.lost
