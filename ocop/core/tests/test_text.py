import pytest

from ocop.core.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Vải thiều Lục Ngạn", "vai thieu luc ngan"),
        ("  ĐẮK   LẮK\t", "dak lak"),
        ("Thuỵ Hoà", "thuy hoa"),
        ("Thụy Hòa", "thuy hoa"),
        ("Phường Văn Miếu - Quốc Tử Giám", "phuong van mieu - quoc tu giam"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded
