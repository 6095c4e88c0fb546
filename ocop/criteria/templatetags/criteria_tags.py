from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from ocop.criteria.engine import CriteriaSet
from ocop.web.formats import format_decimal, format_points

register = template.Library()


@register.filter
def points(value: Decimal) -> str:
    """10 → "10", 2.5 → "2,5" (vi) / "2.5" (en): no trailing zeros on whole points."""
    return format_points(value)


@register.filter
def score(value: str | Decimal) -> str:
    """A score from the engine's JSON ("66.36") in the reader's convention: 66,36 in Vietnamese,
    66.36 in English — the same display as the council and certificate pages."""
    return format_decimal(value)


@register.filter
def star_string(stars: int | None) -> str:
    return "★" * int(stars or 0)


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def localized(obj: Any, field: str) -> str:
    """``{{ part|localized:"label" }}``: ``label_en`` on the English interface when the criteria
    data has it, else ``label_vi``. The Vietnamese text is the authoritative one (a set's YAML
    carries English only where someone translated it), hence the fallback."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", None)
        if english:
            return english
    return getattr(obj, f"{field}_vi", "") or ""


@register.filter
def advice_labels(change: Mapping[str, Any], criteria_set: Any = None) -> dict[str, str]:
    """Criterion and option labels of one advice change (engine JSON) in the reader's language.

    The JSON carries Vietnamese only; the set, when the page has it, supplies the English. Pages
    that include the result panel without the set (a dossier's self-assessment) keep Vietnamese."""
    labels = {
        "criterion": change["label_vi"],
        "current": change["current_label_vi"],
        "suggested": change["suggested_label_vi"],
    }
    criterion = (
        criteria_set.criterion(change["criterion"]) if isinstance(criteria_set, CriteriaSet)
        else None
    )
    if criterion is not None:
        labels["criterion"] = localized(criterion, "label")
        for key in ("current", "suggested"):
            option = criterion.option(change[f"{key}_option"])
            if option is not None:
                labels[key] = localized(option, "label")
    return labels
