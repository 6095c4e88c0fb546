"""The in-memory form of a criteria set (bộ tiêu chí) and the engine's error types.

Everything here is immutable: a loaded set is shared by many evaluations (and, in the web app,
by many requests), so nothing may change it after validation. Look-up dictionaries are built
once in ``__post_init__`` because evaluation is on the hot path (councils of 5–9 members,
thousands of sheets per round).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .numbers import plain_number, to_units

#: Lower bound of each star band (phân hạng), 148 wording: 5★ 90–100, 4★ 70–<90,
#: 3★ 50–<70, 2★ 30–<50, 1★ <30. Highest first so the first match wins.
STAR_BANDS: tuple[tuple[int, Decimal], ...] = (
    (5, Decimal(90)),
    (4, Decimal(70)),
    (3, Decimal(50)),
    (2, Decimal(30)),
    (1, Decimal(0)),
)
# Which of these bands receive a certificate is the rulebook's (ocop.rules.certification).
MAX_STARS = 5
TOTAL_POINTS = Decimal(100)

#: Allowed values of ``status.kind``; anything but "official" must carry a warning text.
STATUS_KINDS = ("official", "reconstructed", "illustrative", "draft")


def star_threshold(stars: int) -> Decimal:
    """Minimum total for a star band (0 for 1★)."""
    for band, low in STAR_BANDS:
        if band == stars:
            return low
    raise ValueError(f"stars must be 1–5, got {stars!r}")


def star_for_total(total: Decimal | int) -> int:
    """Star band (1–5) of a total score, compared exactly (no rounding first).

    A council mean of 49.996 is 2★ even though it prints as 50.00: the rule says "from 50",
    and rounding before comparing would certify a product that did not reach the bar.
    """
    if isinstance(total, bool) or not isinstance(total, (Decimal, int)):
        raise TypeError(f"total must be a Decimal or int, got {type(total).__name__}")
    value = Decimal(total)
    if not value.is_finite() or value < 0 or value > TOTAL_POINTS:
        raise ValueError(f"total must be between 0 and 100, got {total}")
    for stars, low in STAR_BANDS:
        if value >= low:
            return stars
    raise AssertionError("unreachable: the 1★ band starts at 0")  # pragma: no cover


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a set, an Excel file or a set of answers.

    The structured fields (criterion, option, rule, part, field) let callers point at the
    right place: the Excel importer turns them into "sheet, row, column"; the web form
    highlights the offending criterion.
    """

    message: str
    source: str | None = None
    criterion: str | None = None
    option: str | None = None
    rule: str | None = None
    part: str | None = None
    field: str | None = None
    location: str | None = None

    @property
    def where(self) -> str:
        bits: list[str] = []
        if self.part is not None:
            bits.append(f"part {self.part}")
        if self.rule is not None:
            bits.append(f"mandatory rule {self.rule}")
        if self.criterion is not None:
            bits.append(f"criterion {self.criterion}")
        if self.option is not None:
            bits.append(f"option {self.option}")
        if self.field is not None:
            bits.append(f"field '{self.field}'")
        return ", ".join(bits)

    def __str__(self) -> str:
        head = ", ".join(b for b in (self.source, self.location) if b)
        where = self.where
        parts = [p for p in (head, where) if p]
        return ": ".join([*parts, self.message]) if parts else self.message

    def to_dict(self) -> dict[str, str]:
        data = {
            "message": self.message,
            "source": self.source,
            "location": self.location,
            "part": self.part,
            "criterion": self.criterion,
            "option": self.option,
            "rule": self.rule,
            "field": self.field,
            "text": str(self),
        }
        return {k: v for k, v in data.items() if v is not None}


