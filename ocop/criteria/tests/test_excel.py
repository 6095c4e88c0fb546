"""Excel template: round trip, and errors naming sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from ocop.criteria.engine import CriteriaSet, CriteriaSetError
from ocop.criteria.engine.excel import excel_bytes, read_excel, read_excel_bytes, write_excel

from .helpers import set_148, set_1048, small_set


@pytest.mark.parametrize("factory", [set_1048, set_148, small_set], ids=["1048", "148", "small"])
def test_round_trip(tmp_path: Path, factory: type[CriteriaSet]) -> None:
    original = factory()
    path = tmp_path / "set.xlsx"
    write_excel(original, path)
    again = read_excel(path)
    assert again == original
    assert again.source == str(path)
    assert read_excel_bytes(excel_bytes(original), name="upload.xlsx") == original


def _template(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    write_excel(small_set(), path)
    return path


def _column(ws: object, name: str) -> int:
    for cell in ws[1]:  # type: ignore[index]
        if cell.value == name:
            return int(cell.column)
    raise KeyError(name)


def _row_of(ws: object, criterion: str, option: str) -> int:
    crit_col = _column(ws, "criterion_code")
    opt_col = _column(ws, "option_code")
    for row in ws.iter_rows(min_row=2):  # type: ignore[attr-defined]
        if row[crit_col - 1].value == criterion and row[opt_col - 1].value == option:
            return int(row[0].row)
    raise KeyError((criterion, option))


def _problems(path: Path) -> list[str]:
    with pytest.raises(CriteriaSetError) as err:
        read_excel(path)
    return [str(p) for p in err.value.problems]


def test_validation_problems_point_at_the_cell(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    ws = wb["criteria"]
    row = _row_of(ws, "B1", "c")
    points_col = _column(ws, "points")
    ws.cell(row=row, column=points_col, value=30)  # above the criterion maximum (25)
    ws.cell(row=_row_of(ws, "C1", "b"), column=points_col, value="abc")
    wb.save(path)
    problems = _problems(path)
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[points_col - 1]
    assert any(
        f"sheet 'criteria', row {_row_of(ws, 'C1', 'b')}, column {letter} (points)" in p
        and "expected a number" in p
        for p in problems
    ), problems
    assert any(
        f"sheet 'criteria', row {row}, column {letter} (points): criterion B1, option c" in p
        and "exceed the criterion maximum 25" in p
        for p in problems
    ), problems
    assert all(str(path) in p for p in problems)


def test_part_sum_problem_points_at_the_parts_sheet(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    ws = wb["criteria"]
    ws.cell(row=_row_of(ws, "B1", "a"), column=_column(ws, "max_points"), value=30)
    ws.cell(row=_row_of(ws, "B1", "c"), column=_column(ws, "points"), value=30)
    wb.save(path)
    problems = _problems(path)
    assert len(problems) == 1, problems
    assert "sheet 'parts', row 3: part B" in problems[0]
    assert "more than the part maximum 25" in problems[0]


def test_structural_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    ws = wb["criteria"]
    # Conflicting criterion data on a continuation row.
    row = _row_of(ws, "A1", "b")
    ws.cell(row=row, column=_column(ws, "part"), value="B")
    # A bad bonus flag and an empty criterion code.
    ws.cell(row=_row_of(ws, "AK", "a"), column=_column(ws, "bonus"), value="maybe")
    empty_row = _row_of(ws, "C1", "a")
    # (ws.cell(..., value=None) would not clear the cell.)
    ws.cell(row=empty_row, column=_column(ws, "criterion_code")).value = None
    # Unknown meta key.
    wb["meta"].append(["colour", "blue"])
    wb.save(path)
    problems = _problems(path)
    part_letter = "A"
    assert any(
        f"sheet 'criteria', row {row}, column {part_letter} (part)" in p and "conflicts" in p
        for p in problems
    ), problems
    assert any("(bonus)" in p and "bonus must be" in p for p in problems), problems
    assert any(
        f"row {empty_row}, column C (criterion_code)" in p and "criterion code is empty" in p
        for p in problems
    ), problems
    assert any("sheet 'meta'" in p and "unknown key 'colour'" in p for p in problems), problems


def test_missing_sheet_and_column(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    del wb["groups"]
    ws = wb["criteria"]
    ws.delete_cols(_column(ws, "points"))
    ws.cell(row=1, column=ws.max_column + 1, value="pointz")
    wb.save(path)
    problems = _problems(path)
    assert any("required sheet 'groups' is missing" in p for p in problems), problems
    wb = load_workbook(path)
    wb.create_sheet("groups").append(["part", "code", "label_vi"])
    wb.save(path)
    problems = _problems(path)
    assert any(
        "sheet 'criteria', row 1" in p and "unknown column 'pointz'" in p for p in problems
    ), problems
    assert any("required column 'points' is missing" in p for p in problems), problems


def test_meta_and_rule_problems_are_located(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    meta = wb["meta"]
    for row in meta.iter_rows(min_row=2):
        if row[0].value == "version":
            row[1].value = "x"
            version_row = row[0].row
    rules = wb["mandatory"]
    rules.cell(row=2, column=3, value="NOPE")
    wb.save(path)
    problems = _problems(path)
    assert any(
        f"sheet 'meta', row {version_row}, column B (value)" in p and "whole number" in p
        for p in problems
    ), problems
    assert any(
        "sheet 'mandatory', row 2, column C (criterion)" in p and "unknown criterion 'NOPE'" in p
        for p in problems
    ), problems


def test_not_an_excel_file(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("hello")
    problems = _problems(path)
    assert len(problems) == 1 and "cannot open the file as an Excel workbook" in problems[0]


def test_numbers_typed_as_codes_are_read_as_text(tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    meta = wb["meta"]
    for row in meta.iter_rows(min_row=2):
        if row[0].value == "applies_to.group":
            row[1].value = 1  # Excel turns a typed "1" into a number
    wb.save(path)
    assert read_excel(path).applies_to.group == "1"
