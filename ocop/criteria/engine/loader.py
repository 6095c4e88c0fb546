"""Validation and loading of criteria sets (YAML text, YAML files, plain dicts).

The validator collects *every* problem before raising, because the people fixing a set are
administrators transcribing an official annex by hand: one error per attempt would be cruel.
Each problem names the file and the criterion/option/rule code, in plain English with the
Vietnamese term in brackets so it can be read next to the Vietnamese annex.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .model import (
    MAX_STARS,
    STATUS_KINDS,
    TOTAL_POINTS,
    AppliesTo,
    CriteriaGroup,
    CriteriaSet,
    CriteriaSetError,
    Criterion,
    LegalBasis,
    MandatoryRule,
    Option,
    Part,
    Problem,
    SetStatus,
)
from .numbers import PointsFormatError, parse_points, vi_points

# Codes end up in URLs, Excel cells and JSON keys, so keep them boring.
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SET_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

_TOP_KEYS = {
    "code", "version", "title_vi", "title_en", "legal_basis", "status", "applies_to",
    "notes", "sources", "parts", "criteria", "mandatory",
}  # fmt: skip
_LEGAL_KEYS = {"decision", "date", "effective_from", "effective_to"}
_STATUS_KEYS = {"kind", "warning_vi", "warning_en"}
_APPLIES_KEYS = {"group", "subgroup", "product_set"}
_PART_KEYS = {"code", "label_vi", "label_en", "max_points", "groups"}
_GROUP_KEYS = {"code", "label_vi", "label_en"}
_CRITERION_KEYS = {
    "code", "part", "group", "label_vi", "label_en", "evidence_vi", "note_vi",
    "max_points", "bonus", "options",
}  # fmt: skip
_OPTION_KEYS = {"code", "label_vi", "label_en", "points"}
_RULE_KEYS = {"code", "min_stars", "criterion", "min_points", "one_of", "message_vi"}

_MISSING = object()


class _Checker:
    """Collects problems for one source; helpers return ``None`` when a value is unusable."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        # Set while checking a nested mapping so fields read "legal_basis.date", not "date".
        self.prefix = ""
        # Every criterion code seen, valid or not: a rule naming a criterion that exists but
        # has its own problems must not also be reported as "unknown criterion".
        self.criterion_codes: set[str] = set()

    def add(self, message: str, **where: str | None) -> None:
        if self.prefix and where.get("field"):
            where["field"] = f"{self.prefix}{where['field']}"
        self.problems.append(Problem(message=message, source=self.source, **where))

    def mapping(self, value: Any, what: str, **where: str | None) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.add(f"{what} must be a mapping (key: value), got {_kind(value)}", **where)
            return None
        return value

    def unknown_keys(self, obj: Mapping[str, Any], allowed: set[str], **where: str | None) -> None:
        # Unknown keys are almost always typos ("max_point", "lable_vi") that would otherwise
        # silently fall back to a default and change the score sheet.
        for key in obj:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.add(f"unknown field {key!r} (allowed: {hint})", **where)

    def text(
        self, obj: Mapping[str, Any], key: str, *, required: bool = True, **where: str | None
    ) -> str | None:
        value = obj.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.add("required field is missing (thiếu trường bắt buộc)", field=key, **where)
            return None
        if not isinstance(value, str):
            self.add(f"must be text, got {_kind(value)}", field=key, **where)
            return None
        if required and not value.strip():
            self.add("must not be empty (không được để trống)", field=key, **where)
            return None
        return value.strip()

    def code(
        self, obj: Mapping[str, Any], key: str, *, required: bool = True, **where: str | None
    ) -> str | None:
        value = obj.get(key, _MISSING)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # YAML reads `code: 1` as a number; codes are text so "01" and "1" stay distinct.
            self.add(
                f'must be text, got the number {value!r}; quote it in YAML ("{value}")',
                field=key,
                **where,
            )
            return None
        result = self.text(obj, key, required=required, **where)
        if result is not None and not _CODE_RE.match(result):
            self.add(
                f"invalid code {result!r}: use letters, digits, '.', '_' or '-' only",
                field=key,
                **where,
            )
            return None
        return result

    def points(
        self, obj: Mapping[str, Any], key: str, *, required: bool = True, **where: str | None
    ) -> Decimal | None:
        value = obj.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.add("required field is missing (thiếu trường bắt buộc)", field=key, **where)
            return None
        try:
            return parse_points(value)
        except PointsFormatError as exc:
            self.add(f"invalid points (điểm): {exc}", field=key, **where)
            return None

    def day(
        self, obj: Mapping[str, Any], key: str, *, required: bool = True, **where: str | None
    ) -> date | None:
        value = obj.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.add("required field is missing (thiếu trường bắt buộc)", field=key, **where)
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.add(f"must be a date written YYYY-MM-DD, got {value!r}", field=key, **where)
        return None

    def boolean(self, obj: Mapping[str, Any], key: str, **where: str | None) -> bool:
        value = obj.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(f"must be true or false, got {value!r}", field=key, **where)
            return False
        return value

    def integer(self, obj: Mapping[str, Any], key: str, **where: str | None) -> int | None:
        value = obj.get(key, _MISSING)
        if value is _MISSING or value is None:
            self.add("required field is missing (thiếu trường bắt buộc)", field=key, **where)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(f"must be a whole number, got {_kind(value)} {value!r}", field=key, **where)
            return None
        return value

    def seq(
        self, obj: Mapping[str, Any], key: str, *, required: bool, **where: str | None
    ) -> list[Any]:
        value = obj.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.add("required field is missing (thiếu trường bắt buộc)", field=key, **where)
            return []
        if not isinstance(value, list):
            self.add(f"must be a list, got {_kind(value)}", field=key, **where)
            return []
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def validate_set(data: Any, source: str = "<data>") -> CriteriaSet:
    """Check a parsed criteria set (the YAML structure as dicts/lists) and build it.

    Raises ``CriteriaSetError`` listing every problem found.
    """
    chk = _Checker(source)
    top = chk.mapping(data, "the criteria set")
    if top is None:
        raise CriteriaSetError(chk.problems)
    chk.unknown_keys(top, _TOP_KEYS)

    code = chk.text(top, "code")
    if code is not None and not _SET_CODE_RE.match(code):
        chk.add(
            f"invalid set code {code!r}: lowercase letters, digits, '.', '_' or '-' only",
            field="code",
        )
        code = None
    version = chk.integer(top, "version")
    if version is not None and version < 1:
        chk.add(f"version must be 1 or more, got {version}", field="version")
    title_vi = chk.text(top, "title_vi")
    title_en = chk.text(top, "title_en")
    legal = _section(chk, top, "legal_basis", _LEGAL_KEYS, _legal_basis_fields)
    status = _section(chk, top, "status", _STATUS_KEYS, _status_fields)
    applies = _section(chk, top, "applies_to", _APPLIES_KEYS, _applies_to_fields)
    notes = chk.text(top, "notes", required=False)
    sources: list[str] = []
    for i, item in enumerate(chk.seq(top, "sources", required=False), start=1):
        if isinstance(item, str) and item.strip():
            sources.append(item.strip())
        else:
            chk.add(f"item {i} must be non-empty text", field="sources")

    parts, part_codes = _parts(chk, chk.seq(top, "parts", required=True))
    criteria = _criteria(chk, chk.seq(top, "criteria", required=True), parts, part_codes)
    rules = _rules(chk, chk.seq(top, "mandatory", required=False), criteria)

    if chk.problems:
        raise CriteriaSetError(chk.problems)
    assert code is not None and version is not None and title_vi is not None
    assert title_en is not None and legal is not None and status is not None
    assert applies is not None
    return CriteriaSet(
        code=code,
        version=version,
        title_vi=title_vi,
        title_en=title_en,
        legal_basis=legal,
        status=status,
        applies_to=applies,
        parts=tuple(parts.values()),
        criteria=tuple(criteria.values()),
        mandatory=tuple(rules),
        notes=notes,
        sources=tuple(sources),
        source=source,
    )


