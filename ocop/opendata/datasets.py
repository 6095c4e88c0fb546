"""What the open data publishes: the three datasets, their Table Schemas and the file formats.

Pure (no database): the rows come from ``selectors.dataset_rows``; this module fixes the columns,
their types and constraints, and turns rows into CSV and JSON bytes. The same field list makes
the CSV header, the JSON keys and the Table Schema, so they cannot drift apart.

Only organisation and certificate data is published (docs/opendata.md, "No personal data"):
never a phone, e-mail, tax code, street address or representative, and for a household business
("hộ kinh doanh", whose name is usually its owner's) not even the name.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ocop.registry.models import LegalForm
from ocop.rules.certification import MIN_CERTIFIABLE_STARS, TOP_STARS

LICENSE_NAME = "CC-BY-4.0"
LICENSE_TITLE = "Creative Commons Attribution 4.0 International"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type: string, integer, date
    title: str
    description: str
    required: bool = False
    constraints: Mapping[str, Any] | None = None

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title,
                               "description": self.description}
        if self.type == "date":
            out["format"] = "default"  # ISO 8601 YYYY-MM-DD
        constraints = dict(self.constraints or {})
        if self.required:
            constraints["required"] = True
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class Dataset:
    key: str  # the resource name, and the stem of its file names
    status: str  # CertificateStatus value of every row
    # Translated on the page; the files are built with Vietnamese active, so they stay Vietnamese.
    title: str | Promise
    description: str | Promise
    fields: tuple[Field, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def table_schema(self) -> dict[str, Any]:
        return {"fields": [f.descriptor() for f in self.fields],
                "primaryKey": ["certificate_number"], "missingValues": [""]}


def _fields(status: str) -> tuple[Field, ...]:
    return (
        Field("certificate_number", "string", "Số giấy chứng nhận",
              "Số giấy chứng nhận OCOP, dạng OCOP-<mã tỉnh>-<năm>-<số thứ tự> (giấy cấp trên "
              "nền tảng) hoặc số ghi trên giấy nhập từ hồ sơ giấy.",
              required=True, constraints={"unique": True}),
        Field("status", "string", "Tình trạng",
              "Tình trạng của giấy chứng nhận vào ngày dữ liệu được lập: valid (còn hiệu lực), "
              "revoked (đã thu hồi), expired (hết hiệu lực).",
              required=True, constraints={"enum": [status]}),
        Field("stars", "integer", "Hạng sao", "Hạng sao OCOP được công nhận.", required=True,
              constraints={"minimum": MIN_CERTIFIABLE_STARS, "maximum": TOP_STARS}),
        Field("issued_on", "date", "Ngày cấp", "Ngày cấp giấy chứng nhận.", required=True),
        Field("valid_until", "date", "Có giá trị đến hết ngày",
              "Ngày cuối cùng giấy chứng nhận còn giá trị (36 tháng kể từ ngày cấp).",
              required=True),
        Field("decision_number", "string", "Số quyết định công nhận",
              "Số quyết định công nhận kết quả đánh giá, phân hạng sản phẩm OCOP.",
              required=True),
        Field("decision_date", "date", "Ngày quyết định", "Ngày ký quyết định công nhận.",
              required=True),
        Field("issuing_body", "string", "Cơ quan công nhận",
              "Ủy ban nhân dân tỉnh (hoặc huyện, trước 01/07/2025) hay Bộ đã ký quyết định.",
              required=True),
        Field("product_id", "integer", "Mã sản phẩm",
              "Mã của sản phẩm trên nền tảng OCOP; không đổi qua các lần công nhận lại.",
              required=True, constraints={"minimum": 1}),
        Field("product_name", "string", "Tên sản phẩm", "Tên sản phẩm OCOP.", required=True),
        Field("gtin", "string", "Mã GTIN", "Mã số thương phẩm toàn cầu (mã vạch), nếu có.",
              constraints={"pattern": "[0-9]{8,14}"}),
        Field("product_group_code", "string", "Mã nhóm sản phẩm",
              "Mã nhóm sản phẩm theo Quyết định 148/QĐ-TTg."),
        Field("product_group", "string", "Nhóm sản phẩm",
              "Tên nhóm sản phẩm theo Quyết định 148/QĐ-TTg."),
        Field("product_set_code", "string", "Mã bộ sản phẩm",
              "Mã bộ sản phẩm (bộ tiêu chí chấm điểm).", required=True),
        Field("product_set", "string", "Bộ sản phẩm", "Tên bộ sản phẩm.", required=True),
        Field("producer_name", "string", "Tên chủ thể",
              "Tên tổ chức sản xuất, kinh doanh. Để trống với hộ kinh doanh: tên hộ thường là "
              "tên người chủ hộ (dữ liệu cá nhân)."),
        Field("producer_legal_form", "string", "Loại hình chủ thể",
              "Loại hình của chủ thể OCOP.", required=True,
              constraints={"enum": [str(label) for label in _legal_form_labels()]}),
        Field("commune_code", "string", "Mã xã/phường",
              "Mã đơn vị hành chính cấp xã hiện nay nơi chủ thể đăng ký.", required=True),
        Field("commune", "string", "Xã/phường", "Tên xã/phường hiện nay.", required=True),
        Field("province_code", "string", "Mã tỉnh/thành phố",
              "Mã tỉnh/thành phố hiện nay (sau 01/07/2025).", required=True),
        Field("province", "string", "Tỉnh/thành phố", "Tên tỉnh/thành phố hiện nay.",
              required=True),
        Field("legacy_district_code", "string", "Mã huyện (trước 01/07/2025)",
              "Mã quận/huyện trước khi bỏ cấp huyện, nếu biết (giấy cấp trước 01/07/2025)."),
        Field("legacy_district", "string", "Huyện (trước 01/07/2025)",
              "Tên quận/huyện trước khi bỏ cấp huyện, nếu biết."),
    )


def _legal_form_labels() -> list[str]:
    # Vietnamese labels whatever the active language: the files are written in Vietnamese.
    with translation.override("vi"):
        return [str(label) for label in LegalForm.labels]


_REVOCATION = (
    Field("revoked_on", "date", "Ngày thu hồi", "Ngày giấy chứng nhận bị thu hồi.",
          required=True),
    Field("revocation_decision_number", "string", "Số quyết định thu hồi",
          "Số quyết định thu hồi giấy chứng nhận.", required=True),
)


def all_datasets() -> tuple[Dataset, ...]:
    """The three datasets, in the order the page lists them. Built on call (the enum of legal
    forms is read in Vietnamese, which needs the translation machinery ready)."""
    return (
        Dataset("chung-nhan-hieu-luc", "valid",
                _("Sản phẩm OCOP có giấy chứng nhận còn hiệu lực"),
                _("Mỗi dòng là một giấy chứng nhận OCOP còn hiệu lực vào ngày dữ liệu được lập."),
                _fields("valid")),
        Dataset("chung-nhan-thu-hoi", "revoked", _("Giấy chứng nhận OCOP đã bị thu hồi"),
                _("Mỗi dòng là một giấy chứng nhận OCOP đã bị thu hồi, với ngày và số quyết "
                  "định thu hồi (lý do thu hồi không được công bố)."),
                _fields("revoked") + _REVOCATION),
        Dataset("chung-nhan-het-han", "expired", _("Giấy chứng nhận OCOP đã hết hiệu lực"),
                _("Mỗi dòng là một giấy chứng nhận OCOP đã hết thời hạn 36 tháng mà không bị "
                  "thu hồi; sản phẩm có thể đã được công nhận lại (xem tệp còn hiệu lực)."),
                _fields("expired")),
    )


# The formats each dataset is published in: (extension, media type, Table Schema "format").
FORMATS = (("csv", "text/csv", "csv"), ("json", "application/json", "json"))
DESCRIPTOR = "datapackage.json"
CATALOG_JSONLD = "catalog.jsonld"
CATALOG_TURTLE = "catalog.ttl"
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
               "jsonld": "application/ld+json", "ttl": "text/turtle; charset=utf-8"}


def file_names() -> list[str]:
    """Every public file name of a release."""
    names = [f"{d.key}.{ext}" for d in all_datasets() for ext, _m, _f in FORMATS]
    return [*names, DESCRIPTOR, CATALOG_JSONLD, CATALOG_TURTLE]


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def to_csv(dataset: Dataset, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """RFC 4180 CSV, UTF-8 without BOM, comma, CRLF line ends (Table Schema's default dialect),
    every cell a string; missing values are empty."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.field_names)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in dataset.field_names])
    return buffer.getvalue().encode("utf-8")


def to_json(dataset: Dataset, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """An array of row objects (the Data Resource "array of objects" form); dates as ISO
    strings, integers as numbers, missing values as null."""
    out = []
    for row in rows:
        out.append({name: (None if row[name] in (None, "") else
                           row[name] if isinstance(row[name], int) else str(row[name]))
                     for name in dataset.field_names})
    return json.dumps(out, ensure_ascii=False, indent=1).encode("utf-8")
