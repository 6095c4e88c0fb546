"""Spreadsheet cells that cannot become formulas (CSV/formula injection), for every export.

A producer named ``=HYPERLINK("http://x","y")`` must not turn into a live formula when an
official opens an exported file. Following OWASP's "CSV Injection" advice, every text cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading
single quote (``'=HYPERLINK(…)``): spreadsheet programs then show it as text and never evaluate
it, in .xlsx and in .csv alike. The quote is visible, which is the point: the reader sees the
value was neutralised. Real numbers, dates and booleans are left as they are (a negative number
stays a number). openpyxl would store a string starting with ``=`` as a formula; after the
prefix it is an ordinary string cell.

A text that already begins with a quote gets one more, so :func:`restore_cell` (used by every
importer) can always remove exactly one and give back the original: an exported file imports
back unchanged.

Pure Python (no Django), so the criteria engine can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

__all__ = ["FORMULA_TRIGGERS", "restore_cell", "safe_cell", "safe_row"]


def safe_cell(value: Any) -> Any:
    """The value to write in an exported cell: text that a spreadsheet could read as a formula
    gets a leading ``'``; anything that is not text is returned unchanged."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """``safe_cell`` for each value of a row (``sheet.append(safe_row(...))``, ``csv`` rows)."""
    return [safe_cell(v) for v in values]


def restore_cell(value: Any) -> Any:
    """Undo :func:`safe_cell` on a cell read back from a file: one leading ``'`` is removed."""
    if isinstance(value, str) and value.startswith(QUOTE):
        return value[1:]
    return value