def _section[T](
    chk: _Checker,
    top: Mapping[str, Any],
    name: str,
    keys: set[str],
    build: Callable[[_Checker, Mapping[str, Any]], T | None],
) -> T | None:
    """A required nested mapping (legal_basis, status, applies_to), checked by ``build`` with
    its problems named "<name>.<field>"."""
    value = top.get(name, _MISSING)
    if value is _MISSING:
        chk.add("required field is missing (thiếu trường bắt buộc)", field=name)
        return None
    obj = chk.mapping(value, name, field=name)
    if obj is None:
        return None
    chk.unknown_keys(obj, keys, field=name)
    chk.prefix = f"{name}."
    try:
        return build(chk, obj)
    finally:
        chk.prefix = ""


def _legal_basis_fields(chk: _Checker, obj: Mapping[str, Any]) -> LegalBasis | None:
    decision = chk.text(obj, "decision")
    signed = chk.day(obj, "date")
    start = chk.day(obj, "effective_from")
    end = chk.day(obj, "effective_to", required=False)
    if start is not None and end is not None and end < start:
        chk.add(
            f"effective_to {end.isoformat()} is before effective_from {start.isoformat()}",
            field="effective_to",
        )
        return None
    if decision is None or signed is None or start is None:
        return None
    return LegalBasis(decision=decision, date=signed, effective_from=start, effective_to=end)


