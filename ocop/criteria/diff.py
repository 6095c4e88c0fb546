"""What changed between two versions of a criteria set, and what that means for a product.

Pure functions over the stored (canonical) data of two versions — no database, no Django — so
the reviewer's diff before activation and the producer's "what changed for you" on a
re-recognition dossier come from the same comparison and are unit-tested without fixtures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# Kinds of change, in the order a reviewer reads them.
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# Subjects.
PART, GROUP, CRITERION, OPTION, RULE = "part", "group", "criterion", "option", "rule"

# Fields compared per subject (label_en and evidence are compared too: a reviewer should see
# every edit, not only the scoring ones).
_PART_FIELDS = ("label_vi", "label_en", "max_points")
_GROUP_FIELDS = ("part", "label_vi", "label_en")
_CRITERION_FIELDS = ("part", "group", "label_vi", "label_en", "evidence_vi", "note_vi",
                     "max_points", "bonus")
_OPTION_FIELDS = ("label_vi", "label_en", "points")
_RULE_FIELDS = ("min_stars", "criterion", "min_points", "one_of", "message_vi")
_NUMERIC = frozenset({"max_points", "points", "min_points"})


@dataclass(frozen=True)
class Change:
    kind: str  # ADDED | REMOVED | CHANGED
    subject: str  # PART | GROUP | CRITERION | OPTION | RULE
    code: str  # "A1", or "A1 / b" for an option
    label: str  # the Vietnamese label (new one if present, else the old one)
    field: str | None = None  # CHANGED only
    before: Any = None
    after: Any = None


def _norm(field: str, value: Any) -> Any:
    # Stored points may be int, float-free strings or Decimals: compare them as numbers.
    if field in _NUMERIC and value is not None:
        return Decimal(str(value)).normalize()
    if field == "bonus":
        return bool(value)
    return value


def _fields(kind: str, code: str, label: str, old: Mapping[str, Any],
            new: Mapping[str, Any], fields: tuple[str, ...]) -> list[Change]:
    out = []
    for name in fields:
        before, after = _norm(name, old.get(name)), _norm(name, new.get(name))
        if before != after:
            out.append(Change(CHANGED, kind, code, label, name, before, after))
    return out


def _by_code(items: Any) -> dict[str, Mapping[str, Any]]:
    return {item["code"]: item for item in items or ()}


def _compare(subject: str, old: dict[str, Mapping[str, Any]], new: dict[str, Mapping[str, Any]],
             fields: tuple[str, ...], label_key: str = "label_vi",
             prefix: str = "") -> list[Change]:
    out: list[Change] = []
    for code, item in new.items():
        label = str(item.get(label_key) or "")
        if code not in old:
            out.append(Change(ADDED, subject, prefix + code, label,
                              after=_norm("points", item["points"]) if subject == OPTION else None))
        else:
            out.extend(_fields(subject, prefix + code, label, old[code], item, fields))
    for code, item in old.items():
        if code not in new:
            out.append(Change(REMOVED, subject, prefix + code, str(item.get(label_key) or ""),
                              before=_norm("points", item["points"]) if subject == OPTION
                              else None))
    return out


def diff_sets(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every added, removed or changed part, group, criterion, option and mandatory rule from
    ``old`` to ``new`` (both in the stored data format), parts first, then criteria in the new
    sheet's order with their options right after them, removed criteria last, then rules."""
    out = _compare(PART, _by_code(old.get("parts")), _by_code(new.get("parts")), _PART_FIELDS)
    old_groups = {g["code"]: {**g, "part": p["code"]}
                  for p in old.get("parts") or () for g in p.get("groups") or ()}
    new_groups = {g["code"]: {**g, "part": p["code"]}
                  for p in new.get("parts") or () for g in p.get("groups") or ()}
    out += _compare(GROUP, old_groups, new_groups, _GROUP_FIELDS)
    old_criteria, new_criteria = _by_code(old.get("criteria")), _by_code(new.get("criteria"))
    for code, item in new_criteria.items():
        label = str(item.get("label_vi") or "")
        before = old_criteria.get(code)
        if before is None:
            out.append(Change(ADDED, CRITERION, code, label,
                              after=_norm("max_points", item.get("max_points"))))
            continue
        out += _fields(CRITERION, code, label, before, item, _CRITERION_FIELDS)
        out += _compare(OPTION, _by_code(before.get("options")), _by_code(item.get("options")),
                        _OPTION_FIELDS, prefix=f"{code} / ")
    out += [Change(REMOVED, CRITERION, code, str(item.get("label_vi") or ""),
                   before=_norm("max_points", item.get("max_points")))
            for code, item in old_criteria.items() if code not in new_criteria]
    out += _compare(RULE, _by_code(old.get("mandatory")), _by_code(new.get("mandatory")),
                    _RULE_FIELDS, label_key="message_vi")
    return out


# --- One product's previous answers against a new version -------------------------------------

CRITERION_REMOVED = "criterion_removed"
OPTION_REMOVED = "option_removed"
POINTS_CHANGED = "points_changed"
CRITERION_NEW = "criterion_new"


@dataclass(frozen=True)
class AnswerChange:
    kind: str  # CRITERION_REMOVED | OPTION_REMOVED | POINTS_CHANGED | CRITERION_NEW
    criterion: str
    label: str
    option: str | None = None
    option_label: str = ""
    before: Decimal | None = None  # the points the previous answer earned
    after: Decimal | None = None  # the points the same answer earns now

    @property
    def lost(self) -> bool:
        """The product no longer earns what it earned on this criterion."""
        return self.kind in (CRITERION_REMOVED, OPTION_REMOVED) or (
            self.kind == POINTS_CHANGED and self.after is not None and self.before is not None
            and self.after < self.before)


def _points(option: Mapping[str, Any]) -> Decimal:
    return Decimal(str(option["points"])).normalize()


def answers_against(old: Mapping[str, Any], answers: Mapping[str, str],
                    new: Mapping[str, Any]) -> list[AnswerChange]:
    """What the answers given on ``old`` mean on ``new``: criteria that no longer exist, chosen
    options that no longer exist, the same option worth other points, and new criteria the
    product has not answered yet. Unanswered criteria of ``old`` are ignored."""
    old_criteria, new_criteria = _by_code(old.get("criteria")), _by_code(new.get("criteria"))
    out: list[AnswerChange] = []
    for code, option_code in answers.items():
        before_criterion = old_criteria.get(code)
        if before_criterion is None:
            continue  # an answer the old sheet did not know: nothing to compare
        before_option = _by_code(before_criterion.get("options")).get(option_code)
        if before_option is None:
            continue
        label = str(before_criterion.get("label_vi") or "")
        option_label = str(before_option.get("label_vi") or "")
        now = new_criteria.get(code)
        if now is None:
            out.append(AnswerChange(CRITERION_REMOVED, code, label, option_code, option_label,
                                    before=_points(before_option)))
            continue
        now_option = _by_code(now.get("options")).get(option_code)
        if now_option is None:
            out.append(AnswerChange(OPTION_REMOVED, code, str(now.get("label_vi") or label),
                                    option_code, option_label, before=_points(before_option)))
        elif _points(now_option) != _points(before_option):
            out.append(AnswerChange(POINTS_CHANGED, code, str(now.get("label_vi") or label),
                                    option_code, str(now_option.get("label_vi") or ""),
                                    before=_points(before_option), after=_points(now_option)))
    out += [AnswerChange(CRITERION_NEW, code, str(item.get("label_vi") or ""))
            for code, item in new_criteria.items() if code not in old_criteria]
    return out
