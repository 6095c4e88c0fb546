"""Excel template for criteria sets: write a set to .xlsx and import it back.

Administrators transcribe official annexes in Excel, not YAML, so the import must point at
the exact cell that is wrong: every problem carries "sheet 'criteria', row 12, column I
(points)". Validation itself is shared with the YAML path (``validate_set``); this module
only maps cells to the YAML structure and maps the validator's problems back to cells.

Workbook layout (header names in row 1, order free, unknown headers rejected):
- ``meta``: two columns ``key`` / ``value`` (code, version, title_vi, legal_basis.date, …);
- ``parts``: code, label_vi, label_en, max_points;
- ``groups``: part, code, label_vi, label_en;
- ``criteria``: one row per option; criterion columns may be left blank on the option rows
  after the first one of a criterion (they are inherited);
- ``mandatory`` (optional): code, min_stars, criterion, min_points, one_of, message_vi;
- any other sheet (e.g. the ``huong_dan`` instructions) is ignored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ocop.core import ooxml
from ocop.core.spreadsheets import restore_cell, safe_row

from .loader import validate_set
from .model import CriteriaSet, CriteriaSetError, Problem
from .numbers import plain_number

META_KEYS = (
    "code", "version", "title_vi", "title_en",
    "legal_basis.decision", "legal_basis.date", "legal_basis.effective_from",
    "legal_basis.effective_to",
    "status.kind", "status.warning_vi", "status.warning_en",
    "applies_to.group", "applies_to.subgroup", "applies_to.product_set",
    "notes", "sources",
)  # fmt: skip
PART_COLUMNS = ("code", "label_vi", "label_en", "max_points")
GROUP_COLUMNS = ("part", "code", "label_vi", "label_en")
CRITERIA_COLUMNS = (
    "part", "group", "criterion_code", "criterion_label_vi", "criterion_label_en",
    "evidence_vi", "note_vi", "bonus", "max_points",
    "option_code", "option_label_vi", "option_label_en", "points",
)  # fmt: skip
RULE_COLUMNS = ("code", "min_stars", "criterion", "min_points", "one_of", "message_vi")

_REQUIRED = {
    "meta": ("key", "value"),
    "parts": ("code", "label_vi", "max_points"),
    "groups": ("part", "code", "label_vi"),
    "criteria": (
        "part", "group", "criterion_code", "criterion_label_vi",
        "option_code", "option_label_vi", "points",
    ),
    "mandatory": ("code", "min_stars", "criterion", "message_vi"),
}  # fmt: skip
_ALLOWED = {
    "meta": ("key", "value"),
    "parts": PART_COLUMNS,
    "groups": GROUP_COLUMNS,
    "criteria": CRITERIA_COLUMNS,
    "mandatory": RULE_COLUMNS,
}
# Criterion-level columns, inherited by the following option rows of the same criterion.
_CRITERION_FIELDS = {
    "part": "part", "group": "group", "criterion_label_vi": "label_vi",
    "criterion_label_en": "label_en", "evidence_vi": "evidence_vi", "note_vi": "note_vi",
    "bonus": "bonus", "max_points": "max_points",
}  # fmt: skip
_OPTION_FIELDS = {
    "option_code": "code", "option_label_vi": "label_vi",
    "option_label_en": "label_en", "points": "points",
}  # fmt: skip
# Leaf field names used by the validator → meta keys, for locating problems.
_META_FIELD = {key: key for key in META_KEYS} | {
    "legal_basis": "legal_basis.decision",
    "status": "status.kind",
    "applies_to": "applies_to.group",
}
_TRUE = {"true", "yes", "x", "có", "co", "1", "đúng"}
_FALSE = {"false", "no", "không", "khong", "0", "sai", ""}

_INSTRUCTIONS = (
    "HƯỚNG DẪN NHẬP BỘ TIÊU CHÍ OCOP (Excel template for OCOP criteria sets)",
    "Sheet 'meta': mỗi dòng một khoá (key) và giá trị (value). Ngày ghi dạng ngày hoặc YYYY-MM-DD.",
    "Sheet 'parts': các phần A/B/C và điểm tối đa; tổng điểm tối đa các phần phải bằng 100.",
    "Sheet 'groups': các nhóm tiêu chí trong từng phần.",
    "Sheet 'criteria': mỗi dòng là MỘT LỰA CHỌN của một tiêu chí. Các cột của tiêu chí (part, "
    "group, criterion_label_vi, …) chỉ cần ghi ở dòng đầu của tiêu chí.",
    "Cột bonus: ghi 'x' hoặc TRUE nếu là tiêu chí điểm khuyến khích (không tính vào tổng tối "
    "đa của phần; phần và tổng điểm vẫn bị giới hạn ở mức tối đa).",
    "Sheet 'mandatory': tiêu chí bắt buộc; ghi min_points HOẶC one_of (mã lựa chọn, cách nhau "
    "bởi dấu phẩy). min_stars = hạng sao áp dụng trở lên.",
    "Điểm có tối đa 2 chữ số thập phân. Mã (code) chỉ gồm chữ, số, '.', '_' hoặc '-'.",
)

Source = str | Path | IO[bytes]


def write_excel(criteria_set: CriteriaSet, target: Source) -> None:
    """Write the Excel template filled with ``criteria_set`` (path or binary stream)."""
    wb = Workbook()
    meta = wb.active
    assert meta is not None
    meta.title = "meta"
    data = criteria_set.to_data()
    meta_rows: list[tuple[str, Any]] = []
    for key in META_KEYS:
        if key == "sources":
            meta_rows += [("sources", s) for s in criteria_set.sources]
            continue
        value: Any = data
        for bit in key.split("."):
            value = value.get(bit) if isinstance(value, dict) else None
        if value is not None:
            meta_rows.append((key, value))
    _table(meta, ("key", "value"), meta_rows)

    _table(
        wb.create_sheet("parts"),
        PART_COLUMNS,
        [(p.code, p.label_vi, p.label_en, plain_number(p.max_points)) for p in criteria_set.parts],
    )
    _table(
        wb.create_sheet("groups"),
        GROUP_COLUMNS,
        [(p.code, g.code, g.label_vi, g.label_en) for p in criteria_set.parts for g in p.groups],
    )
    rows: list[tuple[Any, ...]] = []
    for c in criteria_set.criteria:
        for index, o in enumerate(c.options):
            # Criterion columns only on the first option row: that is how people fill it in.
            head = (
                (
                    c.part,
                    c.group,
                    c.code,
                    c.label_vi,
                    c.label_en,
                    c.evidence_vi or None,
                    c.note_vi,
                    "x" if c.bonus else None,
                    plain_number(c.max_points),
                )
                if index == 0
                else (None, None, c.code, None, None, None, None, None, None)
            )
            rows.append((*head, o.code, o.label_vi, o.label_en, plain_number(o.points)))
    _table(wb.create_sheet("criteria"), CRITERIA_COLUMNS, rows)
    _table(
        wb.create_sheet("mandatory"),
        RULE_COLUMNS,
        [
            (
                r.code,
                r.min_stars,
                r.criterion,
                None if r.min_points is None else plain_number(r.min_points),
                None if r.one_of is None else ", ".join(r.one_of),
                r.message_vi,
            )
            for r in criteria_set.mandatory
        ],
    )
    help_sheet = wb.create_sheet("huong_dan")
    for line in _INSTRUCTIONS:
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 120
    wb.save(target)  # type: ignore[arg-type]


def _table(ws: Worksheet, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        ws.append(safe_row(row))  # set texts come from uploaded files: never formulas
    ws.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        width = max([len(name), *(len(str(r[index - 1] or "")) for r in rows)], default=10)
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))


class _Sheet:
    """Rows of one sheet as {header: value}, with the cell coordinates for error messages."""

    def __init__(self, ws: Worksheet, problems: list[Problem], source: str) -> None:
        self.name = ws.title
        self.columns: dict[str, int] = {}
        self.rows: list[tuple[int, dict[str, Any]]] = []
        self.problems = problems
        self.source = source
        header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        allowed = _ALLOWED[self.name]
        for index, raw in enumerate(header, start=1):
            if raw is None or str(raw).strip() == "":
                continue
            name = str(raw).strip().lower()
            if name not in allowed:
                self.error(f"unknown column {name!r} (allowed: {', '.join(allowed)})", 1, index)
            elif name in self.columns:
                self.error(f"column {name!r} appears twice", 1, index)
            else:
                self.columns[name] = index
        for name in _REQUIRED[self.name]:
            if name not in self.columns:
                self.error(f"required column {name!r} is missing (thiếu cột bắt buộc)", 1, None)
        for row_no, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            record = {
                name: _clean(values[col - 1]) if col - 1 < len(values) else None
                for name, col in self.columns.items()
            }
            if any(v is not None for v in record.values()):
                self.rows.append((row_no, record))

    def where(self, row: int | None, column: str | int | None) -> str:
        text = f"sheet '{self.name}'"
        if row is not None:
            text += f", row {row}"
        col = self.columns.get(column) if isinstance(column, str) else column
        if col is not None:
            text += f", column {get_column_letter(col)}"
            if isinstance(column, str):
                text += f" ({column})"
        return text

    def error(self, message: str, row: int | None, column: str | int | None) -> None:
        self.problems.append(
            Problem(message=message, source=self.source, location=self.where(row, column))
        )


def _clean(value: Any) -> Any:
    value = restore_cell(value)  # undo write_excel's safe_row
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def _text_code(value: Any) -> Any:
    """Excel turns a typed ``1`` into a number; codes are text, so turn it back."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


