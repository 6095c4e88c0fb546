"""Council aggregation (hội đồng đánh giá): quorum, mean score, spread, re-scoring, consensus.

Practice found in provincial regulations (ocop-facts.md §1.7): each member scores alone; the
product's score is the arithmetic mean of the members' totals; members may not differ by more
than 10 points, otherwise the council discusses and re-scores; a meeting needs ≥ 75 % of the
members including the chair (the central council: 5 of 7). The numbers and the quorum and
spread tests are the rulebook's (``ocop.rules.councils``); all of it is configurable here
because 148 itself was not found to state these numbers.

Exactness: the mean of totals like 66.36 over 7 members does not terminate in decimal, so the
star band is decided on integers (sum of hundredths ≥ threshold × members), never on a rounded
or truncated mean. ``mean_display`` is rounded half-up to 2 decimals for printing only.

Everything is computed from sets of members sorted by ``member_id``, so the result does not
depend on the order the sheets arrive in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from itertools import combinations
from typing import Any

from ocop.rules import councils as council_rules
from ocop.rules.certification import is_certifiable

from .model import (
    STAR_BANDS,
    CriteriaSet,
    EvaluationError,
    MandatoryRule,
    Option,
    Problem,
)
from .numbers import dec_str, from_units, to_units, vi_points, vi_total
from .scoring import Evaluation, band_text_vi, evaluate_chosen, resolve_answers


@dataclass(frozen=True)
class MemberSheet:
    """One council member's score sheet (phiếu chấm điểm)."""

    member_id: str
    answers: Mapping[str, str]
    present: bool = True
    conflicted: bool = False
    is_chair: bool = False
    # How the explanation names the member ("Nguyễn Văn An (Chủ tịch hội đồng)"); the id when
    # empty. Ids are for the machine, the explanation is read by people and printed.
    name: str = ""


@dataclass(frozen=True)
class CouncilConfig:
    """Council size and rules; defaults are the rulebook's (``ocop.rules.councils``: the
    provincial practice of 75 %, the chair, 10 points)."""

    size: int
    quorum_ratio: Decimal = council_rules.QUORUM_RATIO
    quorum_min: int | None = None
    chair_required: bool = council_rules.CHAIR_REQUIRED
    rescore_limit: Decimal = council_rules.SCORE_SPREAD_LIMIT

    @property
    def required_quorum(self) -> int:
        """Members who must score: ``quorum_min`` if given, else ceil(ratio × size)."""
        return council_rules.required_quorum(self.size, self.quorum_ratio, self.quorum_min)

    def problems(self) -> list[Problem]:
        found: list[Problem] = []

        def bad(message: str, name: str) -> None:
            found.append(Problem(message, "council config", field=name))

        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            bad(f"size must be a whole number ≥ 1, got {self.size!r}", "size")
            return found
        if not isinstance(self.quorum_ratio, Decimal) or not 0 < self.quorum_ratio <= 1:
            bad(
                f"quorum_ratio must be a Decimal in (0, 1], got {self.quorum_ratio!r}",
                "quorum_ratio",
            )
        if self.quorum_min is not None and (
            isinstance(self.quorum_min, bool)
            or not isinstance(self.quorum_min, int)
            or not 1 <= self.quorum_min <= self.size
        ):
            bad(
                f"quorum_min must be between 1 and size ({self.size}), got {self.quorum_min!r}",
                "quorum_min",
            )
        if not isinstance(self.rescore_limit, Decimal) or self.rescore_limit < 0:
            bad(f"rescore_limit must be a Decimal ≥ 0, got {self.rescore_limit!r}", "rescore_limit")
        return found


@dataclass(frozen=True)
class MemberScore:
    member_id: str
    is_chair: bool
    total: Decimal
    band_stars: int
    stars: int
    parts: Mapping[str, Decimal]
    evaluation: Evaluation = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "is_chair": self.is_chair,
            "total": dec_str(self.total),
            "band_stars": self.band_stars,
            "stars": self.stars,
            "parts": {k: dec_str(v) for k, v in self.parts.items()},
        }


