from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """Whole đồng with thousands grouped: ``20.900.000.000`` on Vietnamese pages,
    ``20,900,000,000`` on English ones (Django's ``vi`` locale sets no grouping, and an amount
    of eleven digits is unreadable without it)."""
    try:
        number = int(Decimal(str(value)))
    except (InvalidOperation, TypeError, ValueError):
        return value
    separator = get_format("THOUSAND_SEPARATOR")
    digits = f"{abs(number):,}".replace(",", separator)
    return f"-{digits}" if number < 0 else digits
