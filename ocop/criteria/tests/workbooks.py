"""Excel templates edited the way an office would edit them, for the upload tests."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet


def column(ws: Worksheet, name: str) -> int:
    return [c.value for c in ws[1]].index(name) + 1


def rows(ws: Worksheet, **match: str) -> list[int]:
    """Row numbers whose cells under the given headers hold the given values."""
    cols = {name: column(ws, name) for name in match}
    return [r for r in range(2, ws.max_row + 1)
            if all(str(ws.cell(r, cols[name]).value) == value for name, value in match.items())]


def set_cell(ws: Worksheet, row: int, name: str, value: object) -> None:
    ws.cell(row, column(ws, name)).value = value


def edited(content: bytes, *edits: Callable[[Workbook], None]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    for edit in edits:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "phieu.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- Edits ---------------------------------------------------------------------------------


def cheaper_a1_c(book: Workbook) -> None:
    """A1 option c worth 3 instead of 4 (the criterion maximum stays 5: sums still add up)."""
    ws = book["criteria"]
    set_cell(ws, rows(ws, criterion_code="A1", option_code="c")[0], "points", 3)


def missing_part_c(book: Workbook) -> None:
    ws = book["parts"]
    ws.delete_rows(rows(ws, code="C")[0])


def part_a_overflows(book: Workbook) -> None:
    ws = book["criteria"]
    a1 = rows(ws, criterion_code="A1")
    set_cell(ws, a1[0], "max_points", 6)
    set_cell(ws, a1[-1], "points", 6)


def duplicate_criterion(book: Workbook) -> None:
    ws = book["criteria"]
    for r in rows(ws, criterion_code="B1"):
        set_cell(ws, r, "criterion_code", "A1")


def option_without_points(book: Workbook) -> None:
    ws = book["criteria"]
    set_cell(ws, rows(ws, criterion_code="A1", option_code="c")[0], "points", None)


def rule_unknown_criterion(book: Workbook) -> None:
    ws = book["mandatory"]
    set_cell(ws, 2, "criterion", "Z99")


def version(number: int) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        ws = book["meta"]
        set_cell(ws, rows(ws, key="version")[0], "value", number)
    return edit