@dataclass(frozen=True)
class CriterionConsensus:
    """Per-criterion view across members: mean, min, max, spread and option votes."""

    code: str
    part: str
    label_vi: str
    mean: Decimal
    min: Decimal
    max: Decimal
    option_counts: Mapping[str, int]

    @property
    def spread(self) -> Decimal:
        return self.max - self.min

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "part": self.part,
            "label_vi": self.label_vi,
            "mean": dec_str(self.mean),
            "min": dec_str(self.min),
            "max": dec_str(self.max),
            "spread": dec_str(self.spread),
            "option_counts": dict(self.option_counts),
        }


@dataclass(frozen=True)
class RuleConsensus:
    """A mandatory rule judged on the council's consensus (see module/docs for the method)."""

    code: str
    min_stars: int
    criterion: str
    message_vi: str
    passed: bool
    detail_vi: str

    @property
    def star_cap(self) -> int:
        return self.min_stars - 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "min_stars": self.min_stars,
            "criterion": self.criterion,
            "passed": self.passed,
            "star_cap": self.star_cap,
            "message_vi": self.message_vi,
            "detail_vi": self.detail_vi,
        }


@dataclass(frozen=True)
class RescorePair:
    member_a: str
    member_b: str
    difference: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {"members": [self.member_a, self.member_b], "difference": dec_str(self.difference)}


@dataclass(frozen=True)
class CouncilResult:
    set_code: str
    set_version: int
    size: int
    required_quorum: int
    counted: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]
    chair_present: bool
    quorum_met: bool
    members: tuple[MemberScore, ...]
    sum_of_totals: Decimal
    mean: Decimal
    mean_display: Decimal
    part_means: Mapping[str, Decimal]
    band_stars: int
    star_cap: int | None
    stars: int
    spread: Decimal
    rescore_required: bool
    rescore_pairs: tuple[RescorePair, ...]
    rules: tuple[RuleConsensus, ...]
    criteria: tuple[CriterionConsensus, ...]
    final: bool
    certifiable: bool
    explanation_vi: tuple[str, ...]

    @property
    def failed_rules(self) -> tuple[RuleConsensus, ...]:
        return tuple(r for r in self.rules if not r.passed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "set": {"code": self.set_code, "version": self.set_version},
            "size": self.size,
            "required_quorum": self.required_quorum,
            "counted": list(self.counted),
            "excluded": [{"member_id": m, "reason": r} for m, r in self.excluded],
            "chair_present": self.chair_present,
            "quorum_met": self.quorum_met,
            "members": [m.to_dict() for m in self.members],
            "sum_of_totals": dec_str(self.sum_of_totals),
            "mean": dec_str(self.mean_display),
            "mean_display": dec_str(self.mean_display),
            "part_means": {k: dec_str(v) for k, v in self.part_means.items()},
            "band_stars": self.band_stars,
            "star_cap": self.star_cap,
            "stars": self.stars,
            "spread": dec_str(self.spread),
            "rescore_required": self.rescore_required,
            "rescore_pairs": [p.to_dict() for p in self.rescore_pairs],
            "failed_rules": [r.to_dict() for r in self.failed_rules],
            "rules": [r.to_dict() for r in self.rules],
            "criteria": [c.to_dict() for c in self.criteria],
            "final": self.final,
            "certifiable": self.certifiable,
            "explanation_vi": list(self.explanation_vi),
        }


def _exact_mean(sum_units: int, count: int) -> Decimal:
    # 40 significant digits: exact whenever the mean terminates, and never compared directly
    # (bands use integer comparison), so the tail digits of 1/3-style means do not matter.
    with localcontext() as ctx:
        ctx.prec = 40
        return Decimal(sum_units) / Decimal(100 * count)