def _status_fields(chk: _Checker, obj: Mapping[str, Any]) -> SetStatus | None:
    kind = chk.text(obj, "kind")
    warning_vi = chk.text(obj, "warning_vi", required=False)
    warning_en = chk.text(obj, "warning_en", required=False)
    if kind is None:
        return None
    if kind not in STATUS_KINDS:
        chk.add(f"status kind must be one of {', '.join(STATUS_KINDS)}, got {kind!r}", field="kind")
        return None
    if kind != "official" and not warning_vi:
        # A reconstructed or illustrative sheet must never be shown without saying so.
        chk.add(f"a {kind!r} set needs a Vietnamese warning text (cảnh báo)", field="warning_vi")
        return None
    return SetStatus(kind=kind, warning_vi=warning_vi, warning_en=warning_en)


def _applies_to_fields(chk: _Checker, obj: Mapping[str, Any]) -> AppliesTo | None:
    group = chk.code(obj, "group")
    subgroup = chk.code(obj, "subgroup", required=False)
    product_set = chk.code(obj, "product_set", required=False)
    if group is None:
        return None
    return AppliesTo(group=group, subgroup=subgroup, product_set=product_set)


def _parts(chk: _Checker, items: list[Any]) -> tuple[dict[str, Part], set[str]]:
    """Valid parts by code, plus every part code seen (to avoid follow-on "unknown part")."""
    parts: dict[str, Part] = {}
    seen: set[str] = set()
    group_owner: dict[str, str] = {}
    total = Decimal(0)
    totals_ok = True
    for index, item in enumerate(items, start=1):
        obj = chk.mapping(item, f"part #{index}")
        if obj is None:
            totals_ok = False
            continue
        code = chk.code(obj, "code") if "code" in obj else None
        if code is None:
            if "code" not in obj:
                chk.add(f"part #{index}: required field 'code' is missing")
            totals_ok = False
            continue
        seen.add(code)
        chk.unknown_keys(obj, _PART_KEYS, part=code)
        label_vi = chk.text(obj, "label_vi", part=code)
        label_en = chk.text(obj, "label_en", required=False, part=code)
        max_points = chk.points(obj, "max_points", part=code)
        if max_points is not None and max_points <= 0:
            chk.add("max_points must be greater than 0", part=code, field="max_points")
            max_points = None
        groups: list[CriteriaGroup] = []
        for g_index, g_item in enumerate(chk.seq(obj, "groups", required=True, part=code), 1):
            g_obj = chk.mapping(g_item, f"group #{g_index}", part=code)
            if g_obj is None:
                continue
            g_code = chk.code(g_obj, "code", part=code)
            if g_code is None:
                continue
            chk.unknown_keys(g_obj, _GROUP_KEYS, part=code, field=f"group {g_code}")
            if g_code in group_owner:
                chk.add(
                    f"duplicate criteria group code {g_code!r} (mã nhóm tiêu chí trùng), "
                    f"already used in part {group_owner[g_code]}",
                    part=code,
                )
                continue
            group_owner[g_code] = code
            g_label = chk.text(g_obj, "label_vi", part=code)
            g_label_en = chk.text(g_obj, "label_en", required=False, part=code)
            if g_label is not None:
                groups.append(CriteriaGroup(code=g_code, label_vi=g_label, label_en=g_label_en))
        if code in parts:
            chk.add(f"duplicate part code {code!r} (mã phần trùng)", part=code)
            totals_ok = False
            continue
        if max_points is None:
            totals_ok = False
        else:
            total += max_points
        if label_vi is not None and max_points is not None:
            parts[code] = Part(
                code=code,
                label_vi=label_vi,
                label_en=label_en,
                max_points=max_points,
                groups=tuple(groups),
            )
    if items and totals_ok and total != TOTAL_POINTS:
        chk.add(
            f"the part maxima add up to {vi_points(total)}, they must add up to 100 "
            f"(tổng điểm tối đa các phần phải bằng 100)",
            field="parts",
        )
    return parts, seen


