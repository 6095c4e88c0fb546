"""Product classification (Phụ lục I) as data: groups, sub-groups and the 1048 product sets.

Kept as a YAML file rather than a Python enum because the 148 sub-group list is incomplete
(ocop-facts.md §1.4): an administrator must be able to extend it without a code release.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loader import parse_yaml, shipped_sets_dir
from .model import CriteriaSet, CriteriaSetError, Problem


@dataclass(frozen=True)
class ProductGroup:
    """One of the 6 product groups (nhóm sản phẩm) of 148 / 919."""

    code: str
    name_vi: str
    name_en: str
    contents_en: str | None = None


@dataclass(frozen=True)
class SubGroup:
    """A sub-group (phân nhóm); ``confirmed`` is False where the source was cut off."""

    code: str
    group: str
    name_vi: str
    name_en: str
    family_code: str | None = None
    family_vi: str | None = None
    ministry_vi: str | None = None
    confirmed: bool = True
    note: str | None = None


@dataclass(frozen=True)
class ProductSet:
    """A 1048 product set (bộ sản phẩm). ``number`` is a dump row id, not an official code."""

    code: str
    number: int
    name_vi: str
    name_en: str
    group: str
    subgroup: str | None = None


@dataclass(frozen=True)
class Classification:
    version: int
    groups: tuple[ProductGroup, ...]
    subgroups: tuple[SubGroup, ...]
    product_sets: tuple[ProductSet, ...]
    subgroups_note: str | None = None
    product_sets_note: str | None = None
    _index: Mapping[str, Mapping[str, Any]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "_index",
            {
                "group": {g.code: g for g in self.groups},
                "subgroup": {s.code: s for s in self.subgroups},
                "product_set": {p.code: p for p in self.product_sets},
            },
        )

    def group(self, code: str) -> ProductGroup | None:
        return self._index["group"].get(code)

    def subgroup(self, code: str) -> SubGroup | None:
        return self._index["subgroup"].get(code)

    def product_set(self, code: str) -> ProductSet | None:
        return self._index["product_set"].get(code)

    def check_applies_to(self, criteria_set: CriteriaSet) -> list[Problem]:
        """Problems with a set's ``applies_to`` codes against this classification (may be [])."""
        applies = criteria_set.applies_to
        source = criteria_set.source or criteria_set.key
        problems: list[Problem] = []
        if self.group(applies.group) is None:
            problems.append(
                Problem(f"unknown product group {applies.group!r}", source, field="group")
            )
        if applies.subgroup is not None:
            sub = self.subgroup(applies.subgroup)
            if sub is None:
                problems.append(
                    Problem(f"unknown sub-group {applies.subgroup!r}", source, field="subgroup")
                )
            elif sub.group != applies.group:
                problems.append(
                    Problem(
                        f"sub-group {sub.code} belongs to group {sub.group}, not {applies.group}",
                        source,
                        field="subgroup",
                    )
                )
        if applies.product_set is not None and self.product_set(applies.product_set) is None:
            problems.append(
                Problem(f"unknown product set {applies.product_set!r}", source, field="product_set")
            )
        return problems

    def to_dict(self) -> dict[str, Any]:
        def plain(obj: Any) -> dict[str, Any]:
            return {k: v for k, v in obj.__dict__.items() if not k.startswith("_")}

        return {
            "version": self.version,
            "groups": [plain(g) for g in self.groups],
            "subgroups": [plain(s) for s in self.subgroups],
            "subgroups_note": self.subgroups_note,
            "product_sets": [plain(p) for p in self.product_sets],
            "product_sets_note": self.product_sets_note,
        }


def _str(
    obj: Mapping[str, Any],
    key: str,
    problems: list[Problem],
    where: str,
    source: str,
    required: bool = True,
) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            problems.append(Problem(f"{where}: required field '{key}' is missing", source))
        return None
    if not isinstance(value, str):
        problems.append(Problem(f"{where}: field '{key}' must be text", source))
        return None
    return value


def load_classification(path: str | Path | None = None) -> Classification:
    """Load ``classification.yaml`` (the shipped one by default) and check it."""
    file = Path(path) if path is not None else shipped_sets_dir() / "classification.yaml"
    source = str(file)
    data = parse_yaml(file.read_text(encoding="utf-8"), source)
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise CriteriaSetError([Problem("the classification must be a mapping", source)])

    def items(key: str) -> list[Mapping[str, Any]]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            problems.append(Problem(f"'{key}' must be a list of mappings", source))
            return []
        return value

    groups: list[ProductGroup] = []
    for i, g in enumerate(items("groups"), 1):
        where = f"group #{i}"
        code, name_vi, name_en = (
            _str(g, k, problems, where, source) for k in ("code", "name_vi", "name_en")
        )
        contents = _str(g, "contents_en", problems, where, source, required=False)
        if code and name_vi and name_en:
            groups.append(ProductGroup(code, name_vi, name_en, contents))
    group_codes = {g.code for g in groups}

    subgroups: list[SubGroup] = []
    for i, s in enumerate(items("subgroups"), 1):
        where = f"sub-group #{i}"
        code, group, name_vi, name_en = (
            _str(s, k, problems, where, source) for k in ("code", "group", "name_vi", "name_en")
        )
        if group is not None and group not in group_codes:
            problems.append(Problem(f"{where}: unknown group {group!r}", source))
            continue
        confirmed = s.get("confirmed", True)
        if not isinstance(confirmed, bool):
            problems.append(Problem(f"{where}: 'confirmed' must be true or false", source))
            continue
        if code and group and name_vi and name_en:
            subgroups.append(
                SubGroup(
                    code=code,
                    group=group,
                    name_vi=name_vi,
                    name_en=name_en,
                    family_code=_str(s, "family_code", problems, where, source, False),
                    family_vi=_str(s, "family_vi", problems, where, source, False),
                    ministry_vi=_str(s, "ministry_vi", problems, where, source, False),
                    confirmed=confirmed,
                    note=_str(s, "note", problems, where, source, False),
                )
            )

    product_sets: list[ProductSet] = []
    for i, p in enumerate(items("product_sets"), 1):
        where = f"product set #{i}"
        code, name_vi, name_en = (
            _str(p, k, problems, where, source) for k in ("code", "name_vi", "name_en")
        )
        number = p.get("number")
        if isinstance(number, bool) or not isinstance(number, int):
            problems.append(Problem(f"{where}: 'number' must be a whole number", source))
            continue
        group = _str(p, "group", problems, where, source)
        subgroup = _str(p, "subgroup", problems, where, source, False)
        if group is not None and group not in group_codes:
            problems.append(Problem(f"{where}: unknown group {group!r}", source))
            continue
        sub = next((s for s in subgroups if s.code == subgroup), None)
        if subgroup is not None and (sub is None or sub.group != group):
            problems.append(
                Problem(f"{where}: sub-group {subgroup!r} is not in group {group!r}", source)
            )
            continue
        if code and name_vi and name_en and group:
            product_sets.append(ProductSet(code, number, name_vi, name_en, group, subgroup))

    for label, codes in (
        ("group", [g.code for g in groups]),
        ("sub-group", [s.code for s in subgroups]),
        ("product set", [p.code for p in product_sets]),
    ):
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        for code in dupes:
            problems.append(Problem(f"duplicate {label} code {code!r}", source))

    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        problems.append(Problem("'version' must be a whole number", source))
    if problems:
        raise CriteriaSetError(problems)
    return Classification(
        version=version,
        groups=tuple(groups),
        subgroups=tuple(subgroups),
        product_sets=tuple(product_sets),
        subgroups_note=data.get("subgroups_note"),
        product_sets_note=data.get("product_sets_note"),
    )