def _rounded_mean(sum_units: int, count: int) -> Decimal:
    """sum/count in hundredths, rounded half up, using integers only (sum_units ≥ 0)."""
    return from_units((2 * sum_units + count) // (2 * count))


def _band_from_sum(sum_units: int, count: int) -> int:
    for stars, low in STAR_BANDS:
        if sum_units >= to_units(low) * count:
            return stars
    raise AssertionError("unreachable")  # pragma: no cover


def aggregate(
    criteria_set: CriteriaSet, sheets: Sequence[MemberSheet], council: CouncilConfig
) -> CouncilResult:
    """Combine the members' sheets into the council's result.

    Absent and conflicted members are excluded from every figure. A result is ``final``
    only when the quorum (with the chair, if required) is met and no re-scoring is needed.
    """
    problems = council.problems()
    if problems:
        raise EvaluationError(problems)
    ids = [s.member_id for s in sheets]
    for member_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(f"member {member_id!r} has more than one sheet", "council"))
    if len(sheets) > council.size:
        problems.append(
            Problem(f"{len(sheets)} sheets for a council of {council.size} members", "council")
        )
    if sum(1 for s in sheets if s.is_chair) > 1:
        problems.append(Problem("more than one member is marked as chair", "council"))

    ordered = sorted(sheets, key=lambda s: s.member_id)
    counted_sheets = [s for s in ordered if s.present and not s.conflicted]
    excluded = tuple(
        (s.member_id, "absent" if not s.present else "conflicted")
        for s in ordered
        if not (s.present and not s.conflicted)
    )
    if not counted_sheets:
        problems.append(Problem("no present, non-conflicted member has scored", "council"))
    chosen_by_member: dict[str, dict[str, Option]] = {}
    for sheet in counted_sheets:
        try:
            chosen_by_member[sheet.member_id] = resolve_answers(
                criteria_set, sheet.answers, partial=False, source=f"member {sheet.member_id}"
            )
        except EvaluationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise EvaluationError(problems)

    members: list[MemberScore] = []
    for sheet in counted_sheets:
        ev = evaluate_chosen(criteria_set, chosen_by_member[sheet.member_id])
        members.append(
            MemberScore(
                member_id=sheet.member_id,
                is_chair=sheet.is_chair,
                total=ev.total,
                band_stars=ev.band_stars,
                stars=ev.stars,
                parts={p.code: p.points for p in ev.parts},
                evaluation=ev,
            )
        )
    count = len(members)
    sum_units = sum(to_units(m.total) for m in members)
    mean = _exact_mean(sum_units, count)
    mean_display = _rounded_mean(sum_units, count)
    part_means = {
        p.code: _rounded_mean(sum(to_units(m.parts[p.code]) for m in members), count)
        for p in criteria_set.parts
    }
    band = _band_from_sum(sum_units, count)

    totals = [m.total for m in members]
    spread = max(totals) - min(totals)
    pairs = tuple(
        RescorePair(a.member_id, b.member_id, abs(a.total - b.total))
        for a, b in combinations(members, 2)
        if council_rules.too_far_apart(a.total, b.total, council.rescore_limit)
    )

    criteria: list[CriterionConsensus] = []
    for criterion in criteria_set.criteria:
        picks = [chosen_by_member[m.member_id][criterion.code] for m in members]
        points = [o.points for o in picks]
        units = sum(o.units for o in picks)
        counts = {o.code: 0 for o in criterion.options}
        for option in picks:
            counts[option.code] += 1
        criteria.append(
            CriterionConsensus(
                code=criterion.code,
                part=criterion.part,
                label_vi=criterion.label_vi,
                mean=_rounded_mean(units, count),
                min=min(points),
                max=max(points),
                option_counts={k: v for k, v in counts.items() if v},
            )
        )

    rules = tuple(
        _rule_consensus(rule, [chosen_by_member[m.member_id][rule.criterion] for m in members])
        for rule in criteria_set.mandatory
    )
    failed = [r for r in rules if not r.passed]
    cap = min((r.star_cap for r in failed), default=None)
    stars = band if cap is None else min(band, cap)

    counted_ids = tuple(m.member_id for m in members)
    chair_present = any(m.is_chair for m in members)
    quorum_met = council_rules.quorum_met(
        count, council.size, chair_present=chair_present, ratio=council.quorum_ratio,
        quorum_min=council.quorum_min, chair_required=council.chair_required)
    rescore = bool(pairs)
    final = quorum_met and not rescore
    certifiable = final and is_certifiable(stars)

    result = CouncilResult(
        set_code=criteria_set.code,
        set_version=criteria_set.version,
        size=council.size,
        required_quorum=council.required_quorum,
        counted=counted_ids,
        excluded=excluded,
        chair_present=chair_present,
        quorum_met=quorum_met,
        members=tuple(members),
        sum_of_totals=from_units(sum_units),
        mean=mean,
        mean_display=mean_display,
        part_means=part_means,
        band_stars=band,
        star_cap=cap,
        stars=stars,
        spread=spread,
        rescore_required=rescore,
        rescore_pairs=pairs,
        rules=rules,
        criteria=tuple(criteria),
        final=final,
        certifiable=certifiable,
        explanation_vi=(),
    )
    return _explain(result, council, {s.member_id: s.name or s.member_id for s in sheets})


