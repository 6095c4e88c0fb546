"""Unit names in templates, from the one source (``ocop.units.names``)."""

from __future__ import annotations

from django import template
from django.utils.text import capfirst

from ocop.units.models import Unit
from ocop.units.names import full_address, official_name

register = template.Library()


@register.filter
def address(unit: Unit | None, street: str = "") -> str:
    """The whole address, starting a line: "Xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang (nay là
    …)", or after the street: "Thôn Đông, xã Lục Ngạn, …"."""
    text = full_address(unit)
    return f"{street}, {text}" if street else capfirst(text)


@register.filter
def in_sentence(unit: Unit | None) -> str:
    """The unit's name inside a sentence: "xã Lục Ngạn"."""
    return official_name(unit, lowercase_type=True) if unit is not None else ""


@register.filter
def name_in_sentence(full_name: str) -> str:
    """A unit's full name already read as text (the catalogue's rows: "Thành phố Bắc Ninh")
    inside a sentence: "thành phố Bắc Ninh". A full name starts with its type word."""
    return full_name[:1].lower() + full_name[1:]