def _criteria(
    chk: _Checker, items: list[Any], parts: Mapping[str, Part], part_codes: set[str]
) -> dict[str, Criterion]:
    criteria: dict[str, Criterion] = {}
    seen_codes = chk.criterion_codes
    broken_parts: set[str] = set()
    group_part = {g.code: p.code for p in parts.values() for g in p.groups}
    for index, item in enumerate(items, start=1):
        obj = chk.mapping(item, f"criterion #{index}")
        if obj is None:
            continue
        code = chk.code(obj, "code") if "code" in obj else None
        if code is None:
            if "code" not in obj:
                chk.add(f"criterion #{index}: required field 'code' is missing")
            continue
        if code in seen_codes:
            chk.add("duplicate criterion code (mã tiêu chí trùng lặp)", criterion=code)
            # The part sums are meaningless with a criterion skipped; do not report them too.
            if isinstance(obj.get("part"), str):
                broken_parts.add(obj["part"])
            continue
        seen_codes.add(code)
        where = {"criterion": code}
        chk.unknown_keys(obj, _CRITERION_KEYS, **where)
        part = chk.code(obj, "part", **where)
        group = chk.code(obj, "group", **where)
        part_ok = part is not None and part in parts
        if part is not None and part not in part_codes:
            chk.add(f"unknown part {part!r} (phần không tồn tại)", field="part", **where)
        if group is not None and part_ok:
            owner = group_part.get(group)
            if owner is None:
                chk.add(
                    f"unknown criteria group {group!r} (nhóm tiêu chí không tồn tại)",
                    field="group",
                    **where,
                )
            elif owner != part:
                chk.add(
                    f"group {group!r} belongs to part {owner}, not to part {part}",
                    field="group",
                    **where,
                )
        label_vi = chk.text(obj, "label_vi", **where)
        label_en = chk.text(obj, "label_en", required=False, **where)
        evidence = chk.text(obj, "evidence_vi", required=False, **where) or ""
        note = chk.text(obj, "note_vi", required=False, **where)
        bonus = chk.boolean(obj, "bonus", **where)
        declared_max = chk.points(obj, "max_points", required=False, **where)
        options = _options(chk, code, chk.seq(obj, "options", required=True, **where))

        if obj.get("options") == []:
            chk.add("needs at least one option (lựa chọn)", field="options", **where)
        if not options:
            if part is not None:
                broken_parts.add(part)
            continue
        highest = max(o.points for o in options)
        max_points = declared_max if declared_max is not None else highest
        if declared_max is not None:
            if declared_max <= 0:
                chk.add("max_points must be greater than 0", field="max_points", **where)
            for option in options:
                if option.points > declared_max:
                    chk.add(
                        f"option points {vi_points(option.points)} exceed the criterion "
                        f"maximum {vi_points(declared_max)} (vượt điểm tối đa của tiêu chí)",
                        option=option.code,
                        field="points",
                        **where,
                    )
            if highest < declared_max:
                # Otherwise the part maximum would be unreachable in practice even though
                # the declared maxima add up.
                chk.add(
                    f"no option reaches the declared maximum {vi_points(declared_max)} "
                    f"(the highest option gives {vi_points(highest)})",
                    field="max_points",
                    **where,
                )
        elif highest <= 0:
            chk.add(
                "every option gives 0 points; the criterion can never score",
                field="options",
                **where,
            )
        if not (_criterion_ok(chk, code) and part_ok and group and label_vi is not None):
            if part is not None:
                broken_parts.add(part)
            continue
        criteria[code] = Criterion(
            code=code,
            part=part,
            group=group,
            label_vi=label_vi,
            label_en=label_en,
            evidence_vi=evidence,
            note_vi=note,
            bonus=bonus,
            max_points=max_points,
            options=tuple(options),
        )

    # Part arithmetic: only meaningful when every criterion of the part was readable,
    # otherwise a single typo would produce a second, misleading "does not add up" error.
    for part in parts.values():
        if part.code in broken_parts:
            continue
        regular = [c for c in criteria.values() if c.part == part.code and not c.bonus]
        total = sum((c.max_points for c in regular), Decimal(0))
        if total < part.max_points:
            chk.add(
                f"the non-bonus criteria maxima add up to {vi_points(total)}, so the part "
                f"maximum {vi_points(part.max_points)} cannot be reached "
                f"(không thể đạt điểm tối đa của phần)",
                part=part.code,
            )
        elif total > part.max_points:
            chk.add(
                f"the non-bonus criteria maxima add up to {vi_points(total)}, more than the "
                f"part maximum {vi_points(part.max_points)} (vượt điểm tối đa của phần)",
                part=part.code,
            )
    return criteria