_PACKAGE_PROBLEMS = {
    "too_many_entries": "the workbook holds {count} parts, more than {max}: refused unopened",
    "too_large": "the workbook inflates to {size_mb} MB, more than {max_mb} MB: refused unopened",
    "ratio": "part {part} is compressed {ratio}:1 (a decompression bomb): refused unopened",
    "macro": "the workbook contains macros ({part}); save it as a plain .xlsx (có macro)",
}


def _package_problem(source: Source) -> ooxml.PackageProblem | None:
    """Inspect the zip before openpyxl inflates it (decompression bombs, macro workbooks)."""
    if isinstance(source, (str, Path)):
        try:
            with open(source, "rb") as fh:
                return ooxml.inspect(fh)
        except OSError:
            return None  # openpyxl reports the missing file in its own words below
    return ooxml.inspect(source)  # type: ignore[arg-type]


def read_excel(source: Source, name: str | None = None) -> CriteriaSet:
    """Import a criteria set from the Excel template; raises ``CriteriaSetError``.

    ``name`` is the file name used in messages (defaults to the path).
    """
    label = name or (str(source) if isinstance(source, (str, Path)) else "<excel>")
    problem = _package_problem(source)
    if problem is not None and problem.code != "not_zip":  # openpyxl words that one below
        raise CriteriaSetError([Problem(_PACKAGE_PROBLEMS[problem.code].format(**problem.params),
                                        label)])
    try:
        wb = load_workbook(source, data_only=True, read_only=False)  # type: ignore[arg-type]
    except Exception as exc:  # openpyxl raises many unrelated types for a non-xlsx file
        raise CriteriaSetError(
            [Problem(f"cannot open the file as an Excel workbook (.xlsx): {exc}", label)]
        ) from None
    problems: list[Problem] = []
    sheets: dict[str, _Sheet] = {}
    for sheet_name in ("meta", "parts", "groups", "criteria", "mandatory"):
        if sheet_name in wb.sheetnames:
            sheets[sheet_name] = _Sheet(wb[sheet_name], problems, label)
        elif sheet_name != "mandatory":
            problems.append(
                Problem(f"required sheet '{sheet_name}' is missing (thiếu sheet)", label)
            )
    if problems:
        raise CriteriaSetError(problems)

    builder = _Builder(sheets, problems)
    data = builder.build()
    if problems:
        raise CriteriaSetError(problems)
    try:
        return validate_set(data, source=label)
    except CriteriaSetError as exc:
        raise CriteriaSetError([builder.locate(p) for p in exc.problems]) from None


