"""Vietnamese personal names for synthetic people, weighted roughly as in northern provinces.

Thân and Giáp are surnames typical of Bắc Giang; the ethnic-minority list holds surnames common
among the Tày, Nùng, Sán Dìu and Dao of Sơn Động and Lục Ngạn.
"""

from __future__ import annotations

import random

SURNAMES: list[tuple[str, int]] = [
    ("Nguyễn", 34), ("Trần", 10), ("Lê", 8), ("Phạm", 6), ("Hoàng", 5), ("Vũ", 4),
    ("Đỗ", 3), ("Ngô", 3), ("Dương", 3), ("Đặng", 2), ("Bùi", 2), ("Đinh", 2),
    ("Thân", 4), ("Giáp", 3), ("Hà", 2), ("Lương", 1), ("Chu", 1), ("Phùng", 1),
    ("Trịnh", 1), ("Vi", 1), ("Tạ", 1), ("Lưu", 1),
]
MINORITY_SURNAMES: list[tuple[str, int]] = [
    ("Hoàng", 4), ("Nông", 3), ("Lục", 2), ("Triệu", 3), ("La", 2), ("Bế", 1),
    ("Lộc", 2), ("Đàm", 1), ("Nịnh", 1), ("Vi", 2), ("Lường", 1), ("Chìu", 1),
]
MALE_MIDDLE = ["Văn", "Văn", "Văn", "Đức", "Hữu", "Quang", "Minh", "Xuân", "Ngọc", "Thế"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Kim"]
MALE_GIVEN = [
    "Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Long", "Nam", "Cường", "Quyết", "Tiến", "Hòa",
    "Bình", "Sơn", "Thành", "Trung", "Việt", "Hiếu", "Khánh", "Phong", "Toàn", "Mạnh", "Lực",
    "Huy", "Chiến", "Thịnh", "Tùng", "Đạt", "Vinh", "Kiên", "Hưng",
]
FEMALE_GIVEN = [
    "Hoa", "Hương", "Lan", "Mai", "Hằng", "Nga", "Thủy", "Thảo", "Huyền", "Loan", "Nhung",
    "Yến", "Hạnh", "Liên", "Phương", "Trang", "Linh", "Dung", "Oanh", "Xuân", "Tuyết",
    "Hiền", "Quyên", "Vân", "Ngân",
]


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([n for n, _ in items], weights=[w for _, w in items], k=1)[0]


def person_name(rng: random.Random, *, woman: bool, minority: bool = False) -> str:
    surname = _weighted(rng, MINORITY_SURNAMES if minority else SURNAMES)
    middle = rng.choice(FEMALE_MIDDLE if woman else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if woman else MALE_GIVEN)
    return f"{surname} {middle} {given}"