class _ProblemsError(ValueError):
    """Base for errors that carry every problem found, not just the first one.

    An administrator fixing an annex transcription wants the whole list in one go.
    """

    label = "problems"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [f"{len(self.problems)} {self.label}:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "problems": [p.to_dict() for p in self.problems]}


class CriteriaSetError(_ProblemsError):
    """A criteria set (YAML, dict or Excel) is invalid; ``problems`` lists every issue."""

    label = "problem(s) in the criteria set"


class EvaluationError(_ProblemsError):
    """Answers or council input cannot be evaluated; ``problems`` names criterion/option."""

    label = "problem(s) with the answers"


@dataclass(frozen=True)
class Option:
    """One answer choice (lựa chọn) of a criterion and the points it earns."""

    code: str
    label_vi: str
    points: Decimal
    label_en: str | None = None
    #: ``points`` in integer hundredths, precomputed for the council and advice arithmetic.
    units: int = field(init=False, repr=False, compare=False, hash=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", to_units(self.points))

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "label_vi": self.label_vi}
        if self.label_en:
            data["label_en"] = self.label_en
        data["points"] = plain_number(self.points)
        return data


@dataclass(frozen=True)
class Criterion:
    """A scored criterion (tiêu chí). ``code`` is stable across versions of the same set."""

    code: str
    part: str
    group: str
    label_vi: str
    max_points: Decimal
    options: tuple[Option, ...]
    label_en: str | None = None
    evidence_vi: str = ""
    bonus: bool = False
    note_vi: str | None = None
    _by_code: Mapping[str, Option] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {o.code: o for o in self.options})

    def option(self, code: str) -> Option | None:
        return self._by_code.get(code)

    @property
    def min_points(self) -> Decimal:
        return min(o.points for o in self.options)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "part": self.part,
            "group": self.group,
            "label_vi": self.label_vi,
        }
        if self.label_en:
            data["label_en"] = self.label_en
        data["evidence_vi"] = self.evidence_vi
        if self.note_vi:
            data["note_vi"] = self.note_vi
        data["max_points"] = plain_number(self.max_points)
        data["bonus"] = self.bonus
        data["options"] = [o.to_data() for o in self.options]
        return data


@dataclass(frozen=True)
class CriteriaGroup:
    """A group of criteria inside a part (nhóm tiêu chí), e.g. "Tổ chức sản xuất"."""

    code: str
    label_vi: str
    label_en: str | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "label_vi": self.label_vi}
        if self.label_en:
            data["label_en"] = self.label_en
        return data


@dataclass(frozen=True)
class Part:
    """Part A, B or C (phần) with its maximum; part scores are capped at ``max_points``."""

    code: str
    label_vi: str
    max_points: Decimal
    groups: tuple[CriteriaGroup, ...] = ()
    label_en: str | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "label_vi": self.label_vi}
        if self.label_en:
            data["label_en"] = self.label_en
        data["max_points"] = plain_number(self.max_points)
        data["groups"] = [g.to_data() for g in self.groups]
        return data


@dataclass(frozen=True)
class MandatoryRule:
    """A star-specific mandatory criterion (tiêu chí bắt buộc).

    The rule applies to reach ``min_stars`` or more: when it fails, the product is capped at
    ``min_stars - 1`` stars whatever its total. Exactly one of ``min_points`` / ``one_of``.
    """

    code: str
    min_stars: int
    criterion: str
    message_vi: str
    min_points: Decimal | None = None
    one_of: tuple[str, ...] | None = None

    @property
    def star_cap(self) -> int:
        return self.min_stars - 1

    def passes(self, option: Option) -> bool:
        if self.min_points is not None:
            return option.points >= self.min_points
        assert self.one_of is not None
        return option.code in self.one_of

    def describe_vi(self) -> str:
        """Short Vietnamese statement of the requirement, for explanations."""
        if self.min_points is not None:
            from .numbers import vi_points

            return f"tiêu chí {self.criterion} phải đạt từ {vi_points(self.min_points)} điểm"
        assert self.one_of is not None
        return f"tiêu chí {self.criterion} phải chọn một trong: {', '.join(self.one_of)}"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "min_stars": self.min_stars,
            "criterion": self.criterion,
        }
        if self.min_points is not None:
            data["min_points"] = plain_number(self.min_points)
        if self.one_of is not None:
            data["one_of"] = list(self.one_of)
        data["message_vi"] = self.message_vi
        return data


