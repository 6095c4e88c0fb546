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

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

__all__ = ["FORMULA_TRIGGERS", "add_table", "cell_date", "cell_text", "restore_cell", "safe_cell",
           "safe_row"]

# How offices type a date into a text cell, tried in this order.
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y")


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


def add_table(wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
              formats: Sequence[str | None]) -> Worksheet:
    """A sheet of ``rows`` under bold, wrapped ``headers`` that stay in view when scrolling,
    each column in its number format (``formats``, None for text), every cell through
    :func:`safe_row`: how every exported figures table looks (reports, fairs)."""
    sheet = wb.create_sheet(title[:31])  # Excel's limit on a sheet name
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for values in rows:
        sheet.append(safe_row(values))
        row = sheet.max_row
        for column, fmt in enumerate(formats, start=1):
            if fmt:
                sheet.cell(row, column).number_format = fmt
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(48, len(header) + 4))
    return sheet


def cell_text(value: Any) -> str:
    """A cell read back as text: empty for an empty cell, ``12`` (not ``12.0``) for a whole
    number Excel stored as a float, surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_date(value: Any) -> date | None:
    """A date cell, or a date typed as text the way offices write it (dd/mm/yyyy, dd-mm-yyyy,
    yyyy-mm-dd, dd.mm.yyyy). None for an empty cell; ValueError for anything else (the caller
    words the message for its own sheet)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
