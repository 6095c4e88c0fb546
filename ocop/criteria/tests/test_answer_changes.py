"""Answer changes from a sheet form: one check for the self-assessment and the council sheet."""

import pytest
from django.core.exceptions import ValidationError

from ocop.criteria import services
from ocop.criteria.answers import clean_answer_changes

from .helpers import set_1048

SET_1048 = "1048-rau-cu-qua-hat-tuoi"


def test_engine_keeps_good_changes_clears_blanks_and_names_each_problem() -> None:
    criteria_set = set_1048()
    first, second = criteria_set.criteria[:2]
    clean, problems = criteria_set.answer_changes({
        first.code: first.options[0].code, second.code: "", "Z9": "a", 7: "a",
        first.code + "x": None,
    })
    assert clean == {first.code: first.options[0].code, second.code: None}
    assert [(p.criterion, p.field) for p in problems] == [
        ("Z9", "criterion"), ("7", "criterion"), (first.code + "x", "criterion")]
    clean, problems = criteria_set.answer_changes({first.code: "zz", second.code: 3})
    assert clean == {}
    assert [(p.criterion, p.option, p.field) for p in problems] == [
        (first.code, "zz", "option"), (second.code, "3", "option")]


@pytest.mark.django_db
def test_clean_answer_changes_words_every_problem_for_the_user() -> None:
    [version] = services.load_shipped_sets(codes=(SET_1048,))
    code = set_1048().criteria[0].code
    assert clean_answer_changes(version, {code: ""}) == {code: None}
    with pytest.raises(ValidationError) as exc:
        clean_answer_changes(version, {code: "zz", "Z9": "a"})
    assert exc.value.message_dict == {
        code: [f"Tiêu chí {code}: phương án “zz” không hợp lệ."],
        "Z9": ["Tiêu chí “Z9” không có trong bộ tiêu chí."],
    }
    with pytest.raises(ValidationError) as exc:
        clean_answer_changes(version, {"Z9": "a"}, unknown="Không có “%(code)s”.")
    assert exc.value.message_dict == {"Z9": ["Không có “Z9”."]}
