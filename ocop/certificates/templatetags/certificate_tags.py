"""Display helpers for certificate templates."""

from __future__ import annotations

from datetime import date

from django import template

from ocop.certificates.models import RecognitionDecision
from ocop.certificates.selectors import issuer_name

register = template.Library()


@register.filter
def vndate(value: str | date | None) -> str:
    """An ISO date (as in the public JSON) or a date as dd/mm/yyyy; empty for None."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day:%d/%m/%Y}"


@register.filter
def star_row(stars: int | None) -> str:
    return "★" * int(stars or 0)


@register.filter
def issuer(decision: RecognitionDecision) -> str:
    """The decision's issuer by its official name on the day it signed (not translated)."""
    return issuer_name(decision)
