"""Evaluation levels (cấp đánh giá) as configuration bound to their legal basis.

- Decision 148/QĐ-TTg (24/02/2023), until 30/06/2025: the district evaluates and recognises 3★,
  the province 4★, the centre 5★ (ocop-facts.md §1.7). A dossier enters at the district and is
  proposed up level by level.
- Decision 1489/QĐ-TTg (06/07/2025) amends 148 for the two-tier local government in force from
  01/07/2025: the province evaluates 3★ and 4★, the centre 5★; the commune first checks some
  contents of the dossier (local raw materials, local labour, origin of the product idea — the
  full list was not found, ocop-facts.md §2) and has no authority to rate.

The switch date is the day the two-tier map took effect (01/07/2025); 1489 was signed on
06/07/2025 but addresses that map, so dossiers submitted from 01/07/2025 follow it.

Part of the rulebook (``ocop.rules``); the dossiers, evaluation and certificates apps read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from ocop.rules.councils import CENTRAL_COUNCIL_QUORUM_MIN

REFORM_DATE = date(2025, 7, 1)

DISTRICT, PROVINCE, CENTRAL = "district", "province", "central"
LEVEL_CHOICES = [
    (DISTRICT, _("Cấp huyện")),
    (PROVINCE, _("Cấp tỉnh")),
    (CENTRAL, _("Cấp trung ương")),
]
LEVEL_LABELS = dict(LEVEL_CHOICES)

# Procedures a dossier can follow; stored on the dossier when it is first submitted.
THREE_LEVEL, TWO_LEVEL = "148_2023", "1489_2025"
PROCEDURE_CHOICES = [
    (THREE_LEVEL, _("QĐ 148/QĐ-TTg: huyện → tỉnh → trung ương")),
    (TWO_LEVEL, _("QĐ 1489/QĐ-TTg: xã kiểm tra → tỉnh → trung ương")),
]


@dataclass(frozen=True)
class EvaluationLevel:
    code: str
    label_vi: str
    stars: tuple[int, ...]  # the ratings this level may recognise
    unit_level: str | None  # administrative level of the issuing unit (None: the ministry)


@dataclass(frozen=True)
class PreCheckItem:
    code: str
    label_vi: str


@dataclass(frozen=True)
class LegalBasis:
    procedure: str
    label_vi: str
    valid_from: date | None
    valid_to: date | None
    levels: tuple[EvaluationLevel, ...]  # in evaluation order: a dossier enters at levels[0]
    commune_precheck: tuple[PreCheckItem, ...]

    @property
    def entry_level(self) -> EvaluationLevel:
        return self.levels[0]

    @property
    def requires_commune_precheck(self) -> bool:
        return bool(self.commune_precheck)

    def level(self, code: str) -> EvaluationLevel:
        for lv in self.levels:
            if lv.code == code:
                return lv
        raise KeyError(code)

    def next_level(self, code: str) -> EvaluationLevel | None:
        codes = [lv.code for lv in self.levels]
        i = codes.index(code)
        return self.levels[i + 1] if i + 1 < len(self.levels) else None

    def level_for_stars(self, stars: int) -> EvaluationLevel:
        """The level that recognises ``stars`` (where a dossier aiming at them ends)."""
        for lv in self.levels:
            if stars in lv.stars:
                return lv
        raise KeyError(stars)


BASES: tuple[LegalBasis, ...] = (
    LegalBasis(
        procedure=THREE_LEVEL,
        label_vi=_("Quyết định 148/QĐ-TTg ngày 24/02/2023"),
        valid_from=date(2023, 2, 24),
        valid_to=date(2025, 6, 30),
        levels=(
            EvaluationLevel(DISTRICT, _("Cấp huyện"), (3,), "district"),
            EvaluationLevel(PROVINCE, _("Cấp tỉnh"), (4,), "province"),
            EvaluationLevel(CENTRAL, _("Cấp trung ương"), (5,), None),
        ),
        commune_precheck=(),
    ),
    LegalBasis(
        procedure=TWO_LEVEL,
        label_vi=_("Quyết định 148/QĐ-TTg sửa đổi bởi Quyết định 1489/QĐ-TTg ngày 06/07/2025"),
        valid_from=REFORM_DATE,
        valid_to=None,
        levels=(
            EvaluationLevel(PROVINCE, _("Cấp tỉnh"), (3, 4), "province"),
            EvaluationLevel(CENTRAL, _("Cấp trung ương"), (5,), None),
        ),
        commune_precheck=(
            PreCheckItem("local_raw_materials", _("Nguồn gốc sản phẩm và nguyên liệu địa phương")),
            PreCheckItem("local_labour", _("Sử dụng lao động địa phương")),
            PreCheckItem("idea_origin", _("Nguồn gốc ý tưởng sản phẩm")),
        ),
    ),
)
_BY_PROCEDURE = {b.procedure: b for b in BASES}


def levels_in_force(on: date) -> LegalBasis:
    """The legal basis (levels and commune pre-check) in force on ``on``.

    Days before 148 fall back to the 148 levels: the platform does not model 1048, under which
    the district only screened (ocop-facts.md §1.7)."""
    return BASES[1] if on >= REFORM_DATE else BASES[0]


def basis(procedure: str) -> LegalBasis:
    return _BY_PROCEDURE[procedure]


def default_quorum_min(level: str) -> int | None:
    """The fixed quorum of a council at ``level``, when the level has one: the central council
    meets with at least 5 of its 7 members (``ocop.rules.councils``); other councils use the
    75 % ratio (None)."""
    return CENTRAL_COUNCIL_QUORUM_MIN if level == CENTRAL else None
