"""Excel import and export of producers and products, with openpyxl directly.

Why not django-import-export: the import must go through our services (permissions, validation,
audit entries) and report errors as row + column + Vietnamese message; openpyxl gives that with
less code than adapting Resource classes. Export uses openpyxl's write-only mode and a database
iterator, so memory stays flat for the ~17,000 certified products of the country.

Import is all-or-nothing and in two passes: every row is first checked by the services'
``prepare_*`` functions (permission, validation, uniqueness) without writing and outside any
transaction, so that every bad row is reported and no lock is held meanwhile; the preview stops
there. Confirming runs the check again and, only when all rows pass, stores them all in one short
transaction.

The file format is Vietnamese whatever the interface language: column headers, choice values
("Hợp tác xã", "Có"/"Không") and sheet names never change, so a file exported by an English-
speaking officer imports back anywhere. Only explanations (column help, the guide sheet) and
error messages follow the interface language.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ocop.accounts.models import User
from ocop.core import ooxml
from ocop.core.refusals import Conflict, Invalid
from ocop.core.spreadsheets import cell_date, cell_text, restore_cell, safe_row
from ocop.core.text import fold
from ocop.jobs.exports import Column as ExportColumn
from ocop.jobs.exports import ListExport, describe_with, list_page, write_workbook
from ocop.registry import selectors, services
from ocop.registry.models import LegalForm, Producer, Product, ProductGroup, ProductSet
from ocop.registry.uploads import package_message
from ocop.units.models import Unit
from ocop.units.names import official_name

MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_COLUMNS = 100
# The longest text field of the registry is 500 characters; anything far longer is not data.
MAX_CELL_CHARS = 5_000
YES_NO = "Có / Không"


def _vi_labels(choices: Iterable[tuple[str, Any]]) -> str:
    """The Vietnamese labels of ``choices``: the values a file may hold (see the module doc)."""
    with translation.override("vi"):
        return "; ".join(str(label) for _code, label in choices)


class ImportFileError(Invalid):
    """The file as a whole cannot be read (not xlsx, no header, missing columns)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"  # text | int | date | bool | legal_form | commune | product_set | status
    required: bool = False
    help: str | Promise = ""
    example: str = ""


PRODUCER_COLUMNS = (
    Column("Mã số thuế", "tax_code", required=True,
           help=gettext_lazy("10 chữ số, hoặc 13 chữ số dạng ##########-### (chi nhánh)"),
           example="0100109106"),
    Column("Tên chủ thể", "name", required=True, example="HTX Vải thiều Lục Ngạn"),
    Column("Loại hình", "legal_form", "legal_form", required=True,
           help=_vi_labels(LegalForm.choices), example="Hợp tác xã"),
    Column("Mã xã/phường", "commune", "commune", required=True,
           help=gettext_lazy("Mã 5 chữ số của xã/phường hiện nay (từ 01/07/2025). Chủ thể đăng "
                             "ký trước ngày đó theo xã cũ được xuất ra với mã LC và 5 chữ số "
                             "của xã cũ (ví dụ LC07591); giữ nguyên mã này khi nhập lại."),
           example="07582"),
    Column("Số nhà, thôn/xóm", "street_address", example="Thôn Hạ"),
    Column("Người đại diện", "representative_name", required=True, example="Nguyễn Văn A"),
    Column("Chức vụ", "representative_title", example="Giám đốc"),
    Column("Điện thoại", "phone", example="0912345678"),
    Column("Thư điện tử", "email", example="htx@example.vn"),
    Column("Trang web", "website"),
    Column("Số đăng ký kinh doanh", "business_reg_no"),
    Column("Ngày đăng ký", "business_reg_date", "date", help="dd/mm/yyyy", example="15/03/2019"),
    Column("Số lao động", "employees", "int", example="25"),
    Column("Lao động địa phương", "local_employees", "int",
           help=gettext_lazy("Không lớn hơn số lao động"), example="20"),
    Column("Số thành viên", "members", "int", example="12"),
    Column("Chủ thể là nữ", "woman_owner", "bool", help=YES_NO, example="Không"),
    Column("Chủ thể là người DTTS", "ethnic_minority_owner", "bool", help=YES_NO,
           example="Không"),
)

