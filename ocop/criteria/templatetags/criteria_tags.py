from decimal import Decimal
from typing import Any

from django import template

from ocop.criteria.engine.numbers import plain_number

register = template.Library()


@register.filter
def points(value: Decimal) -> str:
    """10 → "10", 2.5 → "2.5" (Vietnamese readers expect no trailing .00 on whole points)."""
    return str(plain_number(value))


@register.filter
def star_string(stars: int | None) -> str:
    return "★" * int(stars or 0)


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
