"""One way to write a number for people, per interface language.

Vietnamese pages write ``88,00`` (decimal comma, dot between thousands), English pages
``88.00`` (Django's locale formats for ``vi`` and ``en``). JSON and stored data always carry
``"88.00"`` (``ocop.criteria.engine.numbers.dec_str``); this module is for pages, PDFs and
messages only. Templates use the ``number`` filter of ``ocop_format``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import numberformat
from django.utils.formats import get_format, number_format
from django.utils.translation import ngettext


def format_decimal(value: Any, places: int = 2) -> str:
    """``Decimal("88")``, ``"88.00"`` or ``88.0`` → ``88,00`` (vi) / ``88.00`` (en).

    Rounds half up like the scoring engine. A value that is not a number (``None``, ``""``,
    text) comes back as it is, so a template can chain ``|default``.
    """
    if isinstance(value, bool) or value is None or value == "":
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places, use_l10n=True)


def format_points(value: Any) -> str:
    """A criterion's points, without useless zeros: ``10``, ``2,5`` (vi) / ``2.5`` (en)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    places = max(0, -number.normalize().as_tuple().exponent)
    return format_decimal(number, places)


def format_money(value: Any) -> str:
    """A whole amount of đồng with its thousands grouped: ``45.000.000`` (vi) / ``45,000,000``
    (en). Django's Vietnamese locale sets no grouping, which leaves budget figures unreadable."""
    if isinstance(value, bool) or value is None or value == "":
        return value
    try:
        number = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return value
    return numberformat.format(number, get_format("DECIMAL_SEPARATOR"), decimal_pos=0,
                               grouping=3, thousand_sep=get_format("THOUSAND_SEPARATOR"),
                               force_grouping=True)


def format_minutes(minutes: int) -> str:
    """A length of time for people: ``45`` → "45 phút", ``120`` → "2 giờ", ``330`` → "5 giờ 30
    phút" ("5 hours 30 minutes" in English), not "330 phút"."""
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d phút", "%(n)d phút", rest) % {"n": rest})
    return " ".join(parts)
