"""Upgrade advice (gợi ý nâng hạng): the smallest set of improvements that reaches a star.

"Smallest" is lexicographic, as the programme office asked: first the fewest points above the
threshold (i.e. the lowest new total that still reaches it — no over-investment), then the
fewest criteria changed, then the sheet order (so the answer is deterministic).

It is an exact dynamic programme, not a greedy guess. Points have at most two decimals, so
they are scaled to integer hundredths; per part we keep, for every reachable raw sum, the
fewest changes that produce it (a knapsack over criteria whose "items" are the options).
Parts are then capped at their maxima (bonus overflow is lost, as in scoring) and combined.
The reachable sums are sparse (a 31-criterion sheet has ~40 per part), so dictionaries keep
this well under a millisecond.

Only improvements are suggested: an option with more points than the current one, or an
option required by a mandatory rule the target star needs. Advising a producer to *lower*
a criterion so that the total lands closer to the threshold would be absurd. Bonus criteria
(điểm khuyến khích, e.g. "the owner is a woman") are facts about the owner, never suggested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .model import (
    MAX_STARS,
    CriteriaSet,
    Criterion,
    EvaluationError,
    Option,
    Problem,
    star_threshold,
)
from .numbers import dec_str, from_units, to_units, vi_points, vi_total
from .scoring import band_text_vi, evaluate, evaluate_chosen, resolve_answers

# A path is a persistent linked list (criterion, option, previous) so that extending a DP
# state is O(1) instead of copying a tuple of choices.
_Path = tuple[Criterion, Option, "Any"] | None


@dataclass(frozen=True)
class AdviceChange:
    """One suggested improvement on one criterion."""

    criterion: str
    label_vi: str
    part: str
    current_option: str
    current_label_vi: str
    current_points: Decimal
    suggested_option: str
    suggested_label_vi: str
    suggested_points: Decimal
    #: Mandatory rules (needed for the target) that this change makes pass.
    rules: tuple[str, ...] = ()

    @property
    def points_gained(self) -> Decimal:
        return self.suggested_points - self.current_points

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "label_vi": self.label_vi,
            "part": self.part,
            "current_option": self.current_option,
            "current_label_vi": self.current_label_vi,
            "current_points": dec_str(self.current_points),
            "suggested_option": self.suggested_option,
            "suggested_label_vi": self.suggested_label_vi,
            "suggested_points": dec_str(self.suggested_points),
            "points_gained": dec_str(self.points_gained),
            "rules": list(self.rules),
        }


@dataclass(frozen=True)
class Advice:
    """Result of :func:`advise`. ``changes`` is empty when unreachable or already reached."""

    set_code: str
    set_version: int
    current_total: Decimal
    current_stars: int
    target_stars: int
    threshold: Decimal
    reachable: bool
    already_reached: bool
    changes: tuple[AdviceChange, ...]
    new_total: Decimal | None
    new_stars: int | None
    rules_to_fix: tuple[str, ...]
    #: Best total reachable with the target's mandatory rules met (set when unreachable).
    max_reachable_total: Decimal | None
    explanation_vi: tuple[str, ...]

    @property
    def points_gained(self) -> Decimal:
        if self.new_total is None:
            return Decimal(0)
        return self.new_total - self.current_total

    @property
    def suggested_answers(self) -> dict[str, str]:
        """Only the changed criteria: criterion code → suggested option code."""
        return {c.criterion: c.suggested_option for c in self.changes}

    def apply_to(self, answers: Mapping[str, str]) -> dict[str, str]:
        """The answers with the advice applied."""
        return {**answers, **self.suggested_answers}

    def to_dict(self) -> dict[str, Any]:
        return {
            "set": {"code": self.set_code, "version": self.set_version},
            "current_total": dec_str(self.current_total),
            "current_stars": self.current_stars,
            "target_stars": self.target_stars,
            "threshold": dec_str(self.threshold),
            "reachable": self.reachable,
            "already_reached": self.already_reached,
            "changes": [c.to_dict() for c in self.changes],
            "criteria_changed": len(self.changes),
            "points_gained": dec_str(self.points_gained),
            "new_total": None if self.new_total is None else dec_str(self.new_total),
            "new_stars": self.new_stars,
            "rules_to_fix": list(self.rules_to_fix),
            "max_reachable_total": (
                None if self.max_reachable_total is None else dec_str(self.max_reachable_total)
            ),
            "explanation_vi": list(self.explanation_vi),
        }


def advise(
    criteria_set: CriteriaSet, answers: Mapping[str, str], target_stars: int | None = None
) -> Advice:
    """Smallest set of option changes reaching ``target_stars`` (default: the next star).

    The answers must be complete. The target's mandatory rules (all rules with
    ``min_stars <= target``) are satisfied by the suggestion as well.
    """
    if target_stars is not None and (
        isinstance(target_stars, bool)
        or not isinstance(target_stars, int)
        or not 1 <= target_stars <= MAX_STARS
    ):
        raise EvaluationError(
            [Problem(f"target_stars must be 1–5, got {target_stars!r}", "advice")]
        )
    chosen = resolve_answers(criteria_set, answers, partial=False)
    current = evaluate_chosen(criteria_set, chosen)
    target = target_stars if target_stars is not None else min(current.stars + 1, MAX_STARS)
    threshold = star_threshold(target)
    base = {
        "set_code": criteria_set.code,
        "set_version": criteria_set.version,
        "current_total": current.total,
        "current_stars": current.stars,
        "target_stars": target,
        "threshold": threshold,
    }
    if current.stars >= target:
        lines = [
            f"Hiện tại: {vi_total(current.total)} điểm, {current.stars} sao.",
            f"Sản phẩm đã đạt {target} sao; không cần thay đổi."
            if current.stars < MAX_STARS or target < MAX_STARS
            else "Sản phẩm đã đạt hạng cao nhất (5 sao).",
        ]
        return Advice(
            **base,
            reachable=True,
            already_reached=True,
            changes=(),
            new_total=current.total,
            new_stars=current.stars,
            rules_to_fix=(),
            max_reachable_total=None,
            explanation_vi=tuple(lines),
        )

    rules = criteria_set.rules_for(target)
    rules_by_criterion: dict[str, list[Any]] = {}
    for rule in rules:
        rules_by_criterion.setdefault(rule.criterion, []).append(rule)
    rules_to_fix = tuple(r.code for r in current.failed_rules if r.min_stars <= target)

    # Candidate options per criterion: (option, units, changes-cost).
    candidates: dict[str, list[tuple[Option, int, int]]] = {}
    blocked: list[str] = []
    for criterion in criteria_set.criteria:
        cur = chosen[criterion.code]
        crit_rules = rules_by_criterion.get(criterion.code, ())

        def allowed(option: Option, crit_rules: Any = crit_rules) -> bool:
            return all(rule.passes(option) for rule in crit_rules)

        cur_ok = allowed(cur)
        cands = [(cur, cur.units, 0)] if cur_ok else []
        for option in criterion.options:
            if option is cur or not allowed(option):
                continue
            # Bonus criteria describe the owner (a woman, an ethnic minority): not something
            # a producer can "improve", so they are only changed if a rule demands it.
            if (option.points > cur.points and not criterion.bonus) or not cur_ok:
                cands.append((option, option.units, 1))
        if not cands:
            blocked.extend(r.code for r in crit_rules)
        candidates[criterion.code] = cands

    if blocked:
        lines = [
            f"Hiện tại: {vi_total(current.total)} điểm, {current.stars} sao.",
            f"Không thể đạt {target} sao: các tiêu chí bắt buộc {', '.join(blocked)} "
            "mâu thuẫn nhau, không có lựa chọn nào đáp ứng đồng thời.",
        ]
        return Advice(
            **base,
            reachable=False,
            already_reached=False,
            changes=(),
            new_total=None,
            new_stars=None,
            rules_to_fix=rules_to_fix,
            max_reachable_total=None,
            explanation_vi=tuple(lines),
        )

    totals = _search(criteria_set, candidates)
    threshold_units = to_units(threshold)
    feasible = [(t, ch) for t, (ch, _paths) in totals.items() if t >= threshold_units]
    if not feasible:
        best_units = max(totals)
        lines = [
            f"Hiện tại: {vi_total(current.total)} điểm, {current.stars} sao.",
            f"Không thể đạt {target} sao với bộ tiêu chí này: ngay cả khi cải thiện mọi tiêu "
            f"chí (và đạt các tiêu chí bắt buộc của hạng {target} sao), tổng điểm cao nhất "
            f"có thể đạt là {vi_total(from_units(best_units))}, "
            f"chưa tới {vi_points(threshold)} điểm.",
        ]
        return Advice(
            **base,
            reachable=False,
            already_reached=False,
            changes=(),
            new_total=None,
            new_stars=None,
            rules_to_fix=rules_to_fix,
            max_reachable_total=from_units(best_units),
            explanation_vi=tuple(lines),
        )

    best_total, _best_changes = min(feasible)
    _ch, paths = totals[best_total]
    picked: dict[str, Option] = {}
    for path in paths:
        node = path
        while node is not None:
            criterion, option, node = node
            picked[criterion.code] = option

    changes: list[AdviceChange] = []
    new_chosen = dict(chosen)
    for criterion in criteria_set.criteria:  # sheet order, not DP order
        option = picked[criterion.code]
        cur = chosen[criterion.code]
        if option is cur:
            continue
        new_chosen[criterion.code] = option
        fixed = tuple(
            r.code
            for r in rules_by_criterion.get(criterion.code, ())
            if not r.passes(cur) and r.passes(option)
        )
        changes.append(
            AdviceChange(
                criterion=criterion.code,
                label_vi=criterion.label_vi,
                part=criterion.part,
                current_option=cur.code,
                current_label_vi=cur.label_vi,
                current_points=cur.points,
                suggested_option=option.code,
                suggested_label_vi=option.label_vi,
                suggested_points=option.points,
                rules=fixed,
            )
        )
    after = evaluate_chosen(criteria_set, new_chosen)
    # The DP and the scorer must agree; if they ever diverge, fail loudly rather than advise
    # a producer to invest in changes that do not reach the star.
    if after.stars < target or to_units(after.total) != best_total:
        raise AssertionError(  # pragma: no cover - guarded by property tests
            f"advice inconsistency: DP total {best_total}, scorer {after.total}/{after.stars}"
        )
    return Advice(
        **base,
        reachable=True,
        already_reached=False,
        changes=tuple(changes),
        new_total=after.total,
        new_stars=after.stars,
        rules_to_fix=rules_to_fix,
        max_reachable_total=None,
        explanation_vi=tuple(
            _explain(
                current.total,
                current.stars,
                target,
                threshold,
                changes,
                after.total,
                after.stars,
                rules_to_fix,
            )
        ),
    )


def answers_reaching(criteria_set: CriteriaSet, target: Decimal | int) -> dict[str, str]:
    """Answers whose total is the first reached ≥ ``target`` raising criteria in sheet order,
    with every mandatory criterion at its best option (so the band alone decides the stars).

    Not advice to a producer (that is :func:`advise`): the demo data and the tests use it to fill
    a sheet that lands on a chosen total. A ``target`` above the best total gives the best answers.
    """
    answers = {c.code: min(c.options, key=lambda o: o.points).code for c in criteria_set.criteria}
    ruled = {rule.criterion for rule in criteria_set.mandatory}
    for criterion in criteria_set.criteria:
        if criterion.code in ruled:
            answers[criterion.code] = max(criterion.options, key=lambda o: o.points).code
    for criterion in criteria_set.criteria:
        if criterion.code in ruled:
            continue
        for option in sorted(criterion.options, key=lambda o: o.points):
            if evaluate(criteria_set, answers).total >= Decimal(target):
                return answers
            answers[criterion.code] = option.code
    return answers


def _search(
    criteria_set: CriteriaSet, candidates: Mapping[str, list[tuple[Option, int, int]]]
) -> dict[int, tuple[int, tuple[_Path, ...]]]:
    """Capped total (units) → (fewest changes, one path per part) for every reachable total."""
    totals: dict[int, tuple[int, tuple[_Path, ...]]] = {0: (0, ())}
    for part in criteria_set.parts:
        states: dict[int, tuple[int, _Path]] = {0: (0, None)}
        for criterion in criteria_set.criteria:
            if criterion.part != part.code:
                continue
            cands = candidates[criterion.code]
            new: dict[int, tuple[int, _Path]] = {}
            for raw, (changes, path) in states.items():
                for option, units, cost in cands:
                    key = raw + units
                    count = changes + cost
                    known = new.get(key)
                    if known is None or count < known[0]:
                        new[key] = (count, (criterion, option, path))
            states = new
        cap = to_units(part.max_points)
        capped: dict[int, tuple[int, _Path]] = {}
        for raw, (changes, path) in states.items():
            key = raw if raw < cap else cap
            known = capped.get(key)
            if known is None or changes < known[0]:
                capped[key] = (changes, path)
        combined: dict[int, tuple[int, tuple[_Path, ...]]] = {}
        for total, (changes, paths) in totals.items():
            for score, (part_changes, path) in capped.items():
                key = total + score
                count = changes + part_changes
                known = combined.get(key)
                if known is None or count < known[0]:
                    combined[key] = (count, (*paths, path))
        totals = combined
    return totals


def _explain(
    current_total: Decimal,
    current_stars: int,
    target: int,
    threshold: Decimal,
    changes: list[AdviceChange],
    new_total: Decimal,
    new_stars: int,
    rules_to_fix: tuple[str, ...],
) -> list[str]:
    lines = [
        f"Hiện tại: {vi_total(current_total)} điểm, {current_stars} sao.",
        f"Mục tiêu: {target} sao ({band_text_vi(target)}"
        + (", và đạt các tiêu chí bắt buộc của hạng này)." if target > 1 else ")."),
    ]
    if rules_to_fix:
        lines.append(f"Cần khắc phục các tiêu chí bắt buộc chưa đạt: {', '.join(rules_to_fix)}.")
    lines.append(
        f"Cách nâng hạng ít thay đổi nhất: cải thiện {len(changes)} tiêu chí "
        f"(thêm {vi_points(new_total - current_total)} điểm):"
    )
    for change in changes:
        gained = change.points_gained
        sign = "+" if gained >= 0 else "−"
        line = (
            f"• {change.criterion} – {change.label_vi}: từ «{change.current_label_vi}» "
            f"({vi_points(change.current_points)} điểm) lên «{change.suggested_label_vi}» "
            f"({vi_points(change.suggested_points)} điểm), {sign}{vi_points(abs(gained))} điểm"
        )
        if change.rules:
            line += f"; đáp ứng tiêu chí bắt buộc {', '.join(change.rules)}"
        lines.append(line + ".")
    lines.append(
        f"Sau khi cải thiện: {vi_total(new_total)} điểm → {new_stars} sao "
        f"(ngưỡng {vi_points(threshold)} điểm)."
    )
    return lines
