from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from ocop.registry import validators as v

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _tax_check(nine: str) -> int | None:
    # Written out again here (not imported) so that the test checks the rule, not the code.
    r = 10 - sum(int(d) * w for d, w in zip(nine, WEIGHTS, strict=True)) % 11
    return None if r == 10 else r


def _gtin_check(payload: str) -> int:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def _change_one_digit(code: str, position: int, delta: int) -> str:
    digits = list(code)
    digits[position] = str((int(digits[position]) + delta) % 10)
    return "".join(digits)


nine_digits = st.text("0123456789", min_size=9, max_size=9).filter(
    lambda s: _tax_check(s) is not None
)


@given(nine=nine_digits, position=st.integers(0, 9), delta=st.integers(1, 9))
def test_tax_code_valid_accepted_and_any_single_digit_change_rejected(nine, position, delta):
    code = nine + str(_tax_check(nine))
    assert v.normalise_tax_code(code) == code
    with pytest.raises(ValidationError) as exc:
        v.normalise_tax_code(_change_one_digit(code, position, delta))
    assert "tax_code" in exc.value.message_dict


@given(
    length=st.sampled_from([8, 12, 13, 14]),
    data=st.data(),
    delta=st.integers(1, 9),
)
def test_gtin_valid_accepted_and_any_single_digit_change_rejected(length, data, delta):
    payload = data.draw(st.text("0123456789", min_size=length - 1, max_size=length - 1))
    code = payload + str(_gtin_check(payload))
    assert v.normalise_gtin(code) == code
    position = data.draw(st.integers(0, length - 1))
    with pytest.raises(ValidationError) as exc:
        v.normalise_gtin(_change_one_digit(code, position, delta))
    assert "chữ số kiểm tra" in exc.value.message_dict["gtin"][0]


def test_tax_code_known_real_codes_and_forms():
    assert v.normalise_tax_code(" 0100109106 ") == "0100109106"
    assert v.normalise_tax_code("0100109106-001") == "0100109106-001"
    # 13 digits without the dash are normalised to the dash form.
    assert v.normalise_tax_code("0100109106001") == "0100109106-001"


@pytest.mark.parametrize("bad", ["", "123", "01001091061", "010010910A", "0100109107",
                                 "0100109107-001", "0100109106-000", "0100109106/001"])
def test_tax_code_rejected_with_vietnamese_message(bad):
    with pytest.raises(ValidationError) as exc:
        v.normalise_tax_code(bad)
    assert "Mã số thuế" in exc.value.message_dict["tax_code"][0]


def test_tax_code_whose_rule_gives_ten_is_never_valid():
    # Find first 9 digits for which 10 - sum mod 11 == 10: no final digit can make them valid.
    nine = next(f"{n:09d}" for n in range(10**6) if _tax_check(f"{n:09d}") is None)
    for last in "0123456789":
        with pytest.raises(ValidationError):
            v.normalise_tax_code(nine + last)


def test_gtin_length_and_blank():
    assert v.normalise_gtin("") is None
    assert v.normalise_gtin(None) is None
    with pytest.raises(ValidationError) as exc:
        v.normalise_gtin("12345")
    assert "8, 12, 13 hoặc 14" in exc.value.message_dict["gtin"][0]


def test_producer_rules_collect_all_errors():
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        v.clean_producer_data({"tax_code": "0100109107", "employees": 5, "local_employees": 6,
                               "members": -1, "business_reg_date": tomorrow})
    errors = exc.value.message_dict
    assert set(errors) == {"tax_code", "local_employees", "members", "business_reg_date"}
    assert "không được ở tương lai" in errors["business_reg_date"][0]
    assert "không được lớn hơn" in errors["local_employees"][0]


def test_producer_rules_pass_and_normalise():
    out = v.clean_producer_data({"tax_code": "0100109106001", "employees": 5,
                                 "local_employees": 5, "business_reg_date": timezone.localdate()})
    assert out["tax_code"] == "0100109106-001"


def test_document_dates():
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        v.clean_document_data({"issued_on": today, "expires_on": today - timedelta(days=1)})
    assert "expires_on" in exc.value.message_dict
