"""The dossier checklist (danh mục tài liệu), read from ``data/checklist.yaml``.

The list is data so that an administrator can follow the official list when it is found
(ocop-facts.md §1.6 says the full 148 list was NOT FOUND) without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.core import checks

from ocop.registry.models import DocumentType, Product

CHECKLIST_PATH = Path(__file__).parent / "data" / "checklist.yaml"


class ChecklistError(ValueError):
    pass


@dataclass(frozen=True)
class Scope:
    groups: frozenset[str]
    product_sets: frozenset[str]

    def matches(self, group: str | None, product_set: str) -> bool:
        return (group is not None and group in self.groups) or product_set in self.product_sets


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label_vi: str
    mandatory: bool
    mandatory_from_stars: int | None
    criteria: tuple[str, ...]
    doc_types: tuple[str, ...]
    only_for: Scope | None
    not_for: Scope | None
    min_stars: int | None

    def applies(self, group: str | None, product_set: str, stars: int) -> bool:
        if self.min_stars is not None and stars < self.min_stars:
            return False
        if self.only_for is not None and not self.only_for.matches(group, product_set):
            return False
        return not (self.not_for is not None and self.not_for.matches(group, product_set))

    def is_mandatory(self, stars: int) -> bool:
        if self.mandatory:
            return True
        return self.mandatory_from_stars is not None and stars >= self.mandatory_from_stars


def _scope(raw: Any, where: str) -> Scope | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"groups", "product_sets"}:
        raise ChecklistError(f"{where}: expected {{groups: [...], product_sets: [...]}}")
    return Scope(frozenset(map(str, raw.get("groups", []))),
                 frozenset(map(str, raw.get("product_sets", []))))


_FIELDS = {"code", "label_vi", "mandatory", "mandatory_from_stars", "criteria", "doc_types",
           "only_for", "not_for", "min_stars"}


def parse_checklist(data: Any) -> tuple[ChecklistItem, ...]:
    """Validate the YAML structure; every problem names the item."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ChecklistError("checklist: a mapping with an `items` list is required")
    valid_types = set(DocumentType.values)
    seen: set[str] = set()
    items = []
    for i, raw in enumerate(data["items"]):
        where = f"items[{i}]"
        if not isinstance(raw, dict):
            raise ChecklistError(f"{where}: must be a mapping")
        unknown = set(raw) - _FIELDS
        if unknown:
            raise ChecklistError(f"{where}: unknown fields {sorted(unknown)}")
        code = raw.get("code")
        if not isinstance(code, str) or not code or len(code) > 40:
            raise ChecklistError(f"{where}: code must be a string of 1–40 characters")
        if code in seen:
            raise ChecklistError(f"{where}: duplicate code {code!r}")
        seen.add(code)
        if not isinstance(raw.get("label_vi"), str):
            raise ChecklistError(f"{code}: label_vi is required")
        bad_types = set(raw.get("doc_types", [])) - valid_types
        if bad_types:
            raise ChecklistError(f"{code}: unknown doc_types {sorted(bad_types)}")
        items.append(ChecklistItem(
            code=code,
            label_vi=raw["label_vi"],
            mandatory=bool(raw.get("mandatory", False)),
            mandatory_from_stars=raw.get("mandatory_from_stars"),
            criteria=tuple(map(str, raw.get("criteria", []))),
            doc_types=tuple(raw.get("doc_types", [])),
            only_for=_scope(raw.get("only_for"), code),
            not_for=_scope(raw.get("not_for"), code),
            min_stars=raw.get("min_stars"),
        ))
    return tuple(items)


@lru_cache(maxsize=1)
def all_items() -> tuple[ChecklistItem, ...]:
    with CHECKLIST_PATH.open(encoding="utf-8") as fh:
        return parse_checklist(yaml.safe_load(fh))


def item(code: str) -> ChecklistItem | None:
    return next((it for it in all_items() if it.code == code), None)


def product_scope(product: Product) -> tuple[str | None, str]:
    """(group code or None, product set code) of a product."""
    return product.product_set.group_id, product.product_set_id


def items_for(product: Product, stars: int) -> list[ChecklistItem]:
    group, product_set = product_scope(product)
    return [it for it in all_items() if it.applies(group, product_set, stars)]


@checks.register()
def check_checklist(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``manage.py check`` refuses a malformed checklist.yaml before any page needs it."""
    try:
        with CHECKLIST_PATH.open(encoding="utf-8") as fh:
            parse_checklist(yaml.safe_load(fh))
    except (OSError, yaml.YAMLError, ChecklistError) as exc:
        return [checks.Error(f"{CHECKLIST_PATH.name}: {exc}", id="dossiers.E001")]
    return []
