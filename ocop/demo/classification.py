"""Match catalogue templates to the product sets that are actually loaded.

Set codes are data an administrator loads (and may replace with the official annex), so the
demo never hard-codes them: it looks for the set whose name contains the template's keywords.
"""

from __future__ import annotations

import re

from ocop.core.text import fold
from ocop.demo.catalogue import Template
from ocop.registry.models import ProductSet

_NON_WORD = re.compile(r"[^0-9a-z]+")


def _words(text: str) -> str:
    # Padded with spaces so that "hoa" matches the word, never the inside of "khoang".
    return " " + _NON_WORD.sub(" ", fold(text)).strip() + " "


class SetResolver:
    """Finds a ProductSet for a template; None when the loaded classification has none."""

    def __init__(self) -> None:
        self._sets = [
            (s, _words(s.name_vi), _words(s.subgroup.name_vi) if s.subgroup else "")
            for s in ProductSet.objects.select_related("subgroup").order_by("code")
        ]
        self._cache: dict[str, ProductSet | None] = {}

    def __bool__(self) -> bool:
        return bool(self._sets)

    def resolve(self, template: Template) -> ProductSet | None:
        if template.key not in self._cache:
            self._cache[template.key] = self._find(template)
        return self._cache[template.key]

    def _find(self, template: Template) -> ProductSet | None:
        for hint in template.set_hints:
            needle = _words(hint)
            for product_set, name, _ in self._sets:
                if needle in name:
                    return product_set
            for product_set, _, subgroup_name in self._sets:
                if needle in subgroup_name:
                    return product_set
        return None
