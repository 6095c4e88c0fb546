"""Decimal helpers shared by the engine.

Points are money-like quantities: a council mean of 66.36 must not become 66.35999…, and a
star band edge (50) must be compared exactly. So every point value is a ``Decimal`` with at
most two decimal places, and the advice search works on integer hundredths ("units").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TWO_PLACES = Decimal("0.01")
#: Points are stored with at most two decimals; the advice DP multiplies by this factor.
UNITS_PER_POINT = 100


class PointsFormatError(ValueError):
    """A value is not a valid point amount (reason in the message)."""


def parse_points(value: object) -> Decimal:
    """Turn a YAML/Excel/JSON value into a ``Decimal`` point amount.

    Floats are accepted only because YAML and Excel hand us ``1.5`` as a float; ``repr`` of a
    float that came from a short literal is that literal, so ``Decimal(repr(x))`` is exact for
    every value with two decimals. Booleans are rejected although they are ints in Python:
    ``points: yes`` is a typo, not 1 point.
    """
    if isinstance(value, bool):
        raise PointsFormatError(f"expected a number, got the boolean {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            raise PointsFormatError(f"expected a number, got {value!r}") from None
    else:
        raise PointsFormatError(f"expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise PointsFormatError(f"expected a finite number, got {value!r}")
    if result != result.quantize(TWO_PLACES):
        raise PointsFormatError(f"at most 2 decimal places are allowed, got {value!r}")
    # Normalise the exponent so 2, 2.0 and 2.00 print alike everywhere.
    return result.quantize(TWO_PLACES)


def to_units(points: Decimal) -> int:
    """Exact integer hundredths of a point (validated values have ≤ 2 decimals)."""
    return int(points * UNITS_PER_POINT)


def from_units(units: int) -> Decimal:
    """Inverse of :func:`to_units`."""
    return (Decimal(units) / UNITS_PER_POINT).quantize(TWO_PLACES)


def q2(value: Decimal) -> Decimal:
    """Round to 2 decimals, half up (the way a council secretary rounds by hand)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def dec_str(value: Decimal) -> str:
    """JSON representation: always two decimals, e.g. ``"66.36"``, ``"35.00"``."""
    return f"{q2(value):f}"


def vi_points(value: Decimal) -> str:
    """Vietnamese display of a point amount: decimal comma, no useless zeros (``2,5``, ``35``)."""
    text = f"{q2(value):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def plain_number(value: Decimal) -> int | float:
    """YAML/Excel export: an ``int`` when integral, else a float that reprs as the decimal."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def vi_total(value: Decimal) -> str:
    """Vietnamese display of a total: always two decimals with a decimal comma (``66,36``)."""
    return f"{q2(value):f}".replace(".", ",")