@dataclass(frozen=True)
class LegalBasis:
    """The decision a set comes from (căn cứ pháp lý). ``effective_to`` is inclusive."""

    decision: str
    date: date
    effective_from: date
    effective_to: date | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "decision": self.decision,
            "date": self.date,
            "effective_from": self.effective_from,
        }
        if self.effective_to is not None:
            data["effective_to"] = self.effective_to
        return data


@dataclass(frozen=True)
class SetStatus:
    """How trustworthy the set is: "official" or a reconstruction / illustration."""

    kind: str
    warning_vi: str | None = None
    warning_en: str | None = None

    @property
    def is_official(self) -> bool:
        return self.kind == "official"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.warning_vi:
            data["warning_vi"] = self.warning_vi
        if self.warning_en:
            data["warning_en"] = self.warning_en
        return data


@dataclass(frozen=True)
class AppliesTo:
    """Which products the set scores: group (nhóm), sub-group (phân nhóm), product set."""

    group: str
    subgroup: str | None = None
    product_set: str | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"group": self.group}
        if self.subgroup is not None:
            data["subgroup"] = self.subgroup
        if self.product_set is not None:
            data["product_set"] = self.product_set
        return data


@dataclass(frozen=True)
class CriteriaSet:
    """A validated, versioned criteria set. Build it with ``validate_set``/``load_set_file``."""

    code: str
    version: int
    title_vi: str
    title_en: str
    legal_basis: LegalBasis
    status: SetStatus
    applies_to: AppliesTo
    parts: tuple[Part, ...]
    criteria: tuple[Criterion, ...]
    mandatory: tuple[MandatoryRule, ...] = ()
    notes: str | None = None
    sources: tuple[str, ...] = ()
    #: Where the set was loaded from (file name); informative only, not part of equality.
    source: str | None = field(default=None, compare=False)
    _criteria: Mapping[str, Criterion] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _parts: Mapping[str, Part] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_criteria", {c.code: c for c in self.criteria})
        object.__setattr__(self, "_parts", {p.code: p for p in self.parts})

    @property
    def key(self) -> str:
        """Human identifier of this version, e.g. ``1048-rau-cu-qua-hat-tuoi@v1``."""
        return f"{self.code}@v{self.version}"

    def criterion(self, code: str) -> Criterion | None:
        return self._criteria.get(code)

    def part(self, code: str) -> Part | None:
        return self._parts.get(code)

    def criteria_of_part(self, part_code: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.part == part_code)

    def rules_for(self, stars: int) -> tuple[MandatoryRule, ...]:
        """Rules that must pass to reach ``stars``."""
        return tuple(r for r in self.mandatory if r.min_stars <= stars)

    def to_data(self) -> dict[str, Any]:
        """The YAML file format as a plain dict (dates stay ``date``; YAML dumps them)."""
        data: dict[str, Any] = {
            "code": self.code,
            "version": self.version,
            "title_vi": self.title_vi,
            "title_en": self.title_en,
            "legal_basis": self.legal_basis.to_data(),
            "status": self.status.to_data(),
            "applies_to": self.applies_to.to_data(),
        }
        if self.notes:
            data["notes"] = self.notes
        if self.sources:
            data["sources"] = list(self.sources)
        data["parts"] = [p.to_data() for p in self.parts]
        data["criteria"] = [c.to_data() for c in self.criteria]
        data["mandatory"] = [r.to_data() for r in self.mandatory]
        return data

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (dates as ISO strings, points as 2-decimal strings)."""
        from .numbers import dec_str

        point_keys = {"points", "max_points", "min_points"}

        def conv(value: Any, key: str | None = None) -> Any:
            if isinstance(value, dict):
                return {k: conv(v, k) for k, v in value.items()}
            if isinstance(value, list):
                return [conv(v) for v in value]
            if isinstance(value, date):
                return value.isoformat()
            if key in point_keys:
                return dec_str(Decimal(repr(value)))
            return value

        data: dict[str, Any] = conv(self.to_data())
        data["criteria_count"] = len(self.criteria)
        return data
