"""``{{ cell.value|figure }}``: a dashboard number as the reader writes it (1.234 and 40,5 on
Vietnamese pages), a date text as it is, a missing value as a dash."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from ocop.core.formats import format_decimal, format_money

register = template.Library()


@register.filter
def figure(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format_decimal(value, 1)
    if isinstance(value, int):
        return format_money(value)
    return str(value)
