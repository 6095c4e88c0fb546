"""A province's legacy OCOP list (Excel) turned into exchange records.

The template (``template()``, downloadable from /trao-doi/) has one row per certified product,
with the columns the provinces' published lists already have (STT, tên sản phẩm, chủ thể, địa
chỉ xã/huyện, hạng sao, số quyết định, năm) plus what the platform needs to know who the producer
is (mã số thuế, loại hình, người đại diện), which product set the product belongs to, the score
and the decision's date. A commune is written by its code or by its name: a name is looked up in
the province (today's communes), or, when the "Huyện" column names a district of before
1 July 2025, among that district's communes of the time.

Each row becomes four records (producer, product, decision, certificate) applied by
``services.import_records``: all or nothing, each upserted by its key, so a list imported twice
changes nothing the second time. A row's problems are reported with its Excel row number and the
column's header.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import IO, Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from ocop.core.spreadsheets import cell_date, cell_text
from ocop.core.text import fold
from ocop.exchange.services import Problem
from ocop.registry.excel import Column, ImportFileError, read_rows, template_workbook
from ocop.registry.models import LegalForm
from ocop.rules.certification import MIN_CERTIFIABLE_STARS, TOP_STARS
from ocop.rules.levels import PROVINCE
from ocop.units.models import Unit

COLUMNS = (
    Column("STT", "stt", example="1"),
    Column("Tên sản phẩm", "product_name", required=True, example="Vải thiều sấy khô"),
    Column("Mã sản phẩm", "product_code",
           help=gettext_lazy("Để trống khi chưa có; sản phẩm được nhận ra theo tên và chủ thể")),
    Column("Mã bộ sản phẩm", "product_set", required=True,
           help=gettext_lazy("Mã trong danh mục phân loại (trang Bộ tiêu chí)"),
           example="1048-01"),
    Column("Chủ thể", "producer_name", required=True, example="HTX Vải thiều Lục Ngạn"),
    Column("Mã số thuế", "tax_code", required=True, example="0100109106"),
    Column("Loại hình", "legal_form", required=True,
           help=gettext_lazy("Doanh nghiệp; Hợp tác xã; Tổ hợp tác; Hộ kinh doanh; Khác"),
           example="Hợp tác xã"),
    Column("Người đại diện", "representative", required=True, example="Nguyễn Văn A"),
    Column("Địa chỉ", "street", help=gettext_lazy("Số nhà, thôn/xóm"), example="Thôn Hạ"),
    Column("Xã/phường", "commune", required=True,
           help=gettext_lazy("Tên hoặc mã 5 chữ số; xã cũ thì ghi kèm cột Huyện"),
           example="Xã Lục Ngạn"),
    Column("Huyện (trước 01/07/2025)", "district",
           help=gettext_lazy("Chỉ ghi khi xã/phường là đơn vị cũ trước sắp xếp")),
    Column("Hạng sao", "stars", required=True, help="3, 4, 5", example="4"),
    Column("Điểm", "score", required=True, help=gettext_lazy("Tổng điểm của hội đồng, 0–100"),
           example="78,5"),
    Column("Số quyết định", "decision_number", required=True, example="1234/QĐ-UBND"),
    Column("Ngày quyết định", "decision_date", required=True, help="dd/mm/yyyy",
           example="15/11/2024"),
    Column("Năm", "year", help=gettext_lazy("Năm công nhận (phải khớp ngày quyết định)"),
           example="2024"),
    Column("Số giấy chứng nhận", "certificate_number",
           help=gettext_lazy("Để trống khi chưa có: nền tảng cấp số theo tỉnh và năm")),
    Column("Người ký", "signer_name", help=gettext_lazy("Để trống: lấy theo trang nhập"),
           example="Trần Văn Ký"),
    Column("Chức vụ người ký", "signer_title", help=gettext_lazy("Để trống: lấy theo trang nhập"),
           example="Phó Chủ tịch"),
)
HEADERS = {c.field: c.header for c in COLUMNS}
# Record fields → the column that holds them, for the report.
_FIELD_COLUMNS = {
    "tax_code": HEADERS["tax_code"], "name": HEADERS["product_name"],
    "legal_form": HEADERS["legal_form"], "commune": HEADERS["commune"],
    "representative_name": HEADERS["representative"], "street_address": HEADERS["street"],
    "producer": HEADERS["tax_code"], "product_set": HEADERS["product_set"],
    "code": HEADERS["product_code"], "product": HEADERS["product_name"],
    "number": HEADERS["decision_number"], "date": HEADERS["decision_date"],
    "signer_name": HEADERS["signer_name"], "signer_title": HEADERS["signer_title"],
    "stars": HEADERS["stars"], "total_score": HEADERS["score"],
    "issued_on": HEADERS["decision_date"], "decision": HEADERS["decision_number"],
    "gtin": HEADERS["product_code"],
}
_LEGAL_FORMS = {
    "doanh nghiep": LegalForm.ENTERPRISE, "cong ty": LegalForm.ENTERPRISE,
    "dn": LegalForm.ENTERPRISE, "hop tac xa": LegalForm.COOPERATIVE,
    "htx": LegalForm.COOPERATIVE, "to hop tac": LegalForm.COOPERATIVE_GROUP,
    "tht": LegalForm.COOPERATIVE_GROUP, "ho kinh doanh": LegalForm.HOUSEHOLD,
    "hkd": LegalForm.HOUSEHOLD, "ho san xuat": LegalForm.HOUSEHOLD, "khac": LegalForm.OTHER,
}
_UNIT_PREFIXES = ("xa ", "phuong ", "thi tran ", "dac khu ", "huyen ", "thi xa ",
                  "thanh pho ", "quan ")


def template(sample_rows: list[list[Any]] | None = None) -> bytes:
    """The blank template; tests pass ``sample_rows`` to make a filled list."""
    content = template_workbook(COLUMNS, _("Danh sách OCOP"))
    if not sample_rows:
        return content
    workbook = load_workbook(BytesIO(content))
    for row in sample_rows:
        workbook.worksheets[0].append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _bare(name: str) -> str:
    folded = fold(name).strip()
    for prefix in _UNIT_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix):].strip()
    return folded


class _Communes:
    """Commune names and codes of one province (today's, and those before 1 July 2025)."""

    def __init__(self, province: Unit) -> None:
        inside = Q(current_province_id=province.pk) | Q(parent_id=province.pk)
        units = Unit.objects.filter(inside, level=Unit.Level.COMMUNE)
        self.current: dict[str, list[Unit]] = defaultdict(list)
        self.by_code: dict[str, Unit] = {}
        self.legacy: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        districts = {u.pk: _bare(u.name) for u in Unit.objects.filter(
            current_province_id=province.pk, level=Unit.Level.DISTRICT)}
        for unit in units:
            if unit.is_current:
                self.current[_bare(unit.name)].append(unit)
                self.by_code[unit.code] = unit
            elif unit.parent_id in districts:
                self.legacy[(districts[unit.parent_id], _bare(unit.name))].append(unit)

    def find(self, commune: str, district: str) -> Unit:
        text = cell_text(commune)
        if text.isdigit():
            if found := self.by_code.get(text.zfill(5)):
                return found
            raise ValueError(_("Không có xã/phường mã “%(code)s” trong tỉnh.") % {"code": text})
        if district:
            matches = self.legacy.get((_bare(district), _bare(text)), [])
            where = _("huyện “%(d)s” (trước 01/07/2025)") % {"d": district}
        else:
            matches = self.current.get(_bare(text), [])
            where = _("tỉnh")
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValueError(_("Không tìm thấy xã/phường “%(name)s” trong %(where)s.")
                             % {"name": text, "where": where})
        raise ValueError(_("Có nhiều xã/phường tên “%(name)s”; hãy ghi mã 5 chữ số.")
                         % {"name": text})


def _day(value: Any) -> date:
    try:
        day = cell_date(value)
    except ValueError:
        day = None
    if day is None:
        raise ValueError(_("“%(value)s” không phải ngày hợp lệ (ghi dd/mm/yyyy).")
                         % {"value": cell_text(value)})
    return day


@dataclass
class ParsedList:
    rows: list[dict[str, Any]] = field(default_factory=list)  # exchange records
    problems: list[Problem] = field(default_factory=list)
    row_count: int = 0
    digest: str = ""


def parse(file: IO[bytes], *, province: Unit, issuing_unit: Unit, signer_name: str,
          signer_title: str) -> ParsedList:
    """Read a list into exchange records, with every problem found in the file itself (each
    row and column named). The rows are not applied here."""
    parsed = ParsedList()
    file.seek(0)
    parsed.digest = hashlib.sha256(file.read()).hexdigest()
    file.seek(0)
    try:
        _headers, rows = read_rows(file, COLUMNS)
    except ImportFileError as error:
        parsed.problems.append(Problem(1, "", error.message))
        return parsed
    communes = _Communes(province)
    seen_certificates: dict[str, int] = {}
    seen_products: dict[tuple[str, str, str], int] = {}
    producers: dict[str, tuple[int, str]] = {}
    parsed.row_count = len(rows)
    for row in rows:
        cells = {c.field: row.cells.get(c.header) for c in COLUMNS}
        number = row.number
        problems: list[Problem] = []

        def bad(name: str, message: str, number: int = number,
                problems: list[Problem] = problems) -> None:
            problems.append(Problem(number, HEADERS[name], message))

        for c in COLUMNS:
            if c.required and cell_text(cells[c.field]) == "":
                bad(c.field, _("Thiếu giá trị bắt buộc."))
        tax_code = cell_text(cells["tax_code"])
        legal_form = _LEGAL_FORMS.get(fold(cell_text(cells["legal_form"])))
        if cell_text(cells["legal_form"]) and legal_form is None:
            bad("legal_form", _("Loại hình “%(value)s” không có trong danh sách: Doanh nghiệp, "
                                "Hợp tác xã, Tổ hợp tác, Hộ kinh doanh, Khác.")
                % {"value": cell_text(cells["legal_form"])})
        commune = None
        if cell_text(cells["commune"]):
            try:
                commune = communes.find(cells["commune"], cell_text(cells["district"]))
            except ValueError as error:
                bad("commune", str(error))
        stars = None
        if cell_text(cells["stars"]):
            try:
                stars = int(float(cell_text(cells["stars"]).replace(",", ".")))
                if not MIN_CERTIFIABLE_STARS <= stars <= TOP_STARS:
                    raise ValueError
            except ValueError:
                bad("stars", _("Hạng sao “%(value)s” không hợp lệ: chỉ sản phẩm %(low)d đến "
                               "%(high)d sao được công nhận.")
                    % {"value": cell_text(cells["stars"]), "low": MIN_CERTIFIABLE_STARS,
                       "high": TOP_STARS})
                stars = None
        score = None
        if cell_text(cells["score"]):
            try:
                score = Decimal(cell_text(cells["score"]).replace(",", "."))
                if not Decimal(0) <= score <= Decimal(100):
                    raise InvalidOperation
            except InvalidOperation:
                bad("score", _("Điểm “%(value)s” phải là số từ 0 đến 100.")
                    % {"value": cell_text(cells["score"])})
                score = None
        decided = None
        if cell_text(cells["decision_date"]):
            try:
                decided = _day(cells["decision_date"])
            except ValueError as error:
                bad("decision_date", str(error))
        if decided and cell_text(cells["year"]) and cell_text(cells["year"]) != str(decided.year):
            bad("year", _("Năm %(year)s không khớp ngày quyết định %(day)s.")
                % {"year": cell_text(cells["year"]), "day": f"{decided:%d/%m/%Y}"})
        certificate = cell_text(cells["certificate_number"])
        if certificate:
            if certificate in seen_certificates:
                bad("certificate_number",
                    _("Số giấy chứng nhận %(number)s trùng với dòng %(row)d.")
                    % {"number": certificate, "row": seen_certificates[certificate]})
            else:
                seen_certificates[certificate] = number
        product_key = (tax_code, fold(cell_text(cells["product_name"])),
                       cell_text(cells["decision_number"]))
        if all(product_key):
            if product_key in seen_products:
                bad("product_name", _("Sản phẩm này đã có ở dòng %(row)d với cùng quyết định.")
                    % {"row": seen_products[product_key]})
            else:
                seen_products[product_key] = number
        name = cell_text(cells["producer_name"])
        if tax_code and name:
            first = producers.setdefault(tax_code, (number, name))
            if fold(first[1]) != fold(name):
                bad("producer_name", _("Mã số thuế %(code)s đã ghi cho chủ thể “%(name)s” ở dòng "
                                       "%(row)d.") % {"code": tax_code, "name": first[1],
                                                      "row": first[0]})
        signer = cell_text(cells["signer_name"]) or signer_name.strip()
        title = cell_text(cells["signer_title"]) or signer_title.strip()
        if not signer or not title:
            bad("signer_name", _("Chưa có người ký và chức vụ: ghi ở cột hoặc trên trang nhập."))
        if problems:
            parsed.problems.extend(problems)
            continue
        meta = {"_row": number, "_columns": _FIELD_COLUMNS}
        decision_number = cell_text(cells["decision_number"])
        parsed.rows += [
            {**meta, "entity": "producer", "data": {
                "tax_code": tax_code, "name": name, "legal_form": legal_form,
                "commune": commune.pk, "street_address": cell_text(cells["street"]),
                "representative_name": cell_text(cells["representative"])}},
            {**meta, "entity": "product", "data": {
                "code": cell_text(cells["product_code"]) or None, "producer": tax_code,
                "name": cell_text(cells["product_name"]),
                "product_set": cell_text(cells["product_set"])}},
            {**meta, "entity": "decision", "data": {
                "issuing_unit": issuing_unit.pk, "number": decision_number,
                "date": decided.isoformat(), "level": PROVINCE, "signer_name": signer,
                "signer_title": title}},
            {**meta, "entity": "certificate", "data": {
                "number": certificate or None, "product": cell_text(cells["product_code"]) or None,
                "product_name": cell_text(cells["product_name"]), "producer": tax_code,
                "decision": {"issuing_unit": issuing_unit.pk, "number": decision_number},
                "stars": stars, "total_score": str(score), "issued_on": decided.isoformat()}},
        ]
    return parsed