def _criterion_ok(chk: _Checker, code: str) -> bool:
    """True when no problem so far names this criterion (used to decide whether to keep it)."""
    return not any(p.criterion == code for p in chk.problems)


def _options(chk: _Checker, criterion: str, items: list[Any]) -> list[Option] | None:
    if not items:
        return None
    options: list[Option] = []
    seen: set[str] = set()
    bad = False
    for index, item in enumerate(items, start=1):
        obj = chk.mapping(item, f"option #{index}", criterion=criterion)
        if obj is None:
            bad = True
            continue
        code = chk.code(obj, "code", criterion=criterion) if "code" in obj else None
        if code is None:
            if "code" not in obj:
                chk.add(f"option #{index}: required field 'code' is missing", criterion=criterion)
            bad = True
            continue
        where = {"criterion": criterion, "option": code}
        if code in seen:
            chk.add("duplicate option code within the criterion (mã lựa chọn trùng lặp)", **where)
            bad = True
            continue
        seen.add(code)
        chk.unknown_keys(obj, _OPTION_KEYS, **where)
        label_vi = chk.text(obj, "label_vi", **where)
        label_en = chk.text(obj, "label_en", required=False, **where)
        points = chk.points(obj, "points", **where)
        if points is not None and points < 0:
            chk.add(
                f"negative points {vi_points(points)} are not allowed (điểm âm)",
                field="points",
                **where,
            )
            points = None
        if label_vi is None or points is None:
            bad = True
            continue
        options.append(Option(code=code, label_vi=label_vi, label_en=label_en, points=points))
    if bad:
        return None
    return options