PRODUCT_COLUMNS = (
    Column("Mã số thuế chủ thể", "producer", "producer", required=True,
           help=gettext_lazy("Mã số thuế của chủ thể đã có trong hệ thống"), example="0100109106"),
    Column("Tên sản phẩm", "name", required=True, example="Vải thiều sấy khô"),
    Column("Mã bộ sản phẩm", "product_set", "product_set", required=True,
           help=gettext_lazy("Mã trong danh mục phân loại (trang Bộ tiêu chí)")),
    Column("Mã GTIN", "gtin", help=gettext_lazy("8, 12, 13 hoặc 14 chữ số, đúng chữ số kiểm tra"),
           example="8934567890120"),
    Column("Quy cách đóng gói", "packaging", example="Hộp 500 g"),
    Column("Hạn sử dụng (ngày)", "shelf_life_days", "int", example="365"),
    Column("Mô tả", "description"),
    Column("Thành phần", "ingredients"),
    Column("Trạng thái", "status", "status",
           help=_vi_labels(Product.Status.choices),
           example="Đang sản xuất, kinh doanh"),
)


# --- Templates -------------------------------------------------------------------------------


def template_workbook(columns: Iterable[Column], title: str) -> bytes:
    """An empty sheet with the headers, plus a sheet explaining each column with an example."""
    columns = list(columns)
    wb = Workbook()
    sheet = wb.active
    sheet.title = title
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, c in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(14, len(c.header) + 4)
    guide = wb.create_sheet(_("Hướng dẫn"))
    guide.append([_("Cột"), _("Bắt buộc"), _("Cách ghi"), _("Ví dụ")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for c in columns:
        guide.append(safe_row([c.header, _("Có") if c.required else "", str(c.help),
                               c.example]))
    guide.append([])
    guide.append([_("Dữ liệu được đọc từ trang tính đầu tiên; dòng 1 là tiêu đề cột.")])
    with tempfile.TemporaryFile() as tmp:
        wb.save(tmp)
        tmp.seek(0)
        return tmp.read()


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class RowError:
    column: str
    message: str


@dataclass
class ImportRow:
    number: int  # the row number as Excel shows it
    cells: dict[str, Any]  # header → raw cell value, for the preview
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[ImportRow]
    headers: list[str]
    committed: bool = False

    @property
    def error_count(self) -> int:
        return sum(len(r.errors) for r in self.rows)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and self.error_count == 0


def _parse_date(value: Any) -> date | None:
    try:
        return cell_date(value)
    except ValueError:
        raise ValueError(_("không phải ngày hợp lệ (ghi dd/mm/yyyy)")) from None


def _parse_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError(_("phải là số nguyên"))
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return int(value)
        raise ValueError(_("phải là số nguyên"))
    text = cell_text(value).replace(".", "").replace(",", "")
    try:
        return int(text)
    except ValueError:
        raise ValueError(_("phải là số nguyên")) from None


def _parse_bool(value: Any) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = fold(cell_text(value))
    if text in {"co", "x", "1", "true", "yes", "dung"}:
        return True
    if text in {"khong", "0", "false", "no", "sai"}:
        return False
    raise ValueError(_("ghi “Có” hoặc “Không”"))


def _choice(value: Any, choices: list[tuple[str, Any]]) -> str:
    text = fold(cell_text(value))
    with translation.override("vi"):
        vi_labels = [(code, fold(str(label))) for code, label in choices]
    # The label in the interface language is accepted too: harmless, and forgiving to a user
    # who typed what the English screen showed.
    for (code, vi_label), (_code, label) in zip(vi_labels, choices, strict=True):
        if text in (code, vi_label, fold(str(label))):
            return code
    raise ValueError(
        _("giá trị không có trong danh sách: %(values)s") % {"values": _vi_labels(choices)}
    )


class _Lookups:
    """Caches of the rows that cells refer to, so a 10,000-row file does not run 10,000 lookups."""

    def __init__(self, user: User) -> None:
        self.user = user
        self._communes: dict[str, Unit | None] = {}
        self._sets: dict[str, ProductSet | None] = {}
        self._producers: dict[str, Producer | None] = {}

    def commune(self, value: Any) -> Unit:
        text = cell_text(value).upper()
        if text.isdigit():
            text = "C" + text.zfill(5)
        if text not in self._communes:
            self._communes[text] = (
                Unit.objects.select_related("current_commune")
                .filter(pk=text, level=Unit.Level.COMMUNE).first()
            )
        unit = self._communes[text]
        if unit is None:
            raise ValueError(_("không có xã/phường mã “%(code)s”") % {"code": cell_text(value)})
        return unit

    def product_set(self, value: Any) -> ProductSet:
        code = cell_text(value)
        if code not in self._sets:
            self._sets[code] = ProductSet.objects.filter(pk=code).first()
        found = self._sets[code]
        if found is None:
            raise ValueError(_("không có bộ sản phẩm mã “%(code)s”") % {"code": code})
        return found

    def producer(self, value: Any) -> Producer:
        tax_code = cell_text(value)
        if tax_code not in self._producers:
            self._producers[tax_code] = (
                selectors.producers_for(self.user).select_related("commune")
                .filter(tax_code=tax_code).first()
            )
        found = self._producers[tax_code]
        if found is None:
            raise ValueError(
                _("không tìm thấy chủ thể mã số thuế “%(code)s” trong địa bàn của bạn")
                % {"code": tax_code}
            )
        return found


def _convert(column: Column, value: Any, lookups: _Lookups) -> Any:
    match column.kind:
        case "int":
            return _parse_int(value)
        case "date":
            return _parse_date(value)
        case "bool":
            return _parse_bool(value)
        case "legal_form":
            return _choice(value, LegalForm.choices)
        case "status":
            return _choice(value, Product.Status.choices)
        case "commune":
            return lookups.commune(value)
        case "product_set":
            return lookups.product_set(value)
        case "producer":
            return lookups.producer(value)
        case _:
            return cell_text(value)


def read_rows(file: IO[bytes], columns: Iterable[Column]) -> tuple[list[str], list[ImportRow]]:
    """Read the first sheet: header row, then one ImportRow per non-empty row."""
    columns = list(columns)
    # Refuse a decompression bomb or a macro workbook before openpyxl inflates anything.
    problem = ooxml.inspect(file)
    if problem is not None:
        raise ImportFileError(package_message(problem), code="registry.import_unsafe_file")
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _("Không đọc được tệp: đây không phải bảng tính Excel .xlsx hợp lệ."),
            code="registry.import_not_xlsx",
        ) from exc
    try:
        sheet = wb.worksheets[0]
        header_row = next(sheet.iter_rows(max_row=1, max_col=MAX_IMPORT_COLUMNS,
                                          values_only=True), None)
        if not header_row or not any(header_row):
            raise ImportFileError(_("Trang tính đầu tiên không có dòng tiêu đề (dòng 1)."),
                                  code="registry.import_no_header")
        # Only the header's columns are read: a row stretched to column XFD costs nothing.
        width = max(i for i, h in enumerate(header_row) if h not in (None, "")) + 1
        header_row = header_row[:width]
        rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
        headers = [cell_text(h) for h in header_row]
        by_fold = {fold(h): i for i, h in enumerate(headers) if h}
        index: dict[str, int] = {}
        missing = []
        for c in columns:
            if fold(c.header) in by_fold:
                index[c.header] = by_fold[fold(c.header)]
            elif c.required:
                missing.append(c.header)
        if missing:
            raise ImportFileError(
                _("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)},
                code="registry.import_missing_columns",
            )
        out: list[ImportRow] = []
        for number, raw in enumerate(rows, start=2):
            if raw is None or all(v in (None, "") for v in raw):
                continue
            if len(out) >= MAX_IMPORT_ROWS:
                raise ImportFileError(
                    _("Tệp có quá %(max)d dòng; hãy chia nhỏ.") % {"max": MAX_IMPORT_ROWS},
                    code="registry.import_too_many_rows",
                )
            for column, value in enumerate(raw, start=1):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    raise ImportFileError(
                        _("Ô %(cell)s có %(length)d ký tự, vượt giới hạn %(max)d.")
                        % {"cell": f"{get_column_letter(column)}{number}", "length": len(value),
                           "max": MAX_CELL_CHARS},
                        code="registry.import_cell_too_long",
                    )
            # restore_cell undoes the export's formula neutralisation: exports import back.
            cells = {h: restore_cell(raw[i]) if i < len(raw) else None
                     for h, i in index.items()}
            out.append(ImportRow(number=number, cells=cells))
        if not out:
            raise ImportFileError(_("Tệp không có dòng dữ liệu nào (từ dòng 2)."),
                                  code="registry.import_no_rows")
        return [c.header for c in columns if c.header in index], out
    finally:
        wb.close()


def _prepare(row: ImportRow, columns: list[Column], lookups: _Lookups) -> None:
    for c in columns:
        if c.header not in row.cells:
            continue
        value = row.cells[c.header]
        if cell_text(value) == "":
            if c.required:
                row.errors.append(RowError(c.header, _("không được để trống")))
            # An empty optional cell leaves the model's default (0, "", False, active).
            continue
        try:
            row.values[c.field] = _convert(c, value, lookups)
        except ValueError as exc:
            row.errors.append(RowError(c.header, str(exc)))


def _record_errors(row: ImportRow, exc: ValidationError, columns: list[Column]) -> None:
    headers = {c.field: c.header for c in columns}
    if hasattr(exc, "error_dict"):
        for fname, messages in exc.message_dict.items():
            for message in messages:
                row.errors.append(RowError(headers.get(fname, fname if fname != "__all__" else ""),
                                           message))
    else:
        for message in exc.messages:
            row.errors.append(RowError("", message))


def _run(
    user: User, file: IO[bytes], columns: tuple[Column, ...], commit: bool,
    prepare: Callable[[User, dict[str, Any]], Any], save: Callable[[User, Any], Any],
    unique_field: str, progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    headers, rows = read_rows(file, columns)
    cols = list(columns)
    lookups = _Lookups(user)
    seen: dict[str, int] = {}
    unique_header = next(c.header for c in cols if c.field == unique_field)
    # A refusal by the permission matrix is about where the row belongs.
    scope_header = next(c.header for c in cols if c.kind in ("commune", "producer"))
    # Pass 1 reads only, outside any transaction: checking 4,000 rows takes seconds, and an
    # open transaction would hold SQLite's write lock (IMMEDIATE mode) for all of them,
    # stalling every other write of the site. Duplicates inside the file are caught here, since
    # nothing is stored yet for the uniqueness checks to find.
    prepared: list[Any] = []
    total = len(rows)
    for checked, row in enumerate(rows):
        if progress is not None:
            progress(checked, total)  # the job's writer keeps about one write a second
        _prepare(row, cols, lookups)
        key = cell_text(row.cells.get(unique_header))
        if key and unique_field in ("tax_code", "gtin"):
            if key in seen:
                row.errors.append(
                    RowError(unique_header, _("trùng với dòng %(row)d") % {"row": seen[key]})
                )
            seen.setdefault(key, row.number)
        if row.errors:
            continue
        try:
            prepared.append(prepare(user, row.values))
        except ValidationError as exc:
            _record_errors(row, exc, cols)
        except PermissionDenied:
            row.errors.append(RowError(scope_header, _("ngoài địa bàn hoặc quyền của bạn")))
    if progress is not None:
        progress(total, total)
    result = ImportResult(rows=rows, headers=headers)
    if not commit or not result.ok:
        return result
    # Pass 2: one short transaction that only writes, all rows or none.
    try:
        with transaction.atomic():
            for obj in prepared:
                save(user, obj)
    except IntegrityError as exc:
        raise Conflict(_(
            "Dữ liệu vừa thay đổi trong lúc nhập (một mã số thuế hoặc mã GTIN trong tệp vừa "
            "được tạo ở nơi khác); không dòng nào được nhập. Hãy kiểm tra lại tệp."
        ), code="registry.import_changed_meanwhile") from exc
    result.committed = True
    return result


def _prepare_producer(user: User, values: dict[str, Any]) -> Producer:
    return services.prepare_producer(actor=user, data=values)


def _save_producer(user: User, producer: Producer) -> None:
    services.save_prepared_producer(actor=user, producer=producer)


def _prepare_product(user: User, values: dict[str, Any]) -> Product:
    data = dict(values)
    producer = data.pop("producer")
    return services.prepare_product(actor=user, producer=producer, data=data)


def _save_product(user: User, product: Product) -> None:
    services.save_prepared_product(actor=user, product=product)


def import_producers(user: User, file: IO[bytes], *, commit: bool,
                     progress: Callable[[int, int], None] | None = None) -> ImportResult:
    return _run(user, file, PRODUCER_COLUMNS, commit, _prepare_producer, _save_producer,
                "tax_code", progress)


def import_products(user: User, file: IO[bytes], *, commit: bool,
                    progress: Callable[[int, int], None] | None = None) -> ImportResult:
    return _run(user, file, PRODUCT_COLUMNS, commit, _prepare_product, _save_product, "gtin",
                progress)


IMPORTERS = {"producer": import_producers, "product": import_products}

PREVIEW_ROWS = 200  # rows kept for the result page (a job's outcome is stored as JSON)


def outcome(result: ImportResult) -> dict[str, Any]:
    """What the result page shows, as JSON for the import job: the counts, and the rows with
    their errors (a long file keeps only its first PREVIEW_ROWS rows with errors, or its first
    rows if all pass). Cells are [header, text] pairs: PostgreSQL's jsonb does not keep the
    order of an object's keys."""
    rows = result.rows
    if len(rows) > PREVIEW_ROWS:
        rows = ([r for r in rows if r.errors] or rows)[:PREVIEW_ROWS]
    return {
        "ok": result.ok, "committed": result.committed, "count": len(result.rows),
        "error_count": result.error_count, "headers": result.headers, "shown": len(rows),
        "rows": [{"number": r.number,
                  "cells": [[h, "" if v is None else str(v)] for h, v in r.cells.items()],
                  "errors": [{"column": e.column, "message": str(e.message)} for e in r.errors]}
                 for r in rows],
    }


# --- Export ----------------------------------------------------------------------------------
# The producer and product lists are two of the list exports every app registers
# (ocop/jobs/exports.py): the same job, file layout and download rule. Their headers are the
# import's, so an exported file imports back.


def _today_name(unit: Unit | None) -> str:
    """"Xã Lục Ngạn", "Tỉnh Bắc Ninh": the type word tells a ward from a commune of the same
    name, as an official writes it at the start of a cell."""
    return official_name(unit) if unit is not None else ""


def _yes(value: bool) -> str:
    return "Có" if value else "Không"


PRODUCER_EXPORT: tuple[ExportColumn, ...] = (
    ExportColumn("ID", lambda p: p.pk, "int", 8),
    ExportColumn("Mã số thuế", lambda p: p.tax_code, width=16),
    ExportColumn("Tên chủ thể", lambda p: p.name, width=36),
    ExportColumn("Loại hình", lambda p: p.legal_form, width=22, choices=LegalForm.choices),
    ExportColumn("Trạng thái", lambda p: p.status, width=16,
                 choices=Producer.Status.choices),
    # Current communes by their 5-digit code; legacy ones by key ("LC07591"), which the import
    # also reads, so an export imports back unchanged.
    ExportColumn("Mã xã/phường", lambda p: p.commune.code if p.commune.is_current else p.commune.pk,
            width=12),
    ExportColumn("Xã/phường", lambda p: p.commune.full_name, width=30),
    ExportColumn("Xã/phường hiện nay", lambda p: _today_name(p.commune.current_commune), width=22),
    ExportColumn("Tỉnh/thành phố hiện nay", lambda p: _today_name(p.commune.current_province),
                 width=22),
    ExportColumn("Số nhà, thôn/xóm", lambda p: p.street_address, width=24),
    ExportColumn("Người đại diện", lambda p: p.representative_name, width=24),
    ExportColumn("Chức vụ", lambda p: p.representative_title, width=16),
    ExportColumn("Điện thoại", lambda p: p.phone, width=14),
    ExportColumn("Thư điện tử", lambda p: p.email, width=26),
    ExportColumn("Trang web", lambda p: p.website, width=24),
    ExportColumn("Số đăng ký kinh doanh", lambda p: p.business_reg_no, width=18),
    ExportColumn("Ngày đăng ký", lambda p: p.business_reg_date, "date", 13),
    ExportColumn("Số lao động", lambda p: p.employees, "int", 11),
    ExportColumn("Lao động địa phương", lambda p: p.local_employees, "int", 11),
    ExportColumn("Số thành viên", lambda p: p.members, "int", 11),
    ExportColumn("Chủ thể là nữ", lambda p: _yes(p.woman_owner), width=10),
    ExportColumn("Chủ thể là người DTTS", lambda p: _yes(p.ethnic_minority_owner), width=10),
)

PRODUCT_EXPORT: tuple[ExportColumn, ...] = (
    ExportColumn("ID", lambda p: p.pk, "int", 8),
    ExportColumn("Mã số thuế chủ thể", lambda p: p.producer.tax_code, width=16),
    ExportColumn("Tên chủ thể", lambda p: p.producer.name, width=32),
    ExportColumn("Tên sản phẩm", lambda p: p.name, width=36),
    ExportColumn("Mã bộ sản phẩm", lambda p: p.product_set_id, width=12),
    ExportColumn("Bộ sản phẩm", lambda p: p.product_set.name_vi, width=30),
    ExportColumn("Nhóm sản phẩm", lambda p: p.product_set.group.name_vi
            if p.product_set.group_id else "", width=22),
    ExportColumn("Mã GTIN", lambda p: p.gtin or "", width=16),
    ExportColumn("Hạng sao", lambda p: p.stars, "int", 9),
    ExportColumn("Trạng thái", lambda p: p.status, width=22,
                 choices=Product.Status.choices),
    ExportColumn("Quy cách đóng gói", lambda p: p.packaging, width=18),
    ExportColumn("Hạn sử dụng (ngày)", lambda p: p.shelf_life_days, "int", 11),
    ExportColumn("Xã/phường", lambda p: p.producer.commune.full_name, width=30),
    ExportColumn("Tỉnh/thành phố hiện nay",
                 lambda p: _today_name(p.producer.commune.current_province), width=22),
)


def _unit_name(key: str) -> str | None:
    unit = Unit.objects.filter(pk=key).first()
    return unit.full_name if unit else None


def _yes_no(raw: str) -> str | None:
    return {"1": "Có", "true": "Có", "0": "Không", "false": "Không"}.get(raw.lower())


def _describe(status_choices: Iterable[tuple[str, Any]]) -> Callable[..., Any]:
    return describe_with(
        ("q", "Tìm kiếm", None),
        ("province", "Tỉnh/thành phố", _unit_name),
        ("commune", "Xã/phường", _unit_name),
        ("legal_form", "Loại hình", dict(LegalForm.choices)),
        ("status", "Trạng thái", dict(status_choices)),
        ("product_group", "Nhóm sản phẩm", lambda code: ProductGroup.objects.filter(
            code=code).values_list("name_vi", flat=True).first()),
        ("product_set", "Bộ sản phẩm", lambda code: ProductSet.objects.filter(
            code=code).values_list("name_vi", flat=True).first()),
        ("stars", "Hạng sao", lambda raw: f"{raw} sao" if raw.isdigit() else None),
        ("has_gtin", "Có mã GTIN", _yes_no),
        ("woman_owner", "Chủ thể là nữ", _yes_no),
        ("ethnic_minority_owner", "Chủ thể là người DTTS", _yes_no),
    )


PRODUCERS = ListExport(
    name="registry.producers", title=gettext_lazy("Danh sách chủ thể OCOP"), sheet="Chủ thể",
    filename="chu-the", columns=PRODUCER_EXPORT,
    rows=lambda user, filters: selectors.producer_list(
        user, selectors.RegistryFilter.from_params(filters)),
    describe=_describe(Producer.Status.choices), page=list_page("registry:producer_list"),
)
PRODUCTS = ListExport(
    name="registry.products", title=gettext_lazy("Danh sách sản phẩm"), sheet="Sản phẩm",
    filename="san-pham", columns=PRODUCT_EXPORT,
    rows=lambda user, filters: selectors.product_list(
        user, selectors.RegistryFilter.from_params(filters)),
    describe=_describe(Product.Status.choices), page=list_page("registry:product_list"),
)


def export_workbook(qs: QuerySet, kind: str) -> IO[bytes]:
    """``qs`` as the export's workbook, rewound (the background job goes through
    ``ocop.jobs.exports.export_file``; this is for tests and scripts)."""
    with translation.override("vi"):  # choice labels are file values: Vietnamese (see top)
        return write_workbook(PRODUCERS if kind == "producers" else PRODUCTS, qs)[0]
