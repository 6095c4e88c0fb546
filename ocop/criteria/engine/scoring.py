"""Scoring one sheet: part scores, total, star band, mandatory rules, explanation.

Rules applied (see docs/criteria-format.md):
- part score = sum of the chosen options' points of the part (bonus criteria included),
  capped at the part maximum; total = sum of the part scores (so never above 100);
- star band from the exact, unrounded total; a failed mandatory rule with ``min_stars = N``
  caps the result at ``N - 1`` stars; final stars = min(band, cap);
- certifiable when the final stars are 3 or more and the sheet is complete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from ocop.rules.certification import (
    CERTIFICATE_VALIDITY_MONTHS,
    MIN_CERTIFIABLE_STARS,
    is_certifiable,
)

from .model import (
    MAX_STARS,
    CriteriaSet,
    Criterion,
    EvaluationError,
    MandatoryRule,
    Option,
    Problem,
    star_for_total,
    star_threshold,
)
from .numbers import dec_str, vi_points, vi_total

_ZERO = Decimal(0)
_BAND_TEXT_VI = {
    5: "từ 90 đến 100 điểm",
    4: "từ 70 đến dưới 90 điểm",
    3: "từ 50 đến dưới 70 điểm",
    2: "từ 30 đến dưới 50 điểm",
    1: "dưới 30 điểm",
}


def band_text_vi(stars: int) -> str:
    """The score range of a star band in Vietnamese, e.g. "từ 50 đến dưới 70 điểm"."""
    return _BAND_TEXT_VI[stars]


def answers_from_pairs(pairs: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """Build an answers dict from (criterion, option) pairs, refusing duplicates.

    JSON objects may repeat a key and ``json.loads`` silently keeps the last value; the API
    passes ``object_pairs_hook=answers_from_pairs`` style pairs here so that a sheet saying
    both "A1: a" and "A1: c" is rejected instead of scored.
    """
    result: dict[str, str] = {}
    problems: list[Problem] = []
    for criterion, option in pairs:
        if not isinstance(criterion, str) or not isinstance(option, str):
            problems.append(
                Problem(
                    f"criterion and option codes must be text, got {criterion!r}: {option!r}",
                    source="answers",
                )
            )
            continue
        if criterion in result:
            problems.append(
                Problem(
                    f"answered twice ({result[criterion]!r} and {option!r}); "
                    "give one option per criterion",
                    source="answers",
                    criterion=criterion,
                )
            )
            continue
        result[criterion] = option
    if problems:
        raise EvaluationError(problems)
    return result


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """The option chosen for one criterion. Holds references: evaluation is a hot path."""

    criterion: Criterion
    chosen: Option

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def part(self) -> str:
        return self.criterion.part

    @property
    def option(self) -> str:
        return self.chosen.code

    @property
    def points(self) -> Decimal:
        return self.chosen.points

    @property
    def bonus(self) -> bool:
        return self.criterion.bonus

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.criterion.code,
            "part": self.criterion.part,
            "label_vi": self.criterion.label_vi,
            "option": self.chosen.code,
            "option_label_vi": self.chosen.label_vi,
            "points": dec_str(self.chosen.points),
            "max_points": dec_str(self.criterion.max_points),
            "bonus": self.criterion.bonus,
        }


@dataclass(frozen=True, slots=True)
class PartScore:
    """``raw`` is the plain sum; ``points`` is capped at ``max_points`` (bonus overflow)."""

    code: str
    label_vi: str
    raw: Decimal
    points: Decimal
    max_points: Decimal
    bonus_points: Decimal

    @property
    def capped(self) -> bool:
        return self.raw > self.max_points

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label_vi": self.label_vi,
            "points": dec_str(self.points),
            "raw": dec_str(self.raw),
            "max_points": dec_str(self.max_points),
            "bonus_points": dec_str(self.bonus_points),
            "capped": self.capped,
        }


@dataclass(frozen=True, slots=True)
class RuleResult:
    """Outcome of one mandatory rule; ``passed`` is None when its criterion is unanswered."""

    rule: MandatoryRule
    chosen: Option | None
    passed: bool | None

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def min_stars(self) -> int:
        return self.rule.min_stars

    @property
    def criterion(self) -> str:
        return self.rule.criterion

    @property
    def message_vi(self) -> str:
        return self.rule.message_vi

    @property
    def star_cap(self) -> int:
        return self.rule.min_stars - 1

    @property
    def detail_vi(self) -> str:
        option = self.chosen
        if option is None:
            return f"tiêu chí {self.rule.criterion} chưa được chấm"
        return f"đã chọn {option.code} ({vi_points(option.points)} điểm): «{option.label_vi}»"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.rule.code,
            "min_stars": self.rule.min_stars,
            "criterion": self.rule.criterion,
            "passed": self.passed,
            "star_cap": self.star_cap,
            "message_vi": self.rule.message_vi,
            "requirement_vi": self.rule.describe_vi(),
            "detail_vi": self.detail_vi,
        }


@dataclass(frozen=True)
class Evaluation:
    """Result of scoring one sheet. ``stars`` is the final rating after mandatory caps.

    ``explanation_vi`` is built on first access: council aggregation evaluates many sheets
    and never shows the individual explanations.
    """

    criteria_set: CriteriaSet = field(repr=False, compare=False)
    parts: tuple[PartScore, ...]
    criteria: tuple[CriterionScore, ...]
    total: Decimal
    band_stars: int
    star_cap: int | None
    stars: int
    certifiable: bool
    rules: tuple[RuleResult, ...]
    partial: bool = False
    missing: tuple[str, ...] = ()

    @property
    def set_code(self) -> str:
        return self.criteria_set.code

    @property
    def set_version(self) -> int:
        return self.criteria_set.version

    @property
    def failed_rules(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if r.passed is False)

    @property
    def pending_rules(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if r.passed is None)

    @cached_property
    def explanation_vi(self) -> tuple[str, ...]:
        return tuple(_explain(self))

    def part(self, code: str) -> PartScore:
        for part in self.parts:
            if part.code == code:
                return part
        raise KeyError(code)

    def answers(self) -> dict[str, str]:
        """The (answered) criterion → option codes this evaluation was made from."""
        return {c.criterion.code: c.chosen.code for c in self.criteria}

    def to_dict(self) -> dict[str, Any]:
        cs = self.criteria_set
        return {
            "set": {"code": cs.code, "version": cs.version, "status": cs.status.kind},
            "total": dec_str(self.total),
            "parts": [p.to_dict() for p in self.parts],
            "band_stars": self.band_stars,
            "star_cap": self.star_cap,
            "stars": self.stars,
            "certifiable": self.certifiable,
            "partial": self.partial,
            "missing": list(self.missing),
            "failed_rules": [r.to_dict() for r in self.failed_rules],
            "pending_rules": [r.to_dict() for r in self.pending_rules],
            "criteria": [c.to_dict() for c in self.criteria],
            "explanation_vi": list(self.explanation_vi),
        }


def resolve_answers(
    criteria_set: CriteriaSet, answers: Mapping[str, str], *, partial: bool, source: str = "answers"
) -> dict[str, Option]:
    """Map criterion code → chosen Option, or raise ``EvaluationError`` naming each problem."""
    problems: list[Problem] = []
    chosen: dict[str, Option] = {}
    if not isinstance(answers, Mapping):
        raise EvaluationError(
            [Problem("answers must be a mapping of criterion code to option code", source)]
        )
    for code, option_code in answers.items():
        criterion = criteria_set.criterion(code) if isinstance(code, str) else None
        if criterion is None:
            problems.append(
                Problem(
                    f"unknown criterion {code!r} in set {criteria_set.key} "
                    "(tiêu chí không có trong bộ tiêu chí)",
                    source,
                    criterion=code if isinstance(code, str) else None,
                )
            )
            continue
        option = criterion.option(option_code) if isinstance(option_code, str) else None
        if option is None:
            valid = ", ".join(o.code for o in criterion.options)
            problems.append(
                Problem(
                    f"unknown option {option_code!r} (lựa chọn không hợp lệ); "
                    f"valid options: {valid}",
                    source,
                    criterion=code,
                    option=option_code if isinstance(option_code, str) else None,
                )
            )
            continue
        chosen[code] = option
    if not partial:
        for criterion in criteria_set.criteria:
            if criterion.code not in answers:
                problems.append(
                    Problem(
                        "no answer given (chưa chấm tiêu chí này)", source, criterion=criterion.code
                    )
                )
    if problems:
        raise EvaluationError(problems)
    return chosen


def evaluate(
    criteria_set: CriteriaSet, answers: Mapping[str, str], partial: bool = False
) -> Evaluation:
    """Score one sheet of answers (criterion code → option code).

    With ``partial=True`` unanswered criteria are allowed: the score covers the answered
    ones only, ``missing`` lists the others and the result is never certifiable.
    """
    chosen = resolve_answers(criteria_set, answers, partial=partial)
    return evaluate_chosen(criteria_set, chosen, partial=partial)


def evaluate_chosen(
    criteria_set: CriteriaSet, chosen: Mapping[str, Option], *, partial: bool = False
) -> Evaluation:
    """Score already-resolved options (used by the council and advice code paths)."""
    criteria_scores: list[CriterionScore] = []
    raw: dict[str, Decimal] = {p.code: _ZERO for p in criteria_set.parts}
    bonus: dict[str, Decimal] = {p.code: _ZERO for p in criteria_set.parts}
    missing: list[str] = []
    for criterion in criteria_set.criteria:
        option = chosen.get(criterion.code)
        if option is None:
            missing.append(criterion.code)
            continue
        raw[criterion.part] += option.points
        if criterion.bonus:
            bonus[criterion.part] += option.points
        criteria_scores.append(CriterionScore(criterion, option))
    parts = tuple(
        PartScore(
            code=p.code,
            label_vi=p.label_vi,
            raw=raw[p.code],
            points=min(raw[p.code], p.max_points),
            max_points=p.max_points,
            bonus_points=bonus[p.code],
        )
        for p in criteria_set.parts
    )
    total = sum((p.points for p in parts), _ZERO)
    band = star_for_total(total)
    rules = tuple(
        RuleResult(rule, opt, None if opt is None else rule.passes(opt))
        for rule in criteria_set.mandatory
        for opt in (chosen.get(rule.criterion),)
    )
    cap = min((r.rule.min_stars - 1 for r in rules if r.passed is False), default=None)
    stars = band if cap is None else min(band, cap)
    is_partial = partial and bool(missing)
    return Evaluation(
        criteria_set=criteria_set,
        parts=parts,
        criteria=tuple(criteria_scores),
        total=total,
        band_stars=band,
        star_cap=cap,
        stars=stars,
        # A provisional (partial) score can only understate the total, but pending
        # mandatory rules may still cap it, so it never counts as certifiable.
        certifiable=is_certifiable(stars) and not is_partial,
        rules=rules,
        partial=is_partial,
        missing=tuple(missing),
    )


def _stars_vi(stars: int) -> str:
    return f"{stars} sao"


def _explain(ev: Evaluation) -> list[str]:
    """Vietnamese explanation a producer can read; one list item per line."""
    criteria_set = ev.criteria_set
    lines: list[str] = [
        f"Bộ tiêu chí: {criteria_set.title_vi} (phiên bản {criteria_set.version}).",
    ]
    if criteria_set.status.warning_vi:
        lines.append(f"Lưu ý: {criteria_set.status.warning_vi}")
    if ev.partial:
        lines.append(
            f"Đánh giá chưa đầy đủ: còn {len(ev.missing)} tiêu chí chưa chấm "
            f"({', '.join(ev.missing)}). Điểm dưới đây chỉ tính trên các tiêu chí đã chấm "
            "nên chỉ là điểm tạm tính."
        )
    for part in ev.parts:
        line = (
            f"Phần {part.code} – {part.label_vi}: {vi_total(part.points)}/"
            f"{vi_points(part.max_points)} điểm"
        )
        if part.bonus_points > 0:
            line += f" (gồm {vi_points(part.bonus_points)} điểm khuyến khích)"
        if part.capped:
            line += (
                f"; tổng điểm các tiêu chí là {vi_total(part.raw)} nhưng phần này "
                f"chỉ được tính tối đa {vi_points(part.max_points)} điểm"
            )
        lines.append(line + ".")
    lines.append(
        f"Tổng điểm: {vi_total(ev.total)}/100 → thuộc khung {_stars_vi(ev.band_stars)} "
        f"({band_text_vi(ev.band_stars)})."
    )
    for rule in ev.failed_rules:
        lines.append(
            f"Chưa đạt tiêu chí bắt buộc {rule.code} (áp dụng từ {rule.min_stars} sao): "
            f"{rule.message_vi} Yêu cầu: {rule.rule.describe_vi()}; {rule.detail_vi}. "
            f"Vì vậy sản phẩm chỉ được xếp tối đa {_stars_vi(rule.star_cap)}."
        )
    if ev.partial and ev.pending_rules:
        codes = ", ".join(r.code for r in ev.pending_rules)
        lines.append(
            f"Chưa xét được các tiêu chí bắt buộc: {codes} (tiêu chí liên quan chưa chấm)."
        )
    if ev.stars < ev.band_stars:
        lines.append(
            f"Kết quả: {_stars_vi(ev.stars)} (giảm từ {_stars_vi(ev.band_stars)} do chưa đạt "
            "tiêu chí bắt buộc)."
        )
    else:
        lines.append(f"Kết quả: {_stars_vi(ev.stars)}.")
    if ev.partial:
        lines.append("Chưa thể xét cấp giấy chứng nhận khi phiếu đánh giá chưa đầy đủ.")
    elif ev.certifiable:
        lines.append(
            "Sản phẩm đủ điều kiện đề nghị công nhận và cấp giấy chứng nhận OCOP "
            f"(hạng từ {MIN_CERTIFIABLE_STARS} sao trở lên, "
            f"hiệu lực {CERTIFICATE_VALIDITY_MONTHS} tháng)."
        )
    else:
        lines.append(
            "Sản phẩm chưa đủ điều kiện cấp giấy chứng nhận OCOP "
            f"(cần đạt từ {MIN_CERTIFIABLE_STARS} sao trở lên)."
        )
    if ev.stars < MAX_STARS and not ev.partial:
        nxt = ev.stars + 1
        lines.append(
            f"Để lên {_stars_vi(nxt)} cần tổng điểm từ {vi_points(star_threshold(nxt))} "
            "và đạt các tiêu chí bắt buộc của hạng đó (xem phần gợi ý nâng hạng)."
        )
    return lines