def _rule_consensus(rule: MandatoryRule, picks: list[Option]) -> RuleConsensus:
    count = len(picks)
    if rule.min_points is not None:
        # Mean of the members' points on the criterion ≥ min_points, compared on integers.
        total_units = sum(o.units for o in picks)
        passed = total_units >= to_units(rule.min_points) * count
        detail = (
            f"điểm trung bình của hội đồng cho tiêu chí {rule.criterion} là "
            f"{vi_total(_rounded_mean(total_units, count))}, yêu cầu từ "
            f"{vi_points(rule.min_points)}"
        )
    else:
        assert rule.one_of is not None
        # Strict majority of the scoring members chose an accepted option.
        votes = sum(1 for o in picks if o.code in rule.one_of)
        passed = 2 * votes > count
        detail = (
            f"{votes}/{count} thành viên chọn một trong các lựa chọn "
            f"{', '.join(rule.one_of)} của tiêu chí {rule.criterion} (cần quá nửa)"
        )
    return RuleConsensus(
        code=rule.code,
        min_stars=rule.min_stars,
        criterion=rule.criterion,
        message_vi=rule.message_vi,
        passed=passed,
        detail_vi=detail,
    )


def _explain(
    result: CouncilResult, council: CouncilConfig, names: Mapping[str, str]
) -> CouncilResult:
    absent = [names.get(m, m) for m, r in result.excluded if r == "absent"]
    conflicted = [names.get(m, m) for m, r in result.excluded if r == "conflicted"]
    lines = [
        f"Hội đồng {result.size} thành viên; {len(result.counted)} thành viên được tính điểm "
        f"(cần tối thiểu {result.required_quorum}"
        + (", có chủ tịch hội đồng)." if council.chair_required else ")."),
    ]
    if absent:
        lines.append(f"Vắng mặt: {', '.join(absent)}.")
    if conflicted:
        lines.append(f"Không chấm do xung đột lợi ích: {', '.join(conflicted)}.")
    if not result.quorum_met:
        why = []
        if len(result.counted) < result.required_quorum:
            why.append(f"chỉ có {len(result.counted)}/{result.required_quorum} thành viên")
        if council.chair_required and not result.chair_present:
            why.append("vắng chủ tịch hội đồng")
        lines.append(f"Phiên họp không đủ điều kiện ({'; '.join(why)}): kết quả chưa có giá trị.")
    lines.append(
        "Điểm từng thành viên: "
        + "; ".join(f"{names.get(m.member_id, m.member_id)}: {vi_total(m.total)}"
                   for m in result.members)
        + "."
    )
    lines.append(
        f"Điểm trung bình: {vi_total(result.mean_display)}/100 → khung "
        f"{result.band_stars} sao ({band_text_vi(result.band_stars)})."
    )
    if result.rescore_required:
        pairs = "; ".join(
            f"{names.get(p.member_a, p.member_a)} – {names.get(p.member_b, p.member_b)}: "
            f"{vi_total(p.difference)}"
            for p in result.rescore_pairs
        )
        lines.append(
            f"Điểm giữa các thành viên chênh lệch quá {vi_points(council.rescore_limit)} điểm "
            f"({pairs}): hội đồng cần thảo luận và chấm lại."
        )
    for rule in result.failed_rules:
        lines.append(
            f"Chưa đạt tiêu chí bắt buộc {rule.code} (áp dụng từ {rule.min_stars} sao): "
            f"{rule.message_vi} ({rule.detail_vi}) → tối đa {rule.star_cap} sao."
        )
    lines.append(f"Kết quả: {result.stars} sao.")
    if not result.final:
        lines.append("Kết quả chưa phải kết quả cuối cùng của hội đồng.")
    elif result.certifiable:
        lines.append("Đủ điều kiện đề nghị công nhận và cấp giấy chứng nhận OCOP.")
    else:
        lines.append("Chưa đủ điều kiện cấp giấy chứng nhận OCOP (cần từ 3 sao trở lên).")
    return replace(result, explanation_vi=tuple(lines))