class _Builder:
    """Turns the sheets into the YAML-shaped dict and remembers where each value came from."""

    def __init__(self, sheets: dict[str, _Sheet], problems: list[Problem]) -> None:
        self.sheets = sheets
        self.problems = problems
        self.meta_rows: dict[str, int] = {}
        self.part_rows: dict[str, int] = {}
        self.group_rows: dict[str, int] = {}
        self.criterion_rows: dict[str, int] = {}
        self.option_rows: dict[tuple[str, str], int] = {}
        self.rule_rows: dict[str, int] = {}

    def build(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        self._meta(data)
        data["parts"] = self._parts()
        data["criteria"] = self._criteria()
        data["mandatory"] = self._rules()
        return data

    def _meta(self, data: dict[str, Any]) -> None:
        sheet = self.sheets["meta"]
        for row, record in sheet.rows:
            key = record.get("key")
            value = record.get("value")
            if key is None:
                sheet.error("the key is empty", row, "key")
                continue
            key = str(key).strip().lower()
            if key not in META_KEYS:
                sheet.error(f"unknown key {key!r} (allowed: {', '.join(META_KEYS)})", row, "key")
                continue
            if key == "sources":
                if value is not None:
                    data.setdefault("sources", []).append(value)
                self.meta_rows.setdefault(key, row)
                continue
            if key in self.meta_rows:
                sheet.error(
                    f"key {key!r} is given twice (first in row {self.meta_rows[key]})", row, "key"
                )
                continue
            self.meta_rows[key] = row
            if value is None:
                continue
            if key == "version":
                value = _whole(value)
            if key.startswith("applies_to."):
                value = _text_code(value)
            target = data
            *parents, leaf = key.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[leaf] = value

    def _parts(self) -> list[dict[str, Any]]:
        parts: dict[str, dict[str, Any]] = {}
        for row, record in self.sheets["parts"].rows:
            code = _text_code(record.get("code"))
            entry = {k: v for k, v in record.items() if v is not None} | {"groups": []}
            if code is not None:
                entry["code"] = code
                if isinstance(code, str) and code not in parts:
                    parts[code] = entry
                    self.part_rows[code] = row
                    continue
            # Duplicates and missing codes go to the validator so it reports them once.
            parts[f"#row{row}"] = entry
        groups = self.sheets["groups"]
        for row, record in groups.rows:
            part = _text_code(record.get("part"))
            if part is None:
                groups.error("the part is empty", row, "part")
                continue
            owner = parts.get(part) if isinstance(part, str) else None
            if owner is None:
                groups.error(f"unknown part {part!r} (phần không tồn tại)", row, "part")
                continue
            entry = {k: v for k, v in record.items() if k != "part" and v is not None}
            if "code" in entry:
                entry["code"] = _text_code(entry["code"])
                self.group_rows.setdefault(str(entry["code"]), row)
            owner["groups"].append(entry)
        return list(parts.values())

    def _criteria(self) -> list[dict[str, Any]]:
        sheet = self.sheets["criteria"]
        criteria: dict[str, dict[str, Any]] = {}
        for row, record in sheet.rows:
            code = _text_code(record.get("criterion_code"))
            if code is None:
                sheet.error(
                    "the criterion code is empty (thiếu mã tiêu chí)", row, "criterion_code"
                )
                continue
            code = str(code)
            entry = criteria.get(code)
            first = entry is None
            if entry is None:
                entry = {"code": code, "options": []}
                criteria[code] = entry
                self.criterion_rows[code] = row
            for column, key in _CRITERION_FIELDS.items():
                value = record.get(column)
                if value is None:
                    continue
                if key == "bonus":
                    value = self._bonus(value, row)
                    if value is None:
                        continue
                elif key in ("part", "group"):
                    value = _text_code(value)
                if first or key not in entry:
                    entry[key] = value
                elif entry[key] != value:
                    sheet.error(
                        f"{column} {value!r} conflicts with {entry[key]!r} given in row "
                        f"{self.criterion_rows[code]} for criterion {code}",
                        row,
                        column,
                    )
            option: dict[str, Any] = {}
            for column, key in _OPTION_FIELDS.items():
                value = record.get(column)
                if value is not None:
                    option[key] = _text_code(value) if key == "code" else value
            if "code" in option:
                self.option_rows.setdefault((code, str(option["code"])), row)
            entry["options"].append(option)
        return list(criteria.values())

    def _bonus(self, value: Any, row: int) -> bool | None:
        if isinstance(value, bool):
            return value
        text = str(_text_code(value)).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.sheets["criteria"].error(
            f"bonus must be x / TRUE / FALSE / có / không, got {value!r}", row, "bonus"
        )
        return None

    def _rules(self) -> list[dict[str, Any]]:
        sheet = self.sheets.get("mandatory")
        if sheet is None:
            return []
        rules: list[dict[str, Any]] = []
        for row, record in sheet.rows:
            entry = {k: v for k, v in record.items() if v is not None}
            if "code" in entry:
                entry["code"] = _text_code(entry["code"])
                self.rule_rows.setdefault(str(entry["code"]), row)
            if "criterion" in entry:
                entry["criterion"] = _text_code(entry["criterion"])
            if "min_stars" in entry:
                entry["min_stars"] = _whole(entry["min_stars"])
            if "one_of" in entry:
                entry["one_of"] = [
                    s.strip() for s in str(_text_code(entry["one_of"])).split(",") if s.strip()
                ]
            rules.append(entry)
        return rules

    def locate(self, problem: Problem) -> Problem:
        """Attach "sheet, row, column" to a validator problem."""
        where = self._where(problem)
        return replace(problem, location=where) if where else problem

    def _where(self, p: Problem) -> str | None:
        field = p.field
        if p.rule is not None:
            sheet = self.sheets.get("mandatory")
            if sheet is None:
                return None
            return sheet.where(self.rule_rows.get(p.rule), field if field in RULE_COLUMNS else None)
        if p.criterion is not None:
            sheet = self.sheets["criteria"]
            if p.option is not None and (p.criterion, p.option) in self.option_rows:
                column = {v: k for k, v in _OPTION_FIELDS.items()}.get(field or "")
                return sheet.where(self.option_rows[(p.criterion, p.option)], column)
            column = {v: k for k, v in _CRITERION_FIELDS.items()}.get(field or "")
            if field == "code":
                column = "criterion_code"
            return sheet.where(self.criterion_rows.get(p.criterion), column)
        if p.part is not None:
            sheet = self.sheets["parts"]
            return sheet.where(self.part_rows.get(p.part), field if field in PART_COLUMNS else None)
        if field == "parts":
            return self.sheets["parts"].where(None, "max_points")
        if field is not None and field in _META_FIELD:
            key = _META_FIELD[field]
            row = self.meta_rows.get(key)
            sheet = self.sheets["meta"]
            return sheet.where(row, "value" if row else None) + f" (key {key})"
        return None


def excel_bytes(criteria_set: CriteriaSet) -> bytes:
    """The template as bytes (for a download response)."""
    from io import BytesIO

    buffer = BytesIO()
    write_excel(criteria_set, buffer)
    return buffer.getvalue()


def read_excel_bytes(content: bytes, name: str = "<excel>") -> CriteriaSet:
    """Import from bytes (an uploaded file)."""
    from io import BytesIO

    return read_excel(BytesIO(content), name=name)


__all__ = ["excel_bytes", "read_excel", "read_excel_bytes", "write_excel"]
