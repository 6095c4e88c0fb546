from typing import Any

from django import template

from ocop.core.formats import format_decimal, format_minutes, format_money

register = template.Library()


@register.filter
def number(value: Any, places: int = 2) -> str:
    """``{{ r.mean|number }}`` → 88,00 on Vietnamese pages, 88.00 on English ones
    (``{{ area|number:3 }}`` for three decimals). See ocop.core.formats."""
    return format_decimal(value, int(places))


@register.filter
def money(value: Any) -> str:
    """``{{ support.amount|money }}`` → 45.000.000 on Vietnamese pages, 45,000,000 on English."""
    return format_money(value)


@register.filter
def minutes(value: Any) -> str:
    """``{{ total|minutes }}`` → "5 giờ 30 phút" (vi) / "5 hours 30 minutes" (en)."""
    return format_minutes(value)