def _rules(
    chk: _Checker, items: list[Any], criteria: Mapping[str, Criterion]
) -> list[MandatoryRule]:
    rules: list[MandatoryRule] = []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        obj = chk.mapping(item, f"mandatory rule #{index}")
        if obj is None:
            continue
        code = chk.code(obj, "code") if "code" in obj else None
        if code is None:
            if "code" not in obj:
                chk.add(f"mandatory rule #{index}: required field 'code' is missing")
            continue
        where = {"rule": code}
        if code in seen:
            chk.add("duplicate mandatory rule code (mã tiêu chí bắt buộc trùng)", **where)
            continue
        seen.add(code)
        chk.unknown_keys(obj, _RULE_KEYS, **where)
        min_stars = chk.integer(obj, "min_stars", **where)
        if min_stars is not None and not 2 <= min_stars <= MAX_STARS:
            # 1★ is the floor of the scale: a rule "to reach 1★" could only cap at 0★.
            chk.add(
                f"min_stars must be between 2 and 5, got {min_stars}", field="min_stars", **where
            )
            min_stars = None
        crit_code = chk.code(obj, "criterion", **where)
        message = chk.text(obj, "message_vi", **where)
        criterion = criteria.get(crit_code) if crit_code is not None else None
        if crit_code is not None and criterion is None and crit_code not in chk.criterion_codes:
            chk.add(
                f"names unknown criterion {crit_code!r} (tiêu chí không tồn tại)",
                field="criterion",
                **where,
            )
        has_points = obj.get("min_points") is not None
        has_one_of = obj.get("one_of") is not None
        min_points: Decimal | None = None
        one_of: tuple[str, ...] | None = None
        if has_points == has_one_of:
            chk.add("give exactly one of 'min_points' or 'one_of'", **where)
        elif has_points:
            min_points = chk.points(obj, "min_points", **where)
            if min_points is not None and min_points < 0:
                chk.add("min_points must not be negative", field="min_points", **where)
                min_points = None
            if (
                min_points is not None
                and criterion is not None
                and min_points > criterion.max_points
            ):
                chk.add(
                    f"min_points {vi_points(min_points)} is above the maximum "
                    f"{vi_points(criterion.max_points)} of criterion {criterion.code}: "
                    "the rule could never pass",
                    field="min_points",
                    **where,
                )
                min_points = None
        else:
            raw = obj.get("one_of")
            if not isinstance(raw, list) or not raw:
                chk.add("one_of must be a non-empty list of option codes", field="one_of", **where)
            elif not all(isinstance(o, str) for o in raw):
                chk.add("one_of must list option codes as text", field="one_of", **where)
            elif len(set(raw)) != len(raw):
                chk.add("one_of lists an option code twice", field="one_of", **where)
            else:
                one_of = tuple(raw)
                if criterion is not None:
                    for option_code in one_of:
                        if criterion.option(option_code) is None:
                            chk.add(
                                f"one_of names unknown option {option_code!r} of criterion "
                                f"{criterion.code} (lựa chọn không tồn tại)",
                                option=option_code,
                                field="one_of",
                                **where,
                            )
                            one_of = None
        if (
            min_stars is None
            or criterion is None
            or message is None
            or (min_points is None and one_of is None)
        ):
            continue
        rules.append(
            MandatoryRule(
                code=code,
                min_stars=min_stars,
                criterion=criterion.code,
                message_vi=message,
                min_points=min_points,
                one_of=one_of,
            )
        )
    return rules


# libyaml's parser is ~10x faster than the pure-Python one; the constructor (where duplicate
# keys are caught) is Python in both cases, so behaviour is identical.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeBase):  # type: ignore[misc,valid-type]
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML strictly; syntax errors become a ``CriteriaSetError`` with the line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        location = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise CriteriaSetError(
            [Problem(message=f"not valid YAML: {problem}", source=source, location=location)]
        ) from None


def load_set_text(text: str, source: str = "<text>") -> CriteriaSet:
    """Validate a criteria set given as YAML text."""
    return validate_set(parse_yaml(text, source), source=source)


def load_set_file(path: str | Path) -> CriteriaSet:
    """Load and validate one YAML criteria set file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CriteriaSetError(
            [Problem(message=f"cannot read the file: {exc}", source=str(file))]
        ) from None
    return load_set_text(text, source=str(file))


def dump_set_yaml(criteria_set: CriteriaSet) -> str:
    """Write a set back to the YAML format (used by the Excel → YAML conversion)."""
    return yaml.safe_dump(criteria_set.to_data(), allow_unicode=True, sort_keys=False, width=100)


def shipped_sets_dir() -> Path:
    """Directory of the sets shipped with the platform (``ocop/criteria/sets``)."""
    return Path(__file__).resolve().parent.parent / "sets"


def list_shipped_sets() -> list[Path]:
    """The shipped criteria set files (every ``*.yaml`` except the classification)."""
    return sorted(p for p in shipped_sets_dir().glob("*.yaml") if p.name != "classification.yaml")
