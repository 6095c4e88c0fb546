"""The report as an Excel workbook: one sheet per section, frozen header row, real numbers.

Like the registry's export (``ocop/registry/excel.py``) the file is Vietnamese whatever the
interface language: it is an official return sent to the level above, so its headers are written
here in Vietnamese and not translated. Names typed by users go through ``safe_row`` (never a
formula). Counts are whole numbers (``#,##0``), amounts whole đồng (``#,##0``), rates percentages
(``0.0%``) and dates ``DD/MM/YYYY``, so the reader can sum and sort them in the spreadsheet.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from ocop.core.spreadsheets import add_table, safe_row
from ocop.planning.models import BudgetContent, BudgetSource
from ocop.reports import figures
from ocop.reports.content import Content

COUNT = "#,##0"
MONEY = "#,##0"
RATE = "0.0%"
DATE = "DD/MM/YYYY"
STAR_HEADERS = [f"{s} sao" for s in figures.STARS]


def _rate(part: Decimal | int | None, whole: Decimal | int | None) -> float | None:
    """A share as a fraction for the ``0.0%`` format (None when there is no whole)."""
    if part is None or not whole:
        return None
    return float(Decimal(part) / Decimal(whole))


def workbook(content: Content) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = "Tổng hợp"
    summary.append(["Nội dung", "Giá trị"])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    summary.freeze_panes = "A2"
    summary.column_dimensions["A"].width = 60
    summary.column_dimensions["B"].width = 28
    facts: list[tuple[str, Any, str | None]] = [
        ("Địa bàn", content.scope_name, None),
        ("Kỳ báo cáo", content.period.label, None),
        ("Từ ngày", content.period.start, DATE),
        ("Đến ngày", content.period.end, DATE),
        ("Ngày lập", content.made_on, DATE),
    ]
    if content.products is not None:
        p = content.products
        facts += [(f"Sản phẩm OCOP còn hiệu lực đến {p.day:%d/%m/%Y}", p.valid_total, COUNT)]
        facts += [(f"— trong đó {s} sao", p.by_stars[s], COUNT) for s in figures.STARS]
        facts += [("Sản phẩm OCOP luỹ kế được công nhận", p.recognised_cumulative, COUNT)]
    if content.certificates is not None:
        c = content.certificates.counts
        facts += [("Giấy chứng nhận cấp mới trong kỳ", c["issued"], COUNT),
                  ("Giấy chứng nhận hết hiệu lực trong kỳ", c["expired"], COUNT),
                  ("Giấy chứng nhận bị thu hồi trong kỳ", c["revoked"], COUNT)]
    if content.plans:
        approved, committed, disbursed = figures.budget_totals(content.plans)
        facts += [("Kinh phí được duyệt (đồng)", approved, MONEY),
                  ("Kinh phí đã cam kết (đồng)", committed, MONEY),
                  ("Kinh phí đã giải ngân (đồng)", disbursed, MONEY),
                  ("Tỷ lệ giải ngân", _rate(disbursed, approved), RATE)]
    for label, value, fmt in facts:
        summary.append(safe_row([label, value]))
        if fmt:
            summary.cell(summary.max_row, 2).number_format = fmt

    if content.products is not None:
        _products(wb, content)
    if content.certificates is not None:
        _certificates(wb, content.certificates)
    if content.plans is not None:
        _plans(wb, content.plans)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _star_cells(row: figures.StarRow) -> list[int]:
    return [row.count(s) for s in figures.STARS] + [row.total]


def _products(wb: Workbook, content: Content) -> None:
    p = content.products
    assert p is not None
    star_formats = [COUNT] * (len(figures.STARS) + 1)
    add_table(wb, "Theo hạng sao", ["Hạng sao", "Số sản phẩm"],
           [*([f"{s} sao", p.by_stars[s]] for s in figures.STARS), ["Tổng", p.valid_total]],
           [None, COUNT])
    add_table(wb, "Theo nhóm sản phẩm", ["Mã nhóm", "Nhóm sản phẩm", *STAR_HEADERS, "Tổng"],
           ([r.key, r.label, *_star_cells(r)] for r in p.by_group), [None, None, *star_formats])
    if content.scope is None:
        add_table(wb, "Theo tỉnh thành phố", ["Tỉnh/thành phố", *STAR_HEADERS, "Tổng"],
               ([r.label, *_star_cells(r)] for r in p.by_province), [None, *star_formats])
    add_table(wb, "Theo xã phường", ["Tỉnh/thành phố", "Xã/phường (hiện nay)", *STAR_HEADERS,
                                  "Tổng"],
           ([r.parent, r.label, *_star_cells(r)] for r in p.by_commune),
           [None, None, *star_formats])
    add_table(wb, "Theo huyện cũ", ["Tỉnh cũ", "Huyện cũ (trước 01/07/2025)", *STAR_HEADERS,
                                 "Tổng"],
           ([r.parent, r.label, *_star_cells(r)] for r in p.by_legacy_district),
           [None, None, *star_formats])


CERTIFICATE_HEADERS = ["Số giấy chứng nhận", "Sản phẩm", "Chủ thể", "Hạng sao", "Ngày cấp",
                       "Hiệu lực đến hết ngày", "Xã/phường", "Tỉnh/thành phố"]
CERTIFICATE_FORMATS = [None, None, None, COUNT, DATE, DATE, None, None]


def _certificate_cells(c: dict) -> list[Any]:
    return [c["number"], c["product__name"], c["producer__name"], c["stars"], c["issued_on"],
            c["valid_until"], c["producer__commune__current_commune__name"] or "",
            c["producer__commune__current_province__name"] or ""]


def _certificates(wb: Workbook, c: figures.CertificateFigures) -> None:
    add_table(wb, "GCN cấp mới", CERTIFICATE_HEADERS, map(_certificate_cells, c.issued),
           CERTIFICATE_FORMATS)
    add_table(wb, "GCN hết hiệu lực", CERTIFICATE_HEADERS, map(_certificate_cells, c.expired),
           CERTIFICATE_FORMATS)
    add_table(wb, "GCN bị thu hồi",
           [*CERTIFICATE_HEADERS, "Ngày thu hồi", "Số quyết định thu hồi"],
           ([*_certificate_cells(x), x["revoked_on"], x["revocation_decision_number"]]
            for x in c.revoked), [*CERTIFICATE_FORMATS, DATE, None])


def _plans(wb: Workbook, plans: list[figures.PlanFigures]) -> None:
    indicator_rows = []
    budget_rows = []
    for p in plans:
        for row in p.rows:
            indicator_rows.append([p.plan.title, row.label, row.indicator.baseline,
                                   row.indicator.target, row.actual,
                                   _rate(row.actual, row.indicator.target)])
        for line in p.budget.lines:
            budget_rows.append([p.plan.title, str(BudgetContent(line.content).label),
                                str(BudgetSource(line.source).label), line.description,
                                line.approved, line.committed, line.disbursed,
                                _rate(line.disbursed, line.approved)])
    add_table(wb, "Kế hoạch năm", ["Kế hoạch", "Chỉ tiêu", "Giá trị đầu kỳ", "Chỉ tiêu kế hoạch",
                                "Thực hiện đến cuối kỳ", "Tỷ lệ hoàn thành"],
           indicator_rows, [None, None, COUNT, COUNT, COUNT, RATE])
    add_table(wb, "Kinh phí", ["Kế hoạch", "Nội dung", "Nguồn kinh phí", "Diễn giải",
                            "Dự toán được duyệt (đồng)", "Đã cam kết (đồng)",
                            "Đã giải ngân (đồng)", "Tỷ lệ giải ngân"],
           budget_rows, [None, None, None, None, MONEY, MONEY, MONEY, RATE])
