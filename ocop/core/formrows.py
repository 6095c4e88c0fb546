"""Repeated rows of a form (a gift set's products, a route's stops) sent only as far as they
are used.

Each row of such a form carries a select of everything the row may name: a province's certified
products or its active producers, a thousand options or more in a large province. Sending every
row's select made the page as heavy as the rows times the options (a route's eight stops were
about a megabyte at 17,000 products). The page now brings the rows in use, one empty row after
them and at least ``at_least`` rows; ``site.js`` adds a button that copies the empty row when more
are wanted (up to the form's own number of rows, which its fields still accept). Without
JavaScript the empty rows shown are enough to save, and the next edit shows one more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django import forms
from django.forms import BoundField


@dataclass(frozen=True)
class Row:
    index: int  # the number in its fields' names (product_0, stop_1_destination)
    number: int  # the number its labels show ("Sản phẩm 1")
    fields: list[BoundField]


def _holds_value(form: forms.BaseForm, name: str) -> bool:
    if form.is_bound:
        return bool(str(form.data.get(form.add_prefix(name), "")).strip())
    value = form.initial.get(name, form.fields[name].initial)
    return value not in (None, "")


def rows_to_show(form: forms.BaseForm, indexes: Sequence[int], *,
                 fields: Callable[[int], Sequence[str]],
                 significant: Callable[[int], Sequence[str]],
                 number: Callable[[int], int], at_least: int = 3) -> list[Row]:
    """The rows of ``indexes`` to render: up to the last whose ``significant`` fields hold a
    value (typed, or kept in the record being edited), one more, and at least ``at_least``."""
    used = [i for i, index in enumerate(indexes)
            if any(_holds_value(form, name) for name in significant(index))]
    count = min(len(indexes), max(at_least, used[-1] + 2 if used else 0))
    return [Row(index=index, number=number(index),
                fields=[form[name] for name in fields(index)])
            for index in indexes[:count]]
